package doctor

import (
	"context"

	"github.com/mystatus/mystatus/lib/quota"
	"github.com/mystatus/mystatus/lib/report"
)

// reachability asks every configured platform once, through the report
// service so each platform keeps its own deadline and panic recovery,
// bypassing any cache.
func (r *run) reachability(ctx context.Context) {
	svc := &report.Service{Providers: r.opts.Providers, Now: r.opts.Now}
	if c := r.opts.Deps.HTTP; c != nil {
		svc.Timeout = c.Timeout
	}
	rep := svc.Collect(ctx, report.Request{Refresh: true})
	for _, res := range rep.Results {
		if res.Err != nil {
			r.reachProblem(res.Platform, "", res.Err)
			continue
		}
		for _, a := range res.Accounts {
			if a.Err != nil {
				r.reachProblem(res.Platform, a.Name, a.Err)
				continue
			}
			r.ok(CheckReachability, res.Platform, a.Name, "", r.t("doctor.reach.ok", nil))
		}
	}
}

// reachProblem reports a failed query unless the file checks already
// reported the same problem.
func (r *run) reachProblem(p quota.PlatformID, account string, err error) {
	e := quota.AsError(err)
	if r.seen(e.Kind, e.Path) {
		return
	}
	r.problem(severityOf(e.Kind), CheckReachability, p, account, err)
}

// severityOf grades a live failure: limits and plans are facts about the
// account rather than faults to fix.
func severityOf(k quota.Kind) Severity {
	switch k {
	case quota.KindQuotaExhausted, quota.KindRateLimited, quota.KindNotSubscribed, quota.KindCapacity, quota.KindCanceled:
		return Warn
	}
	return Error
}

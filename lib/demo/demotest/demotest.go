// Package demotest runs one platform's demo through the real report, for
// the platform's own demo_test.go: what its demo shows is its package's
// knowledge, tested there.
package demotest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/mystatus/mystatus/lib/demo"
	"github.com/mystatus/mystatus/lib/httpx"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/quota"
	"github.com/mystatus/mystatus/lib/report"
)

// Run starts the demo of the platform newP builds, alone, collects a
// report of it at now and returns its result.
func Run(t testing.TB, now time.Time, newP func(provider.Deps) quota.Provider) quota.Result {
	t.Helper()
	env, err := demo.StartWith(context.Background(), now, []quota.Provider{newP(provider.Deps{})})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(env.Close)
	deps := env.Deps(provider.Deps{HTTP: httpx.New(5 * time.Second), Now: func() time.Time { return now }})
	svc := &report.Service{Providers: []quota.Provider{newP(deps)}, Timeout: 5 * time.Second,
		Now: func() time.Time { return now }, Demo: true}
	rep := svc.Collect(context.Background(), report.Request{})
	if len(rep.Results) != 1 {
		t.Fatalf("%d results, want 1: %+v", len(rep.Results), rep.Results)
	}
	return rep.Results[0]
}

// Windows lists a's windows as the part a demo test checks, one
// "kind/period/name/used%" string each ("rate/5h0m0s//37%").
func Windows(a quota.Account) []string {
	var out []string
	for _, w := range a.Windows {
		out = append(out, fmt.Sprintf("%s/%v/%s/%g%%", w.Kind, w.Period, w.Name, w.UsedPct))
	}
	return out
}

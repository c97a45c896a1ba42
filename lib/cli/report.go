package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/mystatus/mystatus/i18n"
	"github.com/mystatus/mystatus/lib/pace"
	"github.com/mystatus/mystatus/lib/provider/all"
	"github.com/mystatus/mystatus/lib/quota"
	"github.com/mystatus/mystatus/lib/render"
	"github.com/mystatus/mystatus/lib/report"
)

// options are the report flags.
type options struct {
	json      bool
	format    string
	only      string
	timeout   time.Duration
	show      string
	watch     time.Duration
	threshold int
	paceAlert bool
	refresh   bool
	version   bool
}

// reportCommand is plain `mystatus`: the quota report.
var reportCommand = &command{name: "", aliases: []string{"report"}, summary: "cli.cmd.report", config: configRequired,
	define: func(f *flags, a *App) func(context.Context, []string) error {
		o := defineReport(f)
		return func(ctx context.Context, args []string) error { return a.report(ctx, f, o, args, false) }
	}}

// demoCommand is the report against the built-in fake platforms.
var demoCommand = &command{name: "demo", summary: "cli.cmd.demo", config: configDefaults,
	define: func(f *flags, a *App) func(context.Context, []string) error {
		o := defineReport(f)
		return func(ctx context.Context, args []string) error { return a.report(ctx, f, o, args, true) }
	}}

func defineReport(f *flags) *options {
	o := &options{}
	loc := f.loc
	f.Bool(&o.json, "json", "cli.flag.json")
	f.String(&o.format, "format", "markdown|json|line", "markdown", "cli.flag.format", nil)
	f.String(&o.only, "only", loc.T("cli.meta.list", nil), "", "cli.flag.only", map[string]any{"Platforms": joinIDs()})
	f.Duration(&o.timeout, "timeout", 0, "cli.flag.timeout")
	f.String(&o.show, "show", render.ShowRemaining+"|"+render.ShowUsed, render.ShowRemaining, "cli.flag.show", nil)
	f.Duration(&o.watch, "watch", 0, "cli.flag.watch")
	f.Int(&o.threshold, "threshold", "N", -1, "cli.flag.threshold")
	f.Bool(&o.paceAlert, "pace-alert", "cli.flag.pace_alert")
	f.Bool(&o.refresh, "refresh", "cli.flag.refresh")
	f.Bool(&o.version, "version", "cli.flag.version") // handled by App.run
	return o
}

// report runs the main job: the quota report.
func (a *App) report(ctx context.Context, f *flags, o *options, args []string, demo bool) error {
	loc := i18n.New(a.Lang)
	if len(args) > 0 {
		return extraArgs(loc, args)
	}
	if o.json {
		if f.Was("format") && o.format != "json" {
			return usageErrorf(loc.T("cli.error.json_format", map[string]any{"Value": o.format}))
		}
		o.format = "json"
	}
	if !slices.Contains([]string{"markdown", "json", "line"}, o.format) {
		return usageErrorf(loc.T("cli.error.format", map[string]any{"Value": o.format}))
	}
	if o.show != render.ShowRemaining && o.show != render.ShowUsed {
		return usageErrorf(loc.T("cli.error.show", map[string]any{"Value": o.show}))
	}
	if o.threshold > 100 {
		return usageErrorf(loc.T("cli.error.threshold", map[string]any{"Value": o.threshold}))
	}
	if o.timeout < 0 || o.watch < 0 {
		return usageErrorf(loc.T("cli.error.duration", nil))
	}
	platforms, err := parseOnly(o.only)
	if err != nil {
		return usageErrorf(loc.T("cli.error.only", map[string]any{"Value": err.Error(), "Valid": joinIDs()}))
	}
	if demo {
		stop, err := a.startDemo(ctx)
		if err != nil {
			return &failure{loc.T("cli.error.demo", map[string]any{"Error": err.Error()}), ExitFailed}
		}
		defer stop()
	}
	if o.timeout > 0 {
		a.SetTimeout(o.timeout)
	}
	color := a.Env.IsTerminal && a.Env.Getenv("NO_COLOR") == "" && o.format == "markdown"
	req := report.Request{Platforms: platforms, Refresh: o.refresh}
	if o.watch > 0 {
		return a.watch(ctx, loc, o, req, color, demo)
	}
	rep := a.Service.Collect(ctx, req)
	if err := ctx.Err(); err != nil {
		return err
	}
	// A one-shot report makes no more requests: its idle connections, with
	// their buffers and two goroutines each (a wave of 192 at 500
	// accounts), go before rendering allocates.
	a.Deps.HTTP.CloseIdle()
	a.print(loc, o, rep, color, demo)
	return exitFor(rep, o, demo, a.Env.Now())
}

// watch refreshes the report every interval until interrupted.
func (a *App) watch(ctx context.Context, loc *i18n.Localizer, o *options, req report.Request, color, demo bool) error {
	a.Service.TTL = o.watch / 2
	t := time.NewTicker(o.watch)
	defer t.Stop()
	for {
		rep := a.Service.Collect(ctx, req)
		if err := ctx.Err(); err != nil {
			return err
		}
		if a.Env.IsTerminal {
			io.WriteString(a.Env.Stdout, "\x1b[H\x1b[2J")
		}
		a.print(loc, o, rep, color, demo)
		if o.format == "markdown" {
			fmt.Fprintln(a.Env.Stdout)
			fmt.Fprintln(a.Env.Stdout, loc.T("cli.watch.footer", map[string]any{"Every": render.Duration(loc, o.watch), "At": a.Env.Now().Format("15:04:05")}))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

func (a *App) print(loc *i18n.Localizer, o *options, rep quota.Report, color, demo bool) {
	// People reading a terminal get the terminal form; a pipe (an agent,
	// a file) gets the markdown that renders block by block.
	opts := a.RenderOptions(color, a.Env.IsTerminal && o.format == "markdown", o.show)
	switch o.format {
	case "json":
		enc := json.NewEncoder(a.Env.Stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		enc.Encode(render.JSON(rep, loc, opts))
	case "line":
		fmt.Fprintln(a.Env.Stdout, render.Line(rep, loc, opts))
	default:
		fmt.Fprint(a.Env.Stdout, render.Markdown(rep, loc, opts))
		if demo && rep.Failed() {
			// The failing platform is part of the show: say so, so the
			// newcomer does not take it for a broken install.
			fmt.Fprintln(a.Env.Stdout)
			fmt.Fprintln(a.Env.Stdout, loc.T("demo.failure_note", nil))
		}
	}
}

// exitFor maps a report to the exit status: --threshold and --pace-alert
// first (3), then a failed platform (1). The demo's failure is part of the
// show, so the demo exits 0 unless a check the user asked for trips.
func exitFor(rep quota.Report, o *options, demo bool, now time.Time) error {
	if !rep.GeneratedAt.IsZero() {
		now = rep.GeneratedAt
	}
	for _, res := range rep.Results {
		for _, acc := range res.Accounts {
			for _, w := range acc.Windows {
				if o.threshold >= 0 && !w.Unlimited && !w.NoData && w.RemainingPct() < float64(o.threshold) {
					return exitStatus(ExitThreshold)
				}
				if o.paceAlert && pace.Of(w, now).Status == pace.RunsOut {
					return exitStatus(ExitThreshold)
				}
			}
		}
	}
	if rep.Failed() && !demo {
		return exitStatus(ExitFailed)
	}
	return nil
}

// parseOnly reads --only: platform ids or aliases, comma-separated.
func parseOnly(s string) ([]quota.PlatformID, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out []quota.PlatformID
	for _, part := range strings.Split(s, ",") {
		id, ok := all.Lookup(part)
		if !ok {
			return nil, errors.New(part)
		}
		out = append(out, id)
	}
	return out, nil
}

func joinIDs() string {
	var s []string
	for _, id := range all.IDs() {
		s = append(s, string(id))
	}
	return strings.Join(s, ", ")
}

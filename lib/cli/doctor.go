package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mystatus/mystatus/i18n"
	"github.com/mystatus/mystatus/lib/doctor"
)

// doctorCommand checks every credential source and endpoint, then whether
// each configured platform answers, and explains each finding. A broken
// configuration is one of its findings, not a reason to stop.
var doctorCommand = &command{name: "doctor", summary: "cli.cmd.doctor", config: configReported,
	define: func(f *flags, a *App) func(context.Context, []string) error {
		var asJSON bool
		var timeout time.Duration
		f.Bool(&asJSON, "json", "cli.flag.doctor_json")
		f.Duration(&timeout, "timeout", 0, "cli.flag.timeout")
		return func(ctx context.Context, args []string) error {
			if len(args) > 0 {
				return extraArgs(f.loc, args)
			}
			if timeout < 0 {
				return usageErrorf(f.loc.T("cli.error.duration", nil))
			}
			if timeout > 0 {
				a.SetTimeout(timeout)
			}
			loc := i18n.New(a.Lang)
			rep := Doctor(ctx, a, loc)
			if err := ctx.Err(); err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(a.Env.Stdout)
				enc.SetEscapeHTML(false)
				enc.SetIndent("", "  ")
				enc.Encode(rep)
			} else {
				fmt.Fprint(a.Env.Stdout, doctor.Render(rep, loc))
			}
			if code := doctor.ExitCode(rep); code != ExitOK {
				return exitStatus(code)
			}
			return nil
		}
	}}

// Doctor runs the checks in loc's language (also used by the plugin host's
// mystatus/doctor method). A configuration problem comes first.
func Doctor(ctx context.Context, app *App, loc *i18n.Localizer) doctor.Report {
	now := app.Env.Now
	if now == nil {
		now = time.Now
	}
	rep := doctor.Run(ctx, doctor.Options{Deps: app.Deps, Providers: app.Service.Providers, Loc: loc, Now: now})
	if app.ConfigErr != nil {
		rep.Findings = append(configFindings(app, loc), rep.Findings...)
	}
	return rep
}

// configFindings turns each configuration problem into a finding.
func configFindings(app *App, loc *i18n.Localizer) []doctor.Finding {
	var errs []error
	if j, ok := app.ConfigErr.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{app.ConfigErr}
	}
	path := ConfigPath(app.Paths, app.Env.Getenv)
	var out []doctor.Finding
	for _, err := range errs {
		f := doctor.Finding{Severity: doctor.Error, Check: doctor.CheckConfig, Path: path,
			Title: err.Error(), Meaning: loc.T("cli.doctor.config.meaning", nil),
			Steps: []string{loc.T("cli.doctor.config.step_file", map[string]any{"Path": path})}}
		var ce *configError
		if errors.As(err, &ce) {
			f.Title = ce.text(loc)
			if src, ok := ce.data["Source"].(string); ok {
				// A bad value, from the environment or the file.
				if !strings.HasPrefix(src, "config:") {
					f.Path = ""
				}
				f.Steps = []string{loc.T("cli.doctor.config.step_value", map[string]any{"Source": src})}
			}
		}
		out = append(out, f)
	}
	return out
}

package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/mystatus/mystatus/i18n"
	"github.com/mystatus/mystatus/lib/doctor"
)

func init() { extraCommands["doctor"] = runDoctor }

// runDoctor checks every credential source and endpoint, then whether each
// configured platform answers, and explains each finding.
func runDoctor(ctx context.Context, app *App, args []string) int {
	loc := i18n.New(app.Lang)
	fs := flag.NewFlagSet("doctor", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	asJSON := fs.Bool("json", false, "")
	lang := fs.String("lang", "", "")
	timeout := fs.Duration("timeout", 0, "")
	if err := fs.Parse(args); err != nil {
		return app.usageFail(loc, err.Error())
	}
	if fs.NArg() > 0 {
		return app.usageFail(loc, loc.T("cli.error.extra_args", map[string]any{"Args": fmt.Sprint(fs.Args())}))
	}
	if *lang != "" {
		loc = i18n.New(*lang)
	}
	if *timeout > 0 {
		app.SetTimeout(*timeout)
	}
	rep := Doctor(ctx, app, loc)
	if ctx.Err() != nil {
		return ExitInterrupted
	}
	if *asJSON {
		enc := json.NewEncoder(app.Env.Stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		enc.Encode(rep)
	} else {
		fmt.Fprint(app.Env.Stdout, doctor.Render(rep, loc))
	}
	return doctor.ExitCode(rep)
}

// Doctor runs the checks in loc's language (also used by the plugin host's
// mystatus/doctor method).
func Doctor(ctx context.Context, app *App, loc *i18n.Localizer) doctor.Report {
	now := app.Env.Now
	if now == nil {
		now = time.Now
	}
	return doctor.Run(ctx, doctor.Options{Deps: app.Deps, Providers: app.Service.Providers, Loc: loc, Now: now})
}

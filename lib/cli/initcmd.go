package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/mystatus/mystatus/i18n"
	"github.com/mystatus/mystatus/lib/setup"
)

func init() { extraCommands["init"] = runInit }

// runInit prints the configuration snippet for an editor client, or with
// --write merges it into the client's config file.
func runInit(ctx context.Context, app *App, args []string) int {
	loc := i18n.New(app.Lang)
	fs := flag.NewFlagSet("init", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	write := fs.Bool("write", false, "")
	lang := fs.String("lang", "", "")
	project := fs.String("project", "", "")
	// Accept the client before or after the flags.
	var client string
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		client, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return app.usageFail(loc, err.Error())
	}
	if client == "" && fs.NArg() > 0 {
		client = fs.Arg(0)
	}
	if *lang != "" {
		loc = i18n.New(*lang)
	}
	c, err := setup.ParseClient(client)
	if err != nil {
		return app.usageFail(loc, renderSetupErr(loc, err))
	}
	opts := setup.Options{Home: app.Deps.Auth.Paths.Home, XDGConfig: app.Deps.Auth.Paths.XDGConfig,
		AppData: app.Deps.Auth.Paths.AppData, GOOS: app.Deps.Auth.Paths.GOOS, ProjectDir: *project,
		Command: "mystatus", Lang: *lang, Now: app.Env.Now}
	if opts.ProjectDir == "" {
		opts.ProjectDir, _ = os.Getwd()
	}
	// GUI clients often lack the user's PATH: point them at this binary.
	if exe, err := os.Executable(); err == nil {
		opts.Command = exe
	}
	snippet, err := setup.Snippet(c, opts)
	if err != nil {
		fmt.Fprintln(app.Env.Stderr, renderSetupErr(loc, err))
		return ExitUsage
	}
	if !*write {
		fmt.Fprint(app.Env.Stdout, snippet.Render(loc))
		return ExitOK
	}
	res, err := setup.Write(c, opts)
	if err != nil {
		fmt.Fprintln(app.Env.Stderr, renderSetupErr(loc, err))
		fmt.Fprint(app.Env.Stdout, snippet.Render(loc))
		return ExitFailed
	}
	fmt.Fprint(app.Env.Stdout, res.Render(loc))
	return ExitOK
}

func renderSetupErr(loc *i18n.Localizer, err error) string {
	var se *setup.Error
	if errors.As(err, &se) {
		return se.Render(loc)
	}
	return err.Error()
}

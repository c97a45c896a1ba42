package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/mystatus/mystatus/i18n"
	"github.com/mystatus/mystatus/lib/setup"
)

// initCommand prints the configuration snippet for an editor client, or
// with --write merges it into the client's config file. It reads no
// settings, so it works with a broken config.json.
var initCommand = &command{name: "init", args: "cli.meta.client", summary: "cli.cmd.init", config: configNone,
	define: func(f *flags, a *App) func(context.Context, []string) error {
		var write bool
		var project string
		f.Bool(&write, "write", "cli.flag.init_write")
		f.String(&project, "project", f.loc.T("cli.meta.dir", nil), "", "cli.flag.init_project", nil)
		return func(ctx context.Context, args []string) error {
			loc := i18n.New(a.Lang)
			if len(args) == 0 {
				return usageErrorf(loc.T("cli.error.init_client", map[string]any{"Clients": clientList()}))
			}
			if len(args) > 1 {
				return extraArgs(loc, args[1:])
			}
			c, err := setup.ParseClient(args[0])
			if err != nil {
				return usageErrorf(renderSetupErr(loc, err))
			}
			lang := ""
			if f.Was("lang") {
				lang = a.Lang
			}
			p := a.Paths
			opts := setup.Options{Home: p.Home, XDGConfig: p.XDGConfig, AppData: p.AppData, GOOS: p.GOOS,
				ProjectDir: project, Command: "mystatus", Lang: lang, Now: a.Env.Now}
			if opts.ProjectDir == "" {
				opts.ProjectDir, _ = os.Getwd()
			}
			// GUI clients often lack the user's PATH: point them at this
			// binary; an npm install gets the npx form, and a `go run`
			// build (gone on exit) keeps `mystatus` from PATH.
			if exe, err := os.Executable(); err == nil {
				if launch, err := setup.DetectLaunch(exe, c, exec.LookPath); err == nil {
					opts.Command, opts.Args = launch.Command, launch.Args
				}
			}
			snippet, err := setup.Snippet(c, opts)
			if err != nil {
				return &failure{renderSetupErr(loc, err), ExitUsage}
			}
			if !write {
				fmt.Fprint(a.Env.Stdout, snippet.Render(loc))
				return nil
			}
			res, err := setup.Write(c, opts)
			if err != nil {
				fmt.Fprint(a.Env.Stdout, snippet.Render(loc))
				return &failure{renderSetupErr(loc, err), ExitFailed}
			}
			fmt.Fprint(a.Env.Stdout, res.Render(loc))
			return nil
		}
	}}

func clientList() string {
	var s []string
	for _, c := range setup.Clients {
		s = append(s, string(c))
	}
	return strings.Join(s, ", ")
}

func renderSetupErr(loc *i18n.Localizer, err error) string {
	var se *setup.Error
	if errors.As(err, &se) {
		return se.Render(loc)
	}
	return err.Error()
}

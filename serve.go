package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"time"

	"github.com/mystatus/mystatus/i18n"
	"github.com/mystatus/mystatus/lib/cli"
	"github.com/mystatus/mystatus/lib/doctor"
	"github.com/mystatus/mystatus/plugin"
)

// HostTTL is how long the long-lived host reuses an account's result.
const HostTTL = 60 * time.Second

// serve runs the plugin host on stdin/stdout.
func serve(ctx context.Context, app *cli.App, args []string) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(app.Env.Stderr)
	framing := fs.String("framing", plugin.FramingAuto, "auto, ndjson or lsp")
	level := fs.String("log-level", "warn", "debug, info, warn or error")
	if err := fs.Parse(args); err != nil {
		return cli.ExitUsage
	}
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(*level)); err != nil {
		fmt.Fprintln(app.Env.Stderr, err)
		return cli.ExitUsage
	}
	app.Service.TTL = HostTTL
	err := plugin.Serve(ctx, plugin.Options{
		In: app.Env.Stdin, Out: app.Env.Stdout,
		Log:     slog.New(slog.NewTextHandler(app.Env.Stderr, &slog.HandlerOptions{Level: lv})),
		Service: app.Service, Getenv: app.Env.Getenv, Lang: app.Lang,
		Framing: *framing, Version: app.Env.Version.Version, Now: app.Env.Now,
		Render: app.RenderOptions(false, ""),
		Doctor: func(ctx context.Context, lang string) (any, string, int) {
			loc := i18n.New(lang)
			rep := cli.Doctor(ctx, app, loc)
			return rep.Findings, doctor.Render(rep, loc), doctor.ExitCode(rep)
		},
	})
	if err != nil {
		fmt.Fprintln(app.Env.Stderr, err)
		return cli.ExitFailed
	}
	return cli.ExitOK
}

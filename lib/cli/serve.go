package cli

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/mystatus/mystatus/i18n"
	"github.com/mystatus/mystatus/lib/doctor"
	"github.com/mystatus/mystatus/plugin"
)

// HostTTL is how long the long-lived host reuses an account's result.
const HostTTL = 60 * time.Second

var (
	framings  = []string{plugin.FramingAuto, plugin.FramingNDJSON, plugin.FramingLSP}
	logLevels = []string{"debug", "info", "warn", "error"}
)

// serveCommand runs the plugin host on stdin/stdout. Only protocol frames
// reach stdout; diagnostics go to stderr.
var serveCommand = &command{name: "serve", summary: "cli.cmd.serve", config: configRequired,
	define: func(f *flags, a *App) func(context.Context, []string) error {
		var framing, level string
		f.String(&framing, "framing", strings.Join(framings, "|"), plugin.FramingAuto, "cli.flag.serve_framing", nil)
		f.String(&level, "log-level", strings.Join(logLevels, "|"), "warn", "cli.flag.serve_log_level", nil)
		return func(ctx context.Context, args []string) error {
			loc := i18n.New(a.Lang)
			if len(args) > 0 {
				return extraArgs(loc, args)
			}
			if !slices.Contains(framings, framing) {
				return usageErrorf(loc.T("cli.error.serve_framing", map[string]any{"Value": framing, "Valid": strings.Join(framings, ", ")}))
			}
			var lv slog.Level
			if !slices.Contains(logLevels, strings.ToLower(level)) || lv.UnmarshalText([]byte(level)) != nil {
				return usageErrorf(loc.T("cli.error.serve_log_level", map[string]any{"Value": level, "Valid": strings.Join(logLevels, ", ")}))
			}
			a.Service.TTL = HostTTL
			err := plugin.Serve(ctx, plugin.Options{
				In: a.Env.Stdin, Out: a.Env.Stdout,
				Log:     slog.New(slog.NewTextHandler(a.Env.Stderr, &slog.HandlerOptions{Level: lv})),
				Service: a.Service, Getenv: a.Env.Getenv, Lang: a.Lang,
				Framing: framing, Version: a.Env.Version.Version, Now: a.Env.Now,
				Render: a.RenderOptions(false, false, ""),
				Doctor: func(ctx context.Context, lang string) (any, string, int) {
					loc := i18n.New(lang)
					rep := Doctor(ctx, a, loc)
					return rep.Findings, doctor.Render(rep, loc), doctor.ExitCode(rep)
				},
			})
			if err != nil && ctx.Err() == nil {
				return &failure{loc.T("cli.error.usage", map[string]any{"Error": err.Error()}), ExitFailed}
			}
			return nil
		}
	}}

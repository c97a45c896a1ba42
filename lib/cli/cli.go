// Package cli is the command line: flag parsing, sub-commands, exit codes.
// It writes the report to the injected Stdout and diagnostics to Stderr.
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mystatus/mystatus/i18n"
	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/httpx"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/provider/all"
	"github.com/mystatus/mystatus/lib/quota"
	"github.com/mystatus/mystatus/lib/render"
	"github.com/mystatus/mystatus/lib/report"
)

// Exit codes.
const (
	ExitOK          = 0
	ExitFailed      = 1 // some platform or account failed
	ExitUsage       = 2 // usage or configuration error
	ExitThreshold   = 3 // --threshold: a window is below the threshold
	ExitInterrupted = 130
)

// Env is the process environment, injected so tests can run the CLI in
// process.
type Env struct {
	Args       []string // without the program name
	Stdin      io.Reader
	Stdout     io.Writer
	Stderr     io.Writer
	Getenv     func(string) string
	IsTerminal bool // stdout is a terminal
	Now        func() time.Time
	Version    BuildInfo
	// Serve runs the plugin host (wired by main to avoid an import cycle).
	Serve func(ctx context.Context, app *App, args []string) int
}

// App is what every sub-command shares: settings, the report service, the
// localizer.
type App struct {
	Env      Env
	Deps     provider.Deps
	Service  *report.Service
	Lang     string
	Timeout  time.Duration
	Settings provider.Settings
	Logger   *slog.Logger
}

// usageError is a command-line mistake: print it and exit 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// options are the report flags.
type options struct {
	lang      string
	json      bool
	format    string
	only      string
	timeout   time.Duration
	show      string
	watch     time.Duration
	threshold int
	refresh   bool
	version   bool
	help      bool
}

func newFlagSet(o *options, loc *i18n.Localizer) *flag.FlagSet {
	fs := flag.NewFlagSet("mystatus", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.lang, "lang", "", loc.T("cli.flag.lang", nil))
	fs.BoolVar(&o.json, "json", false, loc.T("cli.flag.json", nil))
	fs.StringVar(&o.format, "format", "markdown", loc.T("cli.flag.format", nil))
	fs.StringVar(&o.only, "only", "", loc.T("cli.flag.only", nil))
	fs.DurationVar(&o.timeout, "timeout", 0, loc.T("cli.flag.timeout", nil))
	fs.StringVar(&o.show, "show", render.ShowRemaining, loc.T("cli.flag.show", nil))
	fs.DurationVar(&o.watch, "watch", 0, loc.T("cli.flag.watch", nil))
	fs.IntVar(&o.threshold, "threshold", -1, loc.T("cli.flag.threshold", nil))
	fs.BoolVar(&o.refresh, "refresh", false, loc.T("cli.flag.refresh", nil))
	fs.BoolVar(&o.version, "version", false, loc.T("cli.flag.version", nil))
	fs.BoolVar(&o.help, "help", false, loc.T("cli.flag.help", nil))
	fs.BoolVar(&o.help, "h", false, loc.T("cli.flag.help", nil))
	return fs
}

// Main runs the command line and returns the exit code.
func Main(ctx context.Context, env Env) int {
	if env.Now == nil {
		env.Now = time.Now
	}
	// The language is needed before flags are parsed (for --help), so
	// look for --lang by hand first.
	lang := i18n.Detect(peekLang(env.Args), env.Getenv)
	loc := i18n.New(lang)
	sub, args := "", env.Args
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		sub, args = args[0], args[1:]
	}
	app, err := newApp(env, lang)
	if err != nil {
		msg := err.Error()
		var ce *configError
		if errors.As(err, &ce) {
			msg = loc.T(ce.id, ce.data)
		}
		fmt.Fprintln(env.Stderr, loc.T("cli.error.config", map[string]any{"Error": msg}))
		return ExitUsage
	}
	switch sub {
	case "", "report":
		return app.report(ctx, args, false)
	case "demo":
		return app.report(ctx, args, true)
	case "serve":
		if env.Serve == nil {
			return ExitUsage
		}
		return env.Serve(ctx, app, args)
	case "version":
		fmt.Fprintln(env.Stdout, env.Version.String())
		return ExitOK
	case "help":
		fmt.Fprint(env.Stdout, usage(loc))
		return ExitOK
	default:
		if run, ok := extraCommands[sub]; ok {
			return run(ctx, app, args)
		}
		fmt.Fprintln(env.Stderr, loc.T("cli.error.unknown_command", map[string]any{"Command": sub}))
		fmt.Fprint(env.Stderr, usage(loc))
		return ExitUsage
	}
}

// extraCommands are sub-commands registered by other files (doctor, init).
var extraCommands = map[string]func(ctx context.Context, app *App, args []string) int{}

func peekLang(args []string) string {
	for i, a := range args {
		switch {
		case a == "--lang" || a == "-lang":
			if i+1 < len(args) {
				return args[i+1]
			}
		case strings.HasPrefix(a, "--lang="), strings.HasPrefix(a, "-lang="):
			return a[strings.Index(a, "=")+1:]
		}
	}
	return ""
}

func newApp(env Env, lang string) (*App, error) {
	paths := auth.PathsFromEnv(env.Getenv)
	file, err := loadConfig(ConfigPath(paths, env.Getenv))
	if err != nil {
		return nil, err
	}
	settings := provider.Settings{Getenv: env.Getenv, File: file}
	timeout := 10 * time.Second
	if v, src := settings.Get("timeout"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return nil, &configError{"cli.config.duration", map[string]any{"Source": src, "Value": v}}
		}
		timeout = d
	}
	maxInFlight := report.DefaultMaxInFlight
	if v, src := settings.Get("max_in_flight"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return nil, &configError{"cli.config.integer", map[string]any{"Source": src, "Value": v}}
		}
		maxInFlight = n
	}
	if v, _ := settings.Get("lang"); v != "" && peekLang(env.Args) == "" && env.Getenv("MYSTATUS_LANG") == "" {
		lang = i18n.Match(v)
	}
	client := httpx.New(timeout)
	deps := provider.Deps{HTTP: client, Auth: auth.NewStore(paths), Settings: settings, Now: env.Now}
	app := &App{Env: env, Deps: deps, Lang: lang, Timeout: timeout, Settings: settings,
		Logger: slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	app.Service = &report.Service{Providers: all.Providers(deps), Timeout: timeout, MaxInFlight: maxInFlight, Now: env.Now}
	return app, nil
}

// SetTimeout changes the per-request timeout of the app's client and service.
func (a *App) SetTimeout(d time.Duration) {
	a.Timeout = d
	a.Deps.HTTP.Timeout = d
	a.Service.Timeout = d
}

// RenderOptions returns the rendering options for the app.
func (a *App) RenderOptions(color bool, show string) render.Options {
	return render.Options{Now: a.Env.Now(), Show: show, Color: color, Explain: Explainer(a.Deps.Auth.Paths)}
}

// report runs the main job: the quota report.
func (a *App) report(ctx context.Context, args []string, demo bool) int {
	loc := i18n.New(a.Lang)
	var o options
	fs := newFlagSet(&o, loc)
	if err := fs.Parse(args); err != nil {
		return a.usageFail(loc, err.Error())
	}
	if o.help {
		fmt.Fprint(a.Env.Stdout, usage(loc))
		return ExitOK
	}
	if o.version {
		fmt.Fprintln(a.Env.Stdout, a.Env.Version.String())
		return ExitOK
	}
	if fs.NArg() > 0 {
		return a.usageFail(loc, loc.T("cli.error.extra_args", map[string]any{"Args": strings.Join(fs.Args(), " ")}))
	}
	if o.lang != "" {
		a.Lang = i18n.Match(o.lang)
		loc = i18n.New(a.Lang)
	}
	if o.json {
		o.format = "json"
	}
	if !slices.Contains([]string{"markdown", "json", "line"}, o.format) {
		return a.usageFail(loc, loc.T("cli.error.format", map[string]any{"Value": o.format}))
	}
	if o.show != render.ShowRemaining && o.show != render.ShowUsed {
		return a.usageFail(loc, loc.T("cli.error.show", map[string]any{"Value": o.show}))
	}
	if o.threshold > 100 {
		return a.usageFail(loc, loc.T("cli.error.threshold", map[string]any{"Value": o.threshold}))
	}
	if o.timeout < 0 || (o.watch < 0) {
		return a.usageFail(loc, loc.T("cli.error.duration", nil))
	}
	if o.timeout > 0 {
		a.SetTimeout(o.timeout)
	}
	platforms, err := parseOnly(o.only)
	if err != nil {
		return a.usageFail(loc, loc.T("cli.error.only", map[string]any{"Value": err.Error(), "Valid": joinIDs()}))
	}
	if demo {
		stop, err := a.startDemo(ctx)
		if err != nil {
			fmt.Fprintln(a.Env.Stderr, loc.T("cli.error.demo", map[string]any{"Error": err.Error()}))
			return ExitFailed
		}
		defer stop()
	}
	color := a.Env.IsTerminal && a.Env.Getenv("NO_COLOR") == "" && o.format == "markdown"
	req := report.Request{Platforms: platforms, Refresh: o.refresh}
	if o.watch > 0 {
		return a.watch(ctx, loc, o, req, color)
	}
	rep := a.Service.Collect(ctx, req)
	if ctx.Err() != nil {
		return ExitInterrupted
	}
	a.print(loc, o, rep, color)
	return exitCode(rep, o.threshold)
}

// watch refreshes the report every interval until interrupted.
func (a *App) watch(ctx context.Context, loc *i18n.Localizer, o options, req report.Request, color bool) int {
	a.Service.TTL = o.watch / 2
	for {
		rep := a.Service.Collect(ctx, req)
		if ctx.Err() != nil {
			return ExitInterrupted
		}
		if a.Env.IsTerminal {
			io.WriteString(a.Env.Stdout, "\x1b[H\x1b[2J")
		}
		a.print(loc, o, rep, color)
		if o.format == "markdown" {
			fmt.Fprintln(a.Env.Stdout)
			fmt.Fprintln(a.Env.Stdout, loc.T("cli.watch.footer", map[string]any{"Every": render.Duration(loc, o.watch), "At": a.Env.Now().Format("15:04:05")}))
		}
		select {
		case <-ctx.Done():
			return ExitInterrupted
		case <-time.After(o.watch):
		}
	}
}

func (a *App) print(loc *i18n.Localizer, o options, rep quota.Report, color bool) {
	opts := a.RenderOptions(color, o.show)
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
	}
}

// exitCode maps a report to the exit status.
func exitCode(rep quota.Report, threshold int) int {
	if threshold >= 0 {
		for _, res := range rep.Results {
			for _, acc := range res.Accounts {
				for _, w := range acc.Windows {
					if !w.Unlimited && !w.NoData && w.RemainingPct() < float64(threshold) {
						return ExitThreshold
					}
				}
			}
		}
	}
	if rep.Failed() {
		return ExitFailed
	}
	return ExitOK
}

func (a *App) usageFail(loc *i18n.Localizer, msg string) int {
	fmt.Fprintln(a.Env.Stderr, loc.T("cli.error.usage", map[string]any{"Error": msg}))
	fmt.Fprintln(a.Env.Stderr, loc.T("cli.error.see_help", nil))
	return ExitUsage
}

func parseOnly(s string) ([]quota.PlatformID, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out []quota.PlatformID
	for _, part := range strings.Split(s, ",") {
		id := quota.PlatformID(strings.ToLower(strings.TrimSpace(part)))
		switch id {
		case "z.ai":
			id = quota.ZAI
		case "google", "gemini":
			id = quota.Antigravity
		case "github", "gh":
			id = quota.Copilot
		case "claude":
			id = quota.Anthropic
		case "codex", "chatgpt":
			id = quota.OpenAI
		}
		if !slices.Contains(all.IDs(), id) {
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

func usage(loc *i18n.Localizer) string {
	return loc.T("cli.usage", map[string]any{"Platforms": joinIDs()}) + "\n"
}

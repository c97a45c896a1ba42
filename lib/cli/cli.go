// Package cli is the command line: one registry of sub-commands (each owns
// its options, localized help and run function), option parsing, and the
// mapping of errors to exit codes. It writes the report to the injected
// Stdout and diagnostics to Stderr.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/language"

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
	ExitThreshold   = 3 // --threshold or --pace-alert
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
}

// App is what every sub-command shares: settings, the report service, the
// localizer. Deps, Service and Settings are set only for commands that
// load the configuration.
type App struct {
	Env      Env
	Deps     provider.Deps
	Service  *report.Service
	Lang     string
	Timeout  time.Duration
	Settings provider.Settings
	Logger   *slog.Logger
	// Paths are the user's real directories (the demo rewires Deps to a
	// temporary HOME; fix steps still name the user's files).
	Paths auth.Paths
	// described are the providers of the user's real environment, kept
	// through the demo so that fix steps name the user's real files.
	described []quota.Provider
	// LowMoney is the low_balance setting (see render.Options.LowMoney).
	LowMoney float64
	// ConfigErr is the configuration problem a command running on
	// defaults (doctor) reports.
	ConfigErr error
}

// configMode says what a command needs of the configuration.
type configMode int

const (
	// configNone: the command reads no settings (version, help, init).
	configNone configMode = iota
	// configDefaults: the command builds the service on defaults, ignoring
	// the user's settings (demo).
	configDefaults
	// configRequired: a broken configuration is an error (the report, serve).
	configRequired
	// configReported: a broken configuration is reported by the command,
	// which runs on defaults (doctor).
	configReported
)

// command is one sub-command of the registry.
type command struct {
	name    string     // as typed; "" is the report
	aliases []string   // other names it answers to
	args    string     // catalog id of the positional arguments in the synopsis, or ""
	summary string     // catalog id of the one-line summary
	config  configMode // what it needs of the configuration
	// define declares the command's options on f and returns its run
	// function, which receives the positional arguments.
	define func(f *flags, a *App) func(ctx context.Context, args []string) error
}

// commands is the registry, in the order of the help.
var commands []*command

func init() {
	commands = []*command{reportCommand, demoCommand, doctorCommand, serveCommand, initCommand, versionCommand, helpCommand}
}

func lookup(name string) *command {
	for _, c := range commands {
		if c.name == name || slices.Contains(c.aliases, name) {
			return c
		}
	}
	return nil
}

// Main runs the command line and returns the exit code.
func Main(ctx context.Context, env Env) int {
	if env.Now == nil {
		env.Now = time.Now
	}
	paths := auth.PathsFromEnv(env.Getenv)
	app := &App{Env: env, Paths: paths,
		Logger: slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	// The language is needed before the options are parsed (for the help
	// and the parse errors), so look for --lang by hand first.
	explicit := peekLang(env.Args)
	app.Lang = i18n.Detect(explicit, env.Getenv)
	if explicit == "" && env.Getenv("MYSTATUS_LANG") == "" {
		// A config file's language, best effort: a broken file is reported
		// by the commands that need it, not here.
		if file, err := loadConfig(ConfigPath(paths, env.Getenv)); err == nil && file["lang"] != "" {
			app.Lang = i18n.Match(file["lang"])
		}
	}
	if explicit != "" && !supported(explicit) {
		fmt.Fprintln(env.Stderr, i18n.New(app.Lang).T("cli.error.lang_unknown",
			map[string]any{"Value": explicit, "Languages": strings.Join(i18n.Languages, ", ")}))
	}

	name, args := splitCommand(env.Args, i18n.New(app.Lang))
	cmd := lookup(name)
	if cmd == nil {
		loc := i18n.New(app.Lang)
		fmt.Fprintln(env.Stderr, loc.T("cli.error.unknown_command", map[string]any{"Command": name}))
		fmt.Fprint(env.Stderr, mainHelp(loc))
		return ExitUsage
	}
	tuneGC(cmd, env.Getenv)
	return app.exit(cmd, app.run(ctx, cmd, args))
}

// tuneGC sets how much the heap may grow between collections, unless GOGC
// does. A one-shot command collects at half the default growth: a report
// of 500 accounts peaks at 29 MB instead of 33, for no measurable wall
// time. The host keeps the default: it answers cached calls from memory,
// and collecting twice as often put a cycle in every few dozen calls and
// took their p99 from 0.9 to 1.5 ms (make bench, rows 2b′ and 3a).
func tuneGC(cmd *command, getenv func(string) string) {
	if cmd == serveCommand || getenv("GOGC") != "" {
		return
	}
	debug.SetGCPercent(50)
}

// splitCommand separates the command name from its arguments. The name
// usually comes first, but "mystatus --lang fr demo" puts options before
// it: then the command is the first argument that is neither an option nor
// the value of one. Which options take a value is known from the report's
// own option set (a superset of every command's shared options), so
// "--only demo" still reads "demo" as a value. Without a command the
// arguments are the report's.
func splitCommand(args []string, loc *i18n.Localizer) (string, []string) {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		return args[0], args[1:]
	}
	f := newFlags("", loc)
	var lang string
	f.String(&lang, "lang", "", "", "cli.flag.lang", nil)
	defineReport(f)
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			break
		}
		if len(a) < 2 || a[0] != '-' {
			if lookup(a) == nil {
				break // a stray argument: the report reports it
			}
			rest := append(slices.Clone(args[:i]), args[i+1:]...)
			return a, rest
		}
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		if fl := f.fs.Lookup(name); fl != nil {
			if bf, ok := fl.Value.(interface{ IsBoolFlag() bool }); !ok || !bf.IsBoolFlag() {
				i++ // skip the option's value
			}
		}
	}
	return "", args
}

// run parses the command's options, loads what it needs and runs it.
func (a *App) run(ctx context.Context, cmd *command, args []string) error {
	f := newFlags(cmd.name, i18n.New(a.Lang))
	var lang string
	f.String(&lang, "lang", strings.Join(i18n.Languages, "|"), "", "cli.flag.lang", nil)
	runFn := cmd.define(f, a)
	rest, err := f.parse(args)
	if errors.Is(err, errHelp) {
		fmt.Fprint(a.Env.Stdout, cmd.help(f))
		return nil
	}
	if err != nil {
		return err
	}
	if lang != "" {
		a.Lang = i18n.Match(lang)
	}
	if f.Was("version") {
		// --version, like --help, needs no configuration.
		fmt.Fprintln(a.Env.Stdout, a.Env.Version.String())
		return nil
	}
	if cmd.config != configNone {
		if err := a.load(cmd.config); err != nil {
			return err
		}
	}
	return runFn(ctx, rest)
}

// supported reports whether an explicit language preference names one of
// the catalogs (English included), rather than falling back to English.
func supported(pref string) bool {
	if i18n.Match(pref) != i18n.Languages[0] {
		return true
	}
	tag, err := language.Parse(i18n.Normalize(pref))
	if err != nil {
		return false
	}
	base, _ := tag.Base()
	return base.String() == i18n.Languages[0]
}

// usageError is a command-line mistake, already localized: exit 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usageErrorf(msg string) error { return &usageError{msg} }

// failure is an error whose localized message is ready, with its code.
type failure struct {
	msg  string
	code int
}

func (e *failure) Error() string { return e.msg }

// exitStatus ends a command that already printed its output with a code.
type exitStatus int

func (e exitStatus) Error() string { return "exit status " + strconv.Itoa(int(e)) }

// exit maps what a command returned to the exit code, printing the error:
// the one place that decides codes and error output.
func (a *App) exit(cmd *command, err error) int {
	loc := i18n.New(a.Lang)
	var (
		ue *usageError
		ce *configError
		fe *failure
		es exitStatus
	)
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &es):
		return int(es)
	case errors.Is(err, context.Canceled):
		return ExitInterrupted
	case errors.As(err, &ue):
		fmt.Fprintln(a.Env.Stderr, loc.T("cli.error.usage", map[string]any{"Error": ue.msg}))
		fmt.Fprintln(a.Env.Stderr, loc.T("cli.error.see_help", map[string]any{"Command": strings.TrimSpace("mystatus " + cmd.name)}))
		return ExitUsage
	case errors.As(err, &ce):
		fmt.Fprintln(a.Env.Stderr, loc.T("cli.error.config", map[string]any{"Error": ce.text(loc)}))
		return ExitUsage
	case errors.As(err, &fe):
		fmt.Fprintln(a.Env.Stderr, fe.msg)
		return fe.code
	default:
		fmt.Fprintln(a.Env.Stderr, loc.T("cli.error.usage", map[string]any{"Error": err.Error()}))
		return ExitFailed
	}
}

func peekLang(args []string) string {
	for i, a := range args {
		switch {
		case a == "--":
			return ""
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

// load reads the settings (environment and config file) and builds the
// report service, as mode asks.
func (a *App) load(mode configMode) error {
	settings := provider.Settings{Getenv: a.Env.Getenv}
	switch mode {
	case configDefaults:
		settings = provider.Settings{Getenv: func(string) string { return "" }, File: map[string]string{}}
	default:
		file, err := loadConfig(ConfigPath(a.Paths, a.Env.Getenv))
		if err != nil {
			if mode != configReported {
				return err
			}
			a.ConfigErr, file = err, map[string]string{}
		}
		settings.File = file
	}
	timeout := 10 * time.Second
	if v, src := settings.Get("timeout"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			err := &configError{"cli.config.duration", map[string]any{"Source": src, "Value": v}}
			if mode != configReported {
				return err
			}
			a.ConfigErr = errors.Join(a.ConfigErr, err)
		} else {
			timeout = d
		}
	}
	maxInFlight := report.DefaultMaxInFlight
	if v, src := settings.Get("max_in_flight"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			err := &configError{"cli.config.integer", map[string]any{"Source": src, "Value": v}}
			if mode != configReported {
				return err
			}
			a.ConfigErr = errors.Join(a.ConfigErr, err)
		} else {
			maxInFlight = n
		}
	}
	a.LowMoney = render.DefaultLowMoney
	if v, src := settings.Get("low_balance"); v != "" {
		// A decimal comma (2,5) is how French and others write it.
		f, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(v), ",", "."), 64)
		if err != nil || f < 0 || math.IsInf(f, 0) || math.IsNaN(f) {
			err := &configError{"cli.config.amount", map[string]any{"Source": src, "Value": v}}
			if mode != configReported {
				return err
			}
			a.ConfigErr = errors.Join(a.ConfigErr, err)
		} else {
			a.LowMoney = f
		}
	}
	client := httpx.New(timeout)
	a.Deps = provider.Deps{HTTP: client, Auth: auth.NewStore(a.Paths), Settings: settings, Now: a.Env.Now}
	a.Timeout, a.Settings = timeout, settings
	a.Service = &report.Service{Providers: all.Providers(a.Deps), Timeout: timeout, MaxInFlight: maxInFlight, Now: a.Env.Now}
	a.described = a.Service.Providers
	return nil
}

// SetTimeout changes the per-request timeout of the app's client and service.
func (a *App) SetTimeout(d time.Duration) {
	a.Timeout = d
	a.Deps.HTTP.Timeout = d
	a.Service.Timeout = d
}

// RenderOptions returns the rendering options for the app: the terminal
// form when terminal is set, the agent form otherwise. Fix steps name the
// user's real files, also in the demo.
func (a *App) RenderOptions(color, terminal bool, show string) render.Options {
	return render.Options{Now: a.Env.Now(), Show: show, Color: color, Terminal: terminal, Explain: Explainer(a.Paths, a.described), LowMoney: a.LowMoney}
}

// help is a command's localized help: synopsis, summary, options.
func (c *command) help(f *flags) string {
	if c.name == "" {
		return mainHelp(f.loc)
	}
	loc := f.loc
	syn := "mystatus " + c.name + " " + loc.T("cli.help.options_word", nil)
	if c.args != "" {
		syn += " " + loc.T(c.args, nil)
	}
	return loc.T("cli.help.synopsis", map[string]any{"Synopsis": syn}) + "\n\n" + loc.T(c.summary, nil) + "\n\n" +
		loc.T("cli.help.options", nil) + "\n" + f.usage()
}

// mainHelp is `mystatus --help`: every command of the registry, the
// report's options and the exit codes.
func mainHelp(loc *i18n.Localizer) string {
	var b strings.Builder
	b.WriteString(loc.T("cli.help.tagline", nil) + "\n\n" + loc.T("cli.help.usage", nil) + "\n")
	type line struct{ left, help string }
	var lines []line
	width := 0
	for _, c := range commands {
		left := strings.TrimSpace("mystatus " + c.name)
		if c.name != "version" && c.name != "help" {
			left += " " + loc.T("cli.help.options_word", nil)
		}
		if c.args != "" {
			left += " " + loc.T(c.args, nil)
		}
		lines = append(lines, line{left, loc.T(c.summary, nil)})
		width = max(width, cells(left))
	}
	for _, l := range lines {
		fmt.Fprintf(&b, "  %s%s  %s\n", l.left, strings.Repeat(" ", width-cells(l.left)), l.help)
	}
	f := newFlags("", loc)
	var lang string
	f.String(&lang, "lang", strings.Join(i18n.Languages, "|"), "", "cli.flag.lang", nil)
	reportCommand.define(f, &App{})
	b.WriteString("\n" + loc.T("cli.help.options", nil) + "\n" + f.usage())
	b.WriteString("\n" + loc.T("cli.help.more", nil) + "\n\n" + loc.T("cli.help.exit", nil) + "\n")
	return b.String()
}

// versionCommand prints the version.
var versionCommand = &command{name: "version", summary: "cli.cmd.version", config: configNone,
	define: func(f *flags, a *App) func(context.Context, []string) error {
		return func(_ context.Context, args []string) error {
			if len(args) > 0 {
				return extraArgs(f.loc, args)
			}
			fmt.Fprintln(a.Env.Stdout, a.Env.Version.String())
			return nil
		}
	}}

// helpCommand prints the main help, or a command's with `help COMMAND`.
var helpCommand = &command{name: "help", args: "cli.meta.command_opt", summary: "cli.cmd.help", config: configNone,
	define: func(f *flags, a *App) func(context.Context, []string) error {
		return func(_ context.Context, args []string) error {
			if len(args) == 0 {
				fmt.Fprint(a.Env.Stdout, mainHelp(f.loc))
				return nil
			}
			c := lookup(args[0])
			if c == nil || len(args) > 1 {
				return &failure{f.loc.T("cli.error.unknown_command", map[string]any{"Command": strings.Join(args, " ")}), ExitUsage}
			}
			cf := newFlags(c.name, f.loc)
			var lang string
			cf.String(&lang, "lang", strings.Join(i18n.Languages, "|"), "", "cli.flag.lang", nil)
			c.define(cf, a)
			fmt.Fprint(a.Env.Stdout, c.help(cf))
			return nil
		}
	}}

func extraArgs(loc *i18n.Localizer, args []string) error {
	return usageErrorf(loc.T("cli.error.extra_args", map[string]any{"Args": strings.Join(args, " ")}))
}

// Package setup implements `mystatus init`: the configuration that makes
// an editor agent (OpenCode, Claude Code, VS Code, Zed) start
// `mystatus serve` as a local stdio MCP server, printed as a snippet or
// merged into the client's config file.
//
// Merging edits the file's syntax tree (hujson keeps comments and layout):
// a missing "mystatus" entry under the client's server key is added, an
// existing one only gets its command line updated, and every other byte of
// the user's file is kept. The old file is backed up first and the new one
// is written atomically with the old file's mode.
package setup

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/mystatus/mystatus/i18n"
	"github.com/mystatus/mystatus/lib/safefile"
)

// Client is an editor agent mystatus can be configured for.
type Client string

// The supported clients.
const (
	OpenCode Client = "opencode"
	Claude   Client = "claude"
	VSCode   Client = "vscode"
	Zed      Client = "zed"
)

// Clients lists the supported clients in the order the CLI shows them.
var Clients = []Client{OpenCode, Claude, VSCode, Zed}

// ParseClient checks a client name given on the command line.
func ParseClient(name string) (Client, error) {
	c := Client(strings.ToLower(strings.TrimSpace(name)))
	if c == "" {
		return "", &Error{Kind: ErrNoClient}
	}
	for _, k := range Clients {
		if c == k {
			return c, nil
		}
	}
	return "", &Error{Kind: ErrClient, Client: Client(name)}
}

// Name is the client's product name.
func (c Client) Name() string {
	switch c {
	case OpenCode:
		return "OpenCode"
	case Claude:
		return "Claude Code"
	case VSCode:
		return "VS Code"
	case Zed:
		return "Zed"
	}
	return string(c)
}

// PluginLine is what loads the OpenCode plugin (npm package
// @mystatus/opencode) from opencode.json.
const PluginLine = `{ "plugin": ["@mystatus/opencode"] }` + "\n"

// ServerName is the name mystatus is registered under in every client;
// it fixes the tool and prompt names (mystatus_mystatus, /mystatus:mystatus,
// mcp__mystatus__mystatus, /mcp.mystatus.mystatus).
const ServerName = "mystatus"

// Options says where the configuration lives and what it runs. Build the
// directories from the environment (see auth.PathsFromEnv); tests set them
// by hand.
type Options struct {
	Home       string // $HOME or %USERPROFILE%
	XDGConfig  string // $XDG_CONFIG_HOME; default Home/.config
	AppData    string // %APPDATA%; default Home/AppData/Roaming (Windows only)
	GOOS       string // default runtime.GOOS
	ProjectDir string // the project (Claude Code's .mcp.json, VS Code's .vscode/mcp.json)
	Command    string // absolute path of the mystatus binary; default "mystatus"
	// Args go before "serve" (the npx form: Command "npx", Args
	// ["-y", "@mystatus/cli"]); see [DetectLaunch].
	Args []string
	Lang string // optional; sets MYSTATUS_LANG for the server
	Now  func() time.Time
}

func (o Options) goos() string {
	if o.GOOS != "" {
		return o.GOOS
	}
	return runtime.GOOS
}

func (o Options) command() string {
	if c := strings.TrimSpace(o.Command); c != "" {
		return c
	}
	return "mystatus"
}

// lang is the MYSTATUS_LANG value, "" for none.
func (o Options) lang() string { return i18n.Normalize(o.Lang) }

func (o Options) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

// xdgConfig follows the XDG rule: a relative $XDG_CONFIG_HOME is ignored.
func (o Options) xdgConfig() (string, error) {
	if filepath.IsAbs(o.XDGConfig) {
		return o.XDGConfig, nil
	}
	if o.Home == "" {
		return "", &Error{Kind: ErrNoHome}
	}
	return filepath.Join(o.Home, ".config"), nil
}

func (o Options) project() (string, error) {
	if o.ProjectDir == "" {
		return "", &Error{Kind: ErrNoProject}
	}
	return o.ProjectDir, nil
}

// Config is the configuration for one client, ready to paste; [Snippet]
// builds it.
type Config struct {
	Client Client
	// Path is the config file Text belongs in. For Claude Code it is the
	// project's .mcp.json (shared with the project); Shell is the usual
	// way, private to the user.
	Path string
	// Key is the top-level member holding the servers ("mcp", "mcpServers",
	// "servers", "context_servers").
	Key string
	// Text is a complete JSON document holding only the mystatus entry,
	// ending in a newline.
	Text string
	// Shell is the `claude mcp add` command line (Claude Code only).
	Shell string
	// Plugin is the opencode.json line that loads the OpenCode plugin
	// instead of an MCP server (OpenCode only).
	Plugin string
	// CommandPath and CommandText are OpenCode's /mystatus command file
	// (OpenCode only).
	CommandPath string
	CommandText string
}

// spec is what differs between clients.
type spec struct {
	key     string
	strict  bool // plain JSON, no comments or trailing commas
	path    string
	entry   []field
	cmdKeys []string // the members of an entry that make its command line
	envKey  string   // the member holding the server's environment
	lang    string   // MYSTATUS_LANG, "" for none
}

func specFor(c Client, o Options) (spec, error) {
	cmd, lang := o.command(), o.lang()
	argv := append(append([]string{}, o.Args...), "serve")
	env := func(name string) []field {
		if lang == "" {
			return nil
		}
		return []field{{name, []field{{"MYSTATUS_LANG", lang}}}}
	}
	switch c {
	case OpenCode:
		path, err := openCodeConfig(o)
		if err != nil {
			return spec{}, err
		}
		entry := []field{{"type", "local"}, {"command", append([]string{cmd}, argv...)}, {"enabled", true}}
		return spec{key: "mcp", path: path, entry: append(entry, env("environment")...),
			cmdKeys: []string{"command"}, envKey: "environment", lang: lang}, nil
	case Claude:
		dir, err := o.project()
		if err != nil {
			return spec{}, err
		}
		cmd, argv := claudeWindows(cmd, argv, o.goos())
		entry := []field{{"command", cmd}, {"args", argv}}
		return spec{key: "mcpServers", strict: true, path: filepath.Join(dir, ".mcp.json"), entry: append(entry, env("env")...),
			cmdKeys: []string{"command", "args"}, envKey: "env", lang: lang}, nil
	case VSCode:
		dir, err := o.project()
		if err != nil {
			return spec{}, err
		}
		entry := []field{{"type", "stdio"}, {"command", cmd}, {"args", argv}}
		return spec{key: "servers", path: filepath.Join(dir, ".vscode", "mcp.json"), entry: append(entry, env("env")...),
			cmdKeys: []string{"command", "args"}, envKey: "env", lang: lang}, nil
	case Zed:
		path, err := zedSettings(o)
		if err != nil {
			return spec{}, err
		}
		entry := []field{{"command", cmd}, {"args", argv}}
		return spec{key: "context_servers", path: path, entry: append(entry, env("env")...),
			cmdKeys: []string{"command", "args"}, envKey: "env", lang: lang}, nil
	}
	return spec{}, &Error{Kind: ErrClient, Client: c}
}

func openCodeDir(o Options) (string, error) {
	// OpenCode uses ~/.config/opencode on every OS, $XDG_CONFIG_HOME honoured.
	base, err := o.xdgConfig()
	if err != nil {
		return "", err
	}
	return filepath.Join(base, "opencode"), nil
}

// openCodeConfig prefers an existing opencode.jsonc, else opencode.json.
func openCodeConfig(o Options) (string, error) {
	dir, err := openCodeDir(o)
	if err != nil {
		return "", err
	}
	if jsonc := filepath.Join(dir, "opencode.jsonc"); fileExists(jsonc) {
		return jsonc, nil
	}
	return filepath.Join(dir, "opencode.json"), nil
}

// zedSettings is %APPDATA%\Zed on Windows, ~/.config/zed on macOS and
// $XDG_CONFIG_HOME/zed elsewhere.
func zedSettings(o Options) (string, error) {
	switch o.goos() {
	case "windows":
		appData := o.AppData
		if appData == "" {
			if o.Home == "" {
				return "", &Error{Kind: ErrNoHome}
			}
			appData = filepath.Join(o.Home, "AppData", "Roaming")
		}
		return filepath.Join(appData, "Zed", "settings.json"), nil
	case "darwin":
		if o.Home == "" {
			return "", &Error{Kind: ErrNoHome}
		}
		return filepath.Join(o.Home, ".config", "zed", "settings.json"), nil
	}
	base, err := o.xdgConfig()
	if err != nil {
		return "", err
	}
	return filepath.Join(base, "zed", "settings.json"), nil
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// Snippet returns the configuration for c. It writes nothing; it only
// looks whether OpenCode's config is an opencode.jsonc.
func Snippet(c Client, opts Options) (Config, error) {
	sp, err := specFor(c, opts)
	if err != nil {
		return Config{}, err
	}
	text, _, err := merge(sp, nil, false)
	if err != nil {
		return Config{}, err
	}
	s := Config{Client: c, Path: sp.path, Key: sp.key, Text: string(text)}
	switch c {
	case Claude:
		s.Shell = claudeAdd(opts)
	case OpenCode:
		s.Plugin = PluginLine
		if s.CommandPath, err = commandPath(opts); err != nil {
			return Config{}, err
		}
		s.CommandText = commandFile(opts)
	}
	return s, nil
}

// claudeAdd is the `claude mcp add` command line. The name goes before
// --env because --env takes several values; "--" ends the options.
func claudeAdd(o Options) string {
	parts := []string{"claude", "mcp", "add", ServerName}
	if lang := o.lang(); lang != "" {
		parts = append(parts, "--env", shellQuote("MYSTATUS_LANG="+lang, o.goos()))
	}
	cmd, argv := claudeWindows(o.command(), append(append([]string{}, o.Args...), "serve"), o.goos())
	parts = append(parts, "--", shellQuote(cmd, o.goos()))
	for _, a := range argv {
		parts = append(parts, shellQuote(a, o.goos()))
	}
	return strings.Join(parts, " ")
}

// claudeWindows wraps npx in `cmd /c` on native Windows, where Claude
// Code cannot start npx (a .cmd script) directly.
func claudeWindows(cmd string, argv []string, goos string) (string, []string) {
	if goos == "windows" && cmd == "npx" {
		return "cmd", append([]string{"/c", "npx"}, argv...)
	}
	return cmd, argv
}

// shellQuote quotes s for a POSIX shell, or with double quotes on Windows,
// when it holds anything but safe characters.
func shellQuote(s, goos string) string {
	safe := s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./=:,+@%", r) || goos == "windows" && r == '\\')
	}) < 0
	switch {
	case safe:
		return s
	case goos == "windows":
		return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"`
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// commandPath is OpenCode's global command file for /mystatus.
func commandPath(o Options) (string, error) {
	dir, err := openCodeDir(o)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "command", "mystatus.md"), nil
}

// commandFile is OpenCode's command/mystatus.md: it keeps upstream's
// /mystatus name by asking the model to call the MCP tool (named
// <server>_<tool>) and pass its output through untouched.
func commandFile(o Options) string {
	desc := i18n.New(o.lang()).T("setup.command.description", nil)
	return "---\ndescription: " + quote(desc) + "\n---\n" +
		"Call the mystatus_mystatus tool and reply with its output exactly as returned: " +
		"no summary, no commentary, no code fences.\n"
}

// Action is what Write did to one file.
type Action string

// The actions.
const (
	Created   Action = "created"
	Updated   Action = "updated"
	Unchanged Action = "unchanged"
)

// FileResult is one file Write looked after.
type FileResult struct {
	Path   string
	Action Action
	Backup string // copy of the previous content; "" unless Action is Updated
	// Changes are the values set in the config file (not the command file).
	Changes []Change
	// Kept are the members of an existing mystatus entry left as the user
	// set them (enabled, environment, timeout, …).
	Kept []string
}

// Result is what Write did.
type Result struct {
	Client Client
	Files  []FileResult // the config file, then (OpenCode) the command file
}

// Write merges the mystatus entry into c's config file (and, for
// OpenCode, writes the /mystatus command file). A file that cannot be
// parsed is refused and left untouched. Running Write twice changes
// nothing the second time.
func Write(c Client, opts Options) (Result, error) {
	sp, err := specFor(c, opts)
	if err != nil {
		return Result{}, err
	}
	res := Result{Client: c}
	var ed *editor
	fr, err := update(sp.path, opts.now(), func(old []byte) ([]byte, error) {
		out, e, err := merge(sp, old, sp.lang != "")
		if err != nil {
			return nil, parseError(sp.path, old, err)
		}
		ed = e
		return out, nil
	})
	if err != nil {
		return res, err
	}
	if fr.Action != Unchanged && ed != nil {
		fr.Changes, fr.Kept = ed.changes, ed.kept
	}
	res.Files = append(res.Files, fr)
	if c == OpenCode {
		path, err := commandPath(opts)
		if err != nil {
			return res, err
		}
		text := []byte(commandFile(opts))
		fr, err := update(path, opts.now(), func([]byte) ([]byte, error) { return text, nil })
		if err != nil {
			return res, err
		}
		res.Files = append(res.Files, fr)
	}
	return res, nil
}

// maxConfig bounds the config file init reads; editors' settings files
// are kilobytes.
const maxConfig = 8 << 20

// update rewrites path with edit(old content; nil when absent). A changed
// file is backed up to <file>.bak-<time> first and replaced atomically
// (temporary file in the same directory, then rename) keeping its mode.
// A symlinked file is updated where it points.
func update(path string, now time.Time, edit func(old []byte) ([]byte, error)) (FileResult, error) {
	real := path
	if p, err := filepath.EvalSymlinks(path); err == nil {
		real = p
	}
	// Only a regular file is read, and never more than maxConfig: a FIFO
	// or a device in its place must not hang init or fill memory.
	old, err := safefile.Read(real, maxConfig)
	exists := err == nil
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return FileResult{}, ioError(path, err)
	}
	out, err := edit(old)
	if err != nil {
		return FileResult{}, err
	}
	if exists && bytes.Equal(old, out) {
		return FileResult{Path: path, Action: Unchanged}, nil
	}
	fr := FileResult{Path: path, Action: Created}
	perm := fs.FileMode(0o644)
	if exists {
		fi, err := os.Stat(real)
		if err != nil {
			return FileResult{}, ioError(path, err)
		}
		perm = fi.Mode().Perm()
		if fr.Backup, err = backup(real, old, perm, now); err != nil {
			return FileResult{}, ioError(path, err)
		}
		fr.Action = Updated
	} else if err := os.MkdirAll(filepath.Dir(real), 0o755); err != nil {
		return FileResult{}, ioError(path, err)
	}
	if err := writeAtomic(real, out, perm); err != nil {
		return FileResult{}, ioError(path, err)
	}
	return fr, nil
}

// backup copies data to path.bak-<UTC time>, adding -2, -3… when that name
// is taken, and never overwrites anything.
func backup(path string, data []byte, perm fs.FileMode, now time.Time) (string, error) {
	base := path + ".bak-" + now.UTC().Format("20060102T150405Z")
	name := base
	for i := 2; ; i++ {
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
		if errors.Is(err, fs.ErrExist) && i < 1000 {
			name = base + "-" + strconv.Itoa(i)
			continue
		}
		if err != nil {
			return "", err
		}
		_, err = f.Write(data)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(name)
			return "", err
		}
		return name, nil
	}
}

func writeAtomic(path string, data []byte, perm fs.FileMode) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			os.Remove(f.Name())
		}
	}()
	if _, err = f.Write(data); err == nil {
		if err = f.Chmod(perm); err == nil {
			err = f.Sync()
		}
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mystatus/mystatus/i18n"
	"github.com/mystatus/mystatus/lib/quota"
)

// runCLI runs Main in process with a fresh HOME (plus files) and returns
// the exit code, stdout and stderr.
func runCLI(t *testing.T, home string, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	if home == "" {
		home = t.TempDir()
	}
	getenv := func(k string) string {
		if k == "HOME" || k == "USERPROFILE" {
			return home
		}
		return env[k]
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out, errb bytes.Buffer
	code := Main(ctx, Env{Args: args, Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: getenv,
		Now: time.Now, Version: BuildInfo{Version: "v9.9.9"}})
	return code, out.String(), errb.String()
}

// TestHelpEveryCommand: -h and --help work on every command of the
// registry, in every language, print the command's own options and exit 0
// (not "flag: help requested" and 2).
func TestHelpEveryCommand(t *testing.T) {
	for _, c := range commands {
		for _, lang := range i18n.Languages {
			for _, h := range []string{"-h", "--help"} {
				args := []string{h, "--lang", lang}
				if c.name != "" {
					args = append([]string{c.name}, args...)
				}
				code, out, errOut := runCLI(t, "", nil, args...)
				if code != ExitOK || errOut != "" {
					t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
				}
				loc := i18n.New(lang)
				if !strings.Contains(out, "--lang") || !strings.Contains(out, "-h, --help") || !strings.Contains(out, loc.T(c.summary, nil)) {
					t.Errorf("%v: help lacks its options or summary:\n%s", args, out)
				}
				if strings.Contains(out, "help requested") {
					t.Errorf("%v: Go's flag text leaked:\n%s", args, out)
				}
			}
		}
	}
	// Each command lists its own options.
	for name, opt := range map[string]string{"doctor": "--json", "init": "--write", "serve": "--framing", "demo": "--pace-alert", "": "--threshold"} {
		args := []string{"--help"}
		if name != "" {
			args = []string{name, "--help"}
		}
		if _, out, _ := runCLI(t, "", nil, args...); !strings.Contains(out, opt) {
			t.Errorf("%v: help lacks %s:\n%s", args, opt, out)
		}
	}
	code, out, _ := runCLI(t, "", nil, "help", "doctor")
	if code != ExitOK || !strings.Contains(out, "mystatus doctor") {
		t.Errorf("help doctor: exit %d:\n%s", code, out)
	}
}

// TestOptionErrors: the flag package's English, single-dash errors never
// reach the user; each mistake is named GNU-style in the user's language.
func TestOptionErrors(t *testing.T) {
	tests := []struct {
		args []string
		want map[string]string // language → substring of stderr
	}{
		{[]string{"--bogus"}, map[string]string{"en": "unknown option --bogus", "zh": "未知选项 --bogus", "fr": "option inconnue --bogus"}},
		{[]string{"-bogus=1"}, map[string]string{"en": "unknown option --bogus", "zh": "未知选项 --bogus", "fr": "option inconnue --bogus"}},
		{[]string{"doctor", "--frob"}, map[string]string{"en": "unknown option --frob", "zh": "未知选项 --frob", "fr": "option inconnue --frob"}},
		{[]string{"--timeout", "abc"}, map[string]string{"en": `invalid value "abc" for --timeout: expected a duration`, "zh": "选项 --timeout 的值“abc”无效：应为时长", "fr": "valeur «\u00a0abc\u00a0» invalide pour --timeout\u00a0; attendu\u00a0: une durée"}},
		{[]string{"--threshold=x"}, map[string]string{"en": `invalid value "x" for --threshold: expected a whole number`, "zh": "应为整数", "fr": "un nombre entier"}},
		{[]string{"--json=maybe"}, map[string]string{"en": "expected true or false", "zh": "应为布尔值 true 或 false", "fr": "true ou false"}},
		{[]string{"--only"}, map[string]string{"en": "option --only needs a value", "zh": "选项 --only 需要一个值", "fr": "l’option --only attend une valeur"}},
		{[]string{"serve", "--log-level"}, map[string]string{"en": "option --log-level needs a value", "zh": "选项 --log-level 需要一个值", "fr": "l’option --log-level attend une valeur"}},
		{[]string{"--json", "--format", "line"}, map[string]string{"en": "--json and --format line contradict", "zh": "--json 与 --format line 互相矛盾", "fr": "--json et --format line se contredisent"}},
		{[]string{"init"}, map[string]string{"en": "opencode, claude, vscode, zed", "zh": "opencode, claude, vscode, zed", "fr": "opencode, claude, vscode, zed"}},
		{[]string{"version", "extra"}, map[string]string{"en": "unexpected arguments: extra", "zh": "多余的参数：extra", "fr": "arguments inattendus\u00a0: extra"}},
	}
	for _, tc := range tests {
		for lang, want := range tc.want {
			args := append(append([]string{}, tc.args...), "--lang", lang)
			if tc.args[len(tc.args)-1] == "--only" || tc.args[len(tc.args)-1] == "--log-level" {
				// the option must be last to miss its value
				n := len(tc.args) - 1
				args = append(append(append([]string{}, tc.args[:n]...), "--lang="+lang), tc.args[n])
			}
			code, out, errOut := runCLI(t, "", nil, args...)
			if code != ExitUsage {
				t.Errorf("%v: exit %d, want %d", args, code, ExitUsage)
			}
			if !strings.Contains(errOut, want) {
				t.Errorf("%v: stderr lacks %q:\n%s", args, want, errOut)
			}
			for _, leak := range []string{"flag provided", "flag needs", "invalid value \"abc\" for flag", " -bogus"} {
				if strings.Contains(errOut, leak) {
					t.Errorf("%v: Go's flag text %q leaked:\n%s", args, leak, errOut)
				}
			}
			if out != "" {
				t.Errorf("%v: usage error wrote to stdout: %q", args, out)
			}
		}
	}
	// init with no client must never show an empty name.
	if _, _, errOut := runCLI(t, "", nil, "init"); strings.Contains(errOut, `""`) || strings.Contains(errOut, "unknown client ;") {
		t.Errorf("init without a client shows an empty name:\n%s", errOut)
	}
}

// TestUnknownLanguage: --lang de says once, on stderr, which languages
// exist, then carries on in English.
func TestUnknownLanguage(t *testing.T) {
	code, out, errOut := runCLI(t, "", nil, "--lang", "de", "--format", "line")
	if code != ExitOK {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	if n := strings.Count(errOut, "\n"); n != 1 || !strings.Contains(errOut, `"de"`) || !strings.Contains(errOut, strings.Join(i18n.Languages, ", ")) {
		t.Errorf("want one line naming %v, got:\n%s", i18n.Languages, errOut)
	}
	if !strings.Contains(out, "no AI plan configured") {
		t.Errorf("report not in English: %q", out)
	}
	for _, ok := range []string{"en", "en-GB", "zh-TW", "fr_CA.UTF-8", "zh"} {
		if _, _, errOut := runCLI(t, "", nil, "version", "--lang", ok); errOut != "" {
			t.Errorf("--lang %s: unexpected notice %q", ok, errOut)
		}
	}
}

// TestBrokenConfig: a malformed config.json breaks only the commands that
// read settings; doctor reports it as its first finding.
func TestBrokenConfig(t *testing.T) {
	home := t.TempDir()
	cfg := filepath.Join(home, ".config", "mystatus", "config.json")
	if err := os.MkdirAll(filepath.Dir(cfg), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfg, []byte(`{"timeout": `), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"version"}, {"--version"}, {"--help"}, {"doctor", "-h"}, {"serve", "--help"}, {"init", "claude", "--project", home}, {"help"}} {
		if code, out, errOut := runCLI(t, home, nil, args...); code != ExitOK || out == "" {
			t.Errorf("%v with a broken config: exit %d, stderr %s", args, code, errOut)
		}
	}
	for _, args := range [][]string{{}, {"--format", "line"}, {"serve"}} {
		code, _, errOut := runCLI(t, home, nil, args...)
		if code != ExitUsage || !strings.Contains(errOut, "config.json cannot be read as JSON") {
			t.Errorf("%v with a broken config: exit %d, stderr %s", args, code, errOut)
		}
	}
	code, out, errOut := runCLI(t, home, nil, "doctor", "--json", "--timeout", "2s")
	if code != ExitFailed {
		t.Errorf("doctor: exit %d, want %d; stderr %s", code, ExitFailed, errOut)
	}
	var rep struct {
		Findings []struct{ Severity, Check, Path, Title string }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || len(rep.Findings) == 0 {
		t.Fatalf("doctor --json: %v\n%s", err, out)
	}
	if f := rep.Findings[0]; f.Check != "config" || f.Severity != "error" || f.Path != cfg || !strings.Contains(f.Title, "cannot be read as JSON") {
		t.Errorf("first finding = %+v, want the broken config", f)
	}
	// The markdown form has a section for it.
	if _, out, _ := runCLI(t, home, nil, "doctor", "--lang", "fr", "--timeout", "2s"); !strings.Contains(out, "## Configuration") {
		t.Errorf("doctor lacks the configuration section:\n%s", out)
	}
	// A bad value in the environment is named by its variable.
	_, out, _ = runCLI(t, "", map[string]string{"MYSTATUS_TIMEOUT": "soon"}, "doctor", "--json", "--timeout", "2s")
	if !strings.Contains(out, "MYSTATUS_TIMEOUT") || !strings.Contains(out, `"check": "config"`) {
		t.Errorf("doctor does not report MYSTATUS_TIMEOUT:\n%s", out)
	}
}

// TestExitFor pins the exit status of a report: thresholds and pace alerts
// win over failures, and the demo's staged failure is not one.
func TestExitFor(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	win := func(used float64, left time.Duration) quota.Window {
		return quota.Window{Kind: quota.KindRate, Period: 10 * time.Hour, UsedPct: used, ResetAt: now.Add(left)}
	}
	rep := func(failed bool, ws ...quota.Window) quota.Report {
		res := quota.Result{Platform: "openai", Accounts: []quota.Account{{Name: "a", Windows: ws}}}
		if failed {
			res.Accounts = append(res.Accounts, quota.Account{Name: "b", Err: quota.ErrNotConfigured})
		}
		return quota.Report{GeneratedAt: now, Results: []quota.Result{res}}
	}
	onPace := win(30, 5*time.Hour)     // half way, 30 % used
	runsOut := win(80, 5*time.Hour)    // half way, 80 % used: pace 1.6
	lowLeft := win(95, 30*time.Minute) // nearly over, 95 % used: on pace, 5 % left
	tests := []struct {
		name      string
		rep       quota.Report
		threshold int
		paceAlert bool
		demo      bool
		want      int
	}{
		{"all fine", rep(false, onPace), -1, false, false, ExitOK},
		{"failure", rep(true, onPace), -1, false, false, ExitFailed},
		{"demo failure is part of the show", rep(true, onPace), -1, false, true, ExitOK},
		{"runs out without --pace-alert", rep(false, runsOut), -1, false, false, ExitOK},
		{"--pace-alert trips", rep(false, onPace, runsOut), -1, true, false, ExitThreshold},
		{"--pace-alert on pace", rep(false, onPace, lowLeft), -1, true, false, ExitOK},
		{"--pace-alert wins over a failure", rep(true, runsOut), -1, true, false, ExitThreshold},
		{"--threshold keeps its meaning", rep(false, lowLeft), 10, false, false, ExitThreshold},
		{"--threshold not reached", rep(false, runsOut), 10, false, false, ExitOK},
		{"--pace-alert in the demo", rep(true, runsOut), -1, true, true, ExitThreshold},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := exitFor(tc.rep, &options{threshold: tc.threshold, paceAlert: tc.paceAlert}, tc.demo, now)
			app := &App{Env: Env{Stderr: new(bytes.Buffer)}, Lang: "en"}
			if got := app.exit(reportCommand, err); got != tc.want {
				t.Errorf("exit %d, want %d", got, tc.want)
			}
		})
	}
}

// TestCommandsRegistered: every command is reachable by its name and
// appears in the main help, in registry order.
func TestCommandsRegistered(t *testing.T) {
	help := mainHelp(i18n.New("en"))
	last := -1
	for _, c := range commands {
		if lookup(c.name) != c {
			t.Errorf("command %q not found by name", c.name)
		}
		i := strings.Index(help, "mystatus "+c.name)
		if i < 0 || i < last {
			t.Errorf("command %q missing or out of order in the help:\n%s", c.name, help)
		}
		last = i
	}
}

// FuzzParseOptions: any command line parses to a result or a localized
// usage error, never a panic, and unknown options are never accepted.
func FuzzParseOptions(f *testing.F) {
	for _, s := range []string{"--json", "--timeout 3s", "-timeout=x", "--only", "-- --json", "--=", "---x", "-", "--lang=zh --format line extra", "--pace-alert=false"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		args := strings.Split(line, " ")
		fl := newFlags("", i18n.New("fr"))
		defineReport(fl)
		rest, err := fl.parse(args)
		if err != nil {
			var ue *usageError
			if !errors.Is(err, errHelp) && !errors.As(err, &ue) {
				t.Fatalf("%q: error %T %v is neither help nor a usage error", line, err, err)
			}
			return
		}
		if len(rest) > len(args) {
			t.Fatalf("%q: more positional arguments than arguments: %q", line, rest)
		}
		for name := range fl.set {
			if fl.fs.Lookup(name) == nil {
				t.Fatalf("%q: unknown option %q set", line, name)
			}
		}
	})
}

// TestTerminalForm: on a terminal the report uses the renderer's terminal
// form (no table pipes), through a pipe the agent form (GFM tables).
func TestTerminalForm(t *testing.T) {
	run := func(terminal bool) string {
		var out, errb bytes.Buffer
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		getenv := func(k string) string {
			if k == "NO_COLOR" {
				return "1"
			}
			return ""
		}
		if code := Main(ctx, Env{Args: []string{"demo", "--lang", "en"}, Stdout: &out, Stderr: &errb, Getenv: getenv,
			IsTerminal: terminal, Now: time.Now}); code != ExitOK {
			t.Fatalf("terminal=%v: exit %d, stderr %s", terminal, code, errb.String())
		}
		return out.String()
	}
	if pipe := run(false); !strings.Contains(pipe, "| :---") {
		t.Errorf("agent form lacks its tables:\n%s", pipe)
	}
	if term := run(true); strings.Contains(term, "| :---") || strings.Contains(term, "\x1b[") {
		t.Errorf("terminal form has table pipes or colour despite NO_COLOR:\n%s", term)
	}
}

// TestOptionsBeforeCommand: "mystatus --lang fr demo" runs the demo in
// French, as "mystatus demo --lang fr" does; an option's value is never
// taken for a command.
func TestOptionsBeforeCommand(t *testing.T) {
	tests := []struct {
		args []string
		cmd  string
		rest []string
	}{
		{[]string{"demo", "--lang", "fr"}, "demo", []string{"--lang", "fr"}},
		{[]string{"--lang", "fr", "demo"}, "demo", []string{"--lang", "fr"}},
		{[]string{"--lang=fr", "doctor", "--json"}, "doctor", []string{"--lang=fr", "--json"}},
		{[]string{"--refresh", "version"}, "version", []string{"--refresh"}},
		{[]string{"--only", "demo"}, "", []string{"--only", "demo"}},
		{[]string{"--json", "stray", "demo"}, "", []string{"--json", "stray", "demo"}},
		{[]string{"--", "demo"}, "", []string{"--", "demo"}},
		{nil, "", nil},
	}
	for _, tc := range tests {
		cmd, rest := splitCommand(tc.args, i18n.New("en"))
		if cmd != tc.cmd || !slices.Equal(rest, tc.rest) {
			t.Errorf("splitCommand(%q) = %q %q, want %q %q", tc.args, cmd, rest, tc.cmd, tc.rest)
		}
	}
	code, out, errOut := runCLI(t, "", nil, "--lang", "fr", "version")
	if code != ExitOK || !strings.Contains(out, "mystatus") || errOut != "" {
		t.Errorf("--lang fr version: exit %d\n%s\n%s", code, out, errOut)
	}
}

// TestOneShotReportClosesIdleConnections: once a one-shot report is
// collected, its keep-alive connections are closed (before rendering,
// which then has their memory), not left open until the process exits.
func TestOneShotReportClosesIdleConnections(t *testing.T) {
	var mu sync.Mutex
	open := map[net.Conn]bool{}
	closed := make(chan struct{}, 16)
	// A real recorded Z.ai quota body (lib/provider/zhipu/testdata/SOURCES.md).
	body, err := os.ReadFile(filepath.Join("..", "provider", "zhipu", "testdata", "zai_openusage_three_limits.json"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}))
	srv.Config.ConnState = func(c net.Conn, s http.ConnState) {
		mu.Lock()
		defer mu.Unlock()
		switch s {
		case http.StateNew:
			open[c] = true
		case http.StateClosed, http.StateHijacked:
			if open[c] {
				delete(open, c)
				closed <- struct{}{}
			}
		}
	}
	srv.Start()
	defer srv.Close()
	home := t.TempDir()
	dir := filepath.Join(home, ".local", "share", "opencode")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "auth.json"), []byte(`{"zhipuai-coding-plan":{"type":"api","key":"sk-idle-0001.abcdefghijklmnop"}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	runCLI(t, home, map[string]string{"MYSTATUS_ZHIPU_BASE_URL": srv.URL})
	mu.Lock()
	n := len(open) + len(closed)
	mu.Unlock()
	if n == 0 {
		t.Fatal("the report made no request to the loopback platform")
	}
	deadline := time.After(10 * time.Second) // a bound, not a wait: closes arrive at once
	for {
		mu.Lock()
		left := len(open)
		mu.Unlock()
		if left == 0 {
			return
		}
		select {
		case <-closed:
		case <-deadline:
			t.Fatalf("%d connections still open after the report returned", left)
		}
	}
}

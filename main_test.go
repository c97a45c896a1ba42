package main

import (
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/mystatus/mystatus/internal/providertest"
)

func TestMain(m *testing.M) {
	// A binary built with -race sleeps 1 s at exit by default
	// (atexit_sleep_ms); the scripts and the language audit start it a
	// hundred times. testscript and runCLI pass GORACE on to the commands.
	if !strings.Contains(os.Getenv("GORACE"), "atexit_sleep_ms") {
		os.Setenv("GORACE", strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
	}
	if filepath.Base(os.Args[0]) != "mystatus" {
		// The test run itself, not a script's mystatus command (whose
		// arguments are not test flags). Its cases mostly wait on child
		// processes, so four per core run side by side unless -parallel
		// is given; none depends on how long another takes.
		flag.Parse()
		set := false
		flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
		if !set {
			flag.Set("test.parallel", strconv.Itoa(4*runtime.GOMAXPROCS(0)))
		}
	}
	testscript.Main(m, map[string]func(){"mystatus": func() { os.Exit(run()) }})
}

// TestScript runs the end-to-end scripts in testdata/script: the real
// binary (re-executed test binary) against a loopback fake that serves the
// recorded bodies under testdata/api, with a fixture HOME per script.
func TestScript(t *testing.T) {
	api, err := filepath.Abs("testdata/api")
	if err != nil {
		t.Fatal(err)
	}
	repo, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	goEnv := map[string]string{}
	for _, k := range []string{"GOCACHE", "GOMODCACHE", "GOPATH"} {
		out, err := exec.Command("go", "env", k).Output()
		if err != nil {
			t.Fatal(err)
		}
		goEnv[k] = strings.TrimSpace(string(out))
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// /<scenario>/<endpoint path> → testdata/api/<scenario>/<path>;
		// ":" in Cloud Code paths is stored as "_".
		rel := filepath.FromSlash(strings.ReplaceAll(strings.TrimPrefix(r.URL.Path, "/"), ":", "_"))
		file := filepath.Join(api, rel)
		if st, err := os.Stat(file); err != nil || st.IsDir() || strings.Contains(rel, "..") {
			http.NotFound(w, r)
			return
		}
		providertest.Replay(t, w, file)
	}))
	t.Cleanup(srv.Close) // scripts run as parallel subtests, after Run returns
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(e *testscript.Env) error {
			home := filepath.Join(e.WorkDir, "home")
			e.Setenv("HOME", home)
			e.Setenv("USERPROFILE", home)
			for _, k := range []string{"XDG_DATA_HOME", "XDG_CONFIG_HOME", "APPDATA", "ABV_DATA_DIR", "LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE", "MYSTATUS_LANG", "NO_COLOR"} {
				e.Setenv(k, "")
			}
			e.Setenv("API", srv.URL)
			// For the README test: the repository and the real Go caches, so
			// `go run .` does not rebuild the world in the empty HOME.
			e.Setenv("REPO", repo)
			for _, k := range []string{"GOCACHE", "GOMODCACHE", "GOPATH"} {
				e.Setenv(k, goEnv[k])
			}
			for _, p := range []string{"OPENAI", "ANTHROPIC", "ZHIPU", "ZAI"} {
				e.Setenv("MYSTATUS_"+p+"_BASE_URL", srv.URL+"/"+strings.ToLower(p))
			}
			e.Setenv("MYSTATUS_GITHUB_API_URL", srv.URL+"/github")
			e.Setenv("MYSTATUS_GOOGLE_OAUTH_URL", srv.URL+"/google-oauth")
			e.Setenv("MYSTATUS_CLOUDCODE_BASE_URL", srv.URL+"/cloudcode")
			e.Setenv("MYSTATUS_GOOGLE_CLIENT_ID", "client-id-e2e")
			e.Setenv("MYSTATUS_GOOGLE_CLIENT_SECRET", "client-secret-CANARY")
			return nil
		},
		UpdateScripts: os.Getenv("UPDATE_SCRIPTS") != "",
	})
}

// readmeNotRun are the README's commands testdata/script/readme.txtar does
// not run, each with the reason and, where there is one, what covers it.
var readmeNotRun = map[string]string{
	"make test":      "the suite itself (CI runs it)",
	"make e2e":       "the real agents from npm: CI's e2e step",
	"make dist":      "CI's dist-test step builds and checks the packages",
	"make dist-test": "CI's dist-test step",
	"make fuzz":      "long fuzzing; make test runs every target briefly",
	"make golden":    "rewrites golden files",
	"make bench":     "timing runs: make bench writes BENCHMARKS.md",
	"make install":   "go install into GOPATH/bin; the same build as go run .",
	"go install":     "the same build as go run .",
	"go install github.com/mystatus/mystatus@latest":                   "needs the published module (network)",
	"git clone https://github.com/mystatus/mystatus && cd mystatus":    "network",
	"npx -y @mystatus/cli":                                             "the npm package: e2e/install runs it from the packed tarball",
	"npx -y @mystatus/cli demo":                                        "the npm package: e2e/install",
	"npx -y @mystatus/cli init <client>":                               "the npm package: e2e/install; init itself runs here",
	"npx -y @mystatus/cli init opencode":                               "the npm package: e2e/install; init itself runs here",
	"claude mcp add mystatus -- npx -y @mystatus/cli serve":            "Claude Code from npm: make e2e; the line is init's output (lib/setup)",
	"claude mcp add mystatus --env MYSTATUS_LANG=en -- mystatus serve": "Claude Code from npm: make e2e; the line is init's output (lib/setup)",
	"go run":                       "a word in a sentence, not a command",
	"go run . init <client>":       "run here as go run . init opencode / claude",
	"mystatus init <client>":       "run here for opencode, claude, vscode, zed",
	"mystatus init CLIENT":         "run here for every client",
	"mystatus init CLIENT --write": "run here as mystatus init zed --write",
	"mystatus init":                "run here without a client (the usage error)",
	"mystatus COMMAND -h":          "run here as mystatus doctor -h and serve -h; TestHelp covers every command",
}

// TestReadmeCommands: every command the README shows (its sh blocks and
// its inline commands) is run by readme.txtar or listed in readmeNotRun.
func TestReadmeCommands(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	script, err := os.ReadFile(filepath.Join("testdata", "script", "readme.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	run := map[string]bool{}
	for _, l := range strings.Split(string(script), "\n") {
		l = strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(l), "! "), "exec ")
		run[l] = true
	}
	// The shell pipeline is run as "stdin file; mystatus serve".
	run["printf '%s\\n' … | mystatus serve"] = run["mystatus serve"] && strings.Contains(string(script), "serve-two.jsonl")
	var cmds []string
	for _, m := range regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllStringSubmatch(string(readme), -1) {
		block := strings.ReplaceAll(m[1], "\\\n", " ")
		for _, l := range strings.Split(block, "\n") {
			l = strings.TrimSpace(regexp.MustCompile(`\s+#.*$`).ReplaceAllString(l, ""))
			if strings.HasPrefix(l, "printf ") && strings.HasSuffix(l, "| mystatus serve") {
				l = "printf '%s\\n' … | mystatus serve"
			}
			if l != "" {
				cmds = append(cmds, l)
			}
		}
	}
	inline := regexp.MustCompile("`((?:go run|go install|mystatus |make |npx |claude )[^`\n]*)`")
	for _, m := range inline.FindAllStringSubmatch(string(readme), -1) {
		cmds = append(cmds, m[1])
	}
	if len(cmds) < 20 {
		t.Fatalf("only %d commands found in the README: the extraction is broken", len(cmds))
	}
	for _, c := range cmds {
		if !run[c] && readmeNotRun[c] == "" {
			t.Errorf("README command %q is neither run by testdata/script/readme.txtar nor listed in readmeNotRun", c)
		}
	}
}

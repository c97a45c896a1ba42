package main

import (
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/mystatus/mystatus/lib/provider/providertest"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestMain(m *testing.M) {
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
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// sleep DURATION: let a background command run for a while.
			"sleep": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 1 {
					ts.Fatalf("usage: sleep DURATION")
				}
				d, err := time.ParseDuration(args[0])
				ts.Check(err)
				time.Sleep(d)
			},
		},
	})
}

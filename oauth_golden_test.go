package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mystatus/mystatus/i18n"
	"github.com/mystatus/mystatus/internal/testkit"
	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/cli"
	"github.com/mystatus/mystatus/lib/httpx"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/provider/all"
	"github.com/mystatus/mystatus/lib/render"
	"github.com/mystatus/mystatus/lib/report"
)

// goldenNow is the fixed clock of the OAuth golden reports.
var goldenNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// oauthFake serves the recorded bodies of the OAuth platforms' packages.
func oauthFake(t *testing.T) *httptest.Server {
	t.Helper()
	body := func(pkg, name string) []byte {
		b, err := os.ReadFile(filepath.Join("lib", "provider", pkg, "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	routes := map[string][]byte{
		"/google-oauth/token":                                          body("antigravity", "bodies/token.json"),
		"/cloudcode/v1internal:fetchAvailableModels":                   body("antigravity", "bodies/models.json"),
		"/cloudcode/v1internal:retrieveUserQuotaSummary":               body("antigravity", "bodies/summary.json"),
		"/cloudcode/v1internal:loadCodeAssist":                         body("antigravity", "bodies/loadcodeassist.json"),
		"/github/copilot_internal/user":                                body("copilot", "user_paid.json"),
		"/github/copilot_internal/v2/token":                            body("copilot", "token_v2.json"),
		"/github/users/octocat/settings/billing/premium_request/usage": body("copilot", "billing_pat.json"),
		"/anthropic/api/oauth/profile":                                 body("anthropic", "profile_max.json"),
		"/anthropic/api/oauth/usage":                                   body("anthropic", "usage_limits_fable.json"),
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, ok := routes[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(b)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestOAuthGolden runs the whole pipeline for the OAuth platforms against
// the loopback fake: OpenCode Antigravity accounts (one ok, one without
// project, one disabled), an Antigravity-Manager store (disabled and
// paused accounts, temp and corrupt files), Copilot by internal API and by
// PAT, and Anthropic, rendered in en, zh and fr golden reports.
func TestOAuthGolden(t *testing.T) {
	srv := oauthFake(t)
	agHome, _ := filepath.Abs(filepath.Join("lib", "provider", "antigravity", "testdata", "home"))
	accounts, err := os.ReadFile(filepath.Join(agHome, ".config", "opencode", "antigravity-accounts.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, route := range []string{"internal", "pat"} {
		home := t.TempDir()
		files := map[string]string{
			".local/share/opencode/auth.json": `{
  "anthropic": {"type": "oauth", "access": "sk-ant-oat-CANARY-golden", "refresh": "sk-ant-ort-CANARY", "expires": 4102444800000},
  "github-copilot": {"type": "oauth", "refresh": "gho_CANARY_golden_0001", "access": "gho_CANARY_golden_0001", "expires": 0}
}`,
			".config/opencode/antigravity-accounts.json": string(accounts),
		}
		if route == "pat" {
			files[".config/opencode/copilot-quota-token.json"] = `{"token": "github_pat_CANARY_golden", "username": "octocat", "tier": "pro"}`
		}
		for name, text := range files {
			p := filepath.Join(home, name)
			os.MkdirAll(filepath.Dir(p), 0o700)
			if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		env := map[string]string{
			"HOME": home, "ABV_DATA_DIR": filepath.Join(agHome, ".antigravity_tools"),
			"MYSTATUS_GOOGLE_OAUTH_URL": srv.URL + "/google-oauth", "MYSTATUS_CLOUDCODE_BASE_URL": srv.URL + "/cloudcode",
			"MYSTATUS_GITHUB_API_URL": srv.URL + "/github", "MYSTATUS_ANTHROPIC_BASE_URL": srv.URL + "/anthropic",
			"MYSTATUS_GOOGLE_CLIENT_ID": "golden-client", "MYSTATUS_GOOGLE_CLIENT_SECRET": "golden-secret-CANARY",
		}
		getenv := func(k string) string { return env[k] }
		paths := auth.PathsFromEnv(getenv)
		client := httpx.New(5 * time.Second)
		client.Now = func() time.Time { return goldenNow }
		deps := provider.Deps{HTTP: client, Auth: auth.NewStore(paths), Settings: provider.Settings{Getenv: getenv}, Now: func() time.Time { return goldenNow }}
		svc := &report.Service{Providers: all.Providers(deps), Timeout: 5 * time.Second, Now: func() time.Time { return goldenNow }}
		rep := svc.Collect(context.Background(), report.Request{})
		for _, lang := range i18n.Languages {
			got := render.Markdown(rep, i18n.New(lang), render.Options{Now: goldenNow, Location: time.UTC, Explain: cli.Explainer(paths, svc.Providers)})
			got = strings.ReplaceAll(got, home, "$HOME")
			got = strings.ReplaceAll(got, agHome, "$AGHOME")
			if strings.Contains(got, "CANARY") {
				t.Errorf("%s %s: a fixture secret reached the report", route, lang)
			}
			golden(t, filepath.Join("testdata", "golden", "oauth-"+route+"."+lang+".md"), got)
		}
	}
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	testkit.GoldenString(t, path, got)
}

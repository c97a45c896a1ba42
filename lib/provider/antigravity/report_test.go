package antigravity_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mystatus/mystatus/i18n"
	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/httpx"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/provider/antigravity"
	"github.com/mystatus/mystatus/lib/quota"
	"github.com/mystatus/mystatus/lib/render"
	"github.com/mystatus/mystatus/lib/report"
)

// TestZeroConfigReport runs the whole report for a user who has only
// OpenCode's Antigravity login (a refresh token, no project id) and no
// setting at all except the loopback endpoints: the built-in Antigravity
// client renews the token, loadCodeAssist gives the project, and the
// report shows the Google numbers of the recorded bodies in every language.
func TestZeroConfigReport(t *testing.T) {
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("testdata", "recorded", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	var (
		mu      sync.Mutex
		clients []string
		project string
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/oauth/token":
			r.ParseForm()
			mu.Lock()
			clients = append(clients, r.PostForm.Get("client_id"))
			mu.Unlock()
			// Only the client that minted the token may renew it.
			if !strings.HasPrefix(r.PostForm.Get("client_id"), "1071006060591-") || !strings.HasPrefix(r.PostForm.Get("client_secret"), "GOCSPX-") ||
				r.PostForm.Get("refresh_token") != "1//CANARY-zero-config-refresh" {
				w.WriteHeader(http.StatusUnauthorized)
				w.Write(read("token/401_invalid_client_not_found.json"))
				return
			}
			w.Write(read("token/200_refreshed_google_docs.json"))
		case "/cc/v1internal:loadCodeAssist":
			w.Write(read("assist/standard_with_project.json"))
		case "/cc/v1internal:fetchAvailableModels":
			var body [256]byte
			n, _ := r.Body.Read(body[:])
			mu.Lock()
			project = string(body[:n])
			mu.Unlock()
			w.Write(read("models/group_windows.json"))
		case "/cc/v1internal:retrieveUserQuotaSummary":
			w.Write(read("summary/pro_wrapped.json"))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()

	home := t.TempDir()
	cfg := filepath.Join(home, ".config")
	if err := os.MkdirAll(filepath.Join(cfg, "opencode"), 0o700); err != nil {
		t.Fatal(err)
	}
	err := os.WriteFile(filepath.Join(cfg, "opencode", "antigravity-accounts.json"), []byte(`{"version": 3, "accounts": [
	  {"email": "zero@example.com", "refreshToken": "1//CANARY-zero-config-refresh", "addedAt": 1772000000000, "lastUsed": 1772000000000}
	], "activeIndex": 0}`), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		"MYSTATUS_GOOGLE_OAUTH_URL":   srv.URL + "/oauth",
		"MYSTATUS_CLOUDCODE_BASE_URL": srv.URL + "/cc",
	}
	now := time.Date(2026, 9, 14, 20, 0, 0, 0, time.UTC)
	p := antigravity.New(provider.Deps{
		HTTP:     httpx.New(5 * time.Second),
		Auth:     auth.NewStore(auth.Paths{Home: home, XDGConfig: cfg, XDGData: filepath.Join(home, ".local", "share")}),
		Settings: provider.Settings{Getenv: func(k string) string { return env[k] }},
		Now:      func() time.Time { return now },
	})
	svc := &report.Service{Providers: []quota.Provider{p}, Timeout: 5 * time.Second, Now: func() time.Time { return now }}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	rep := svc.Collect(ctx, report.Request{})

	if len(clients) != 1 || !strings.HasPrefix(clients[0], "1071006060591-") {
		t.Errorf("token requests by %v, want the built-in Antigravity client once", clients)
	}
	if project != `{"project":"project-1"}` {
		t.Errorf("fetchAvailableModels body %s, want the project loadCodeAssist gave", project)
	}
	want := map[string][]string{
		// Remaining: Gemini pool 92.92 % (models), weekly 78 %, 5-hour 82 %;
		// Claude and GPT 80 % (GPT-OSS binds), their buckets 100 %.
		"en": {"zero@example.com", "Standard", "93%", "78%", "82%", "80%", "Claude and GPT"},
		"zh": {"zero@example.com", "93%", "78%", "82%", "80%", "Claude 和 GPT"},
		"fr": {"zero@example.com", "93", "78", "82", "80", "Claude et GPT"},
	}
	for lang, subs := range want {
		md := render.Markdown(rep, i18n.New(lang), render.Options{Now: now, Location: time.UTC})
		for _, s := range subs {
			if !strings.Contains(md, s) {
				t.Errorf("%s report lacks %q:\n%s", lang, s, md)
			}
		}
		if strings.Contains(md, "CANARY") || strings.Contains(md, "GOCSPX") {
			t.Errorf("%s report leaks a secret:\n%s", lang, md)
		}
		if lang != "en" && strings.Contains(md, "Claude and GPT") {
			t.Errorf("%s report shows the English family name:\n%s", lang, md)
		}
	}
}

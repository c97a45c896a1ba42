package copilot

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

	"github.com/mystatus/mystatus/internal/providertest"
	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/httpx"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/quota"
)

var now = time.Date(2026, 11, 23, 11, 0, 0, 0, time.UTC)

const (
	canaryPAT     = "github_pat_CANARY_copilot_0001"
	canaryGitHub  = "gho_CANARY_copilot_oauth_0001"
	canaryAccess  = "tid=CANARY-copilot-cached-0001"
	canarySession = "tid=CANARY-copilot-session-0001;exp=1795432800;sku=plus_monthly_subscriber_quota;8kp=1:CANARY"
)

// replay writes the recorded response testdata/file.
func replay(t testing.TB, w http.ResponseWriter, file string) {
	providertest.Replay(t, w, filepath.Join("testdata", file))
}

// recorder is a fake GitHub API: route decides the answer file for each
// request, and every request is kept in order.
type recorder struct {
	t     testing.TB
	mu    sync.Mutex
	reqs  []*http.Request
	route func(r *http.Request) string
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec.mu.Lock()
	rec.reqs = append(rec.reqs, r.Clone(context.Background()))
	rec.mu.Unlock()
	replay(rec.t, w, rec.route(r))
}

// calls lists "path authorization" per request.
func (rec *recorder) calls() []string {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	var out []string
	for _, r := range rec.reqs {
		out = append(out, r.URL.Path+" "+r.Header.Get("Authorization"))
	}
	return out
}

type env struct {
	p    *Provider
	rec  *recorder
	home string
}

// newEnv builds a provider over a temp home with the given files
// (relative path -> content) and a fake GitHub API.
func newEnv(t *testing.T, files map[string]string, route func(*http.Request) string) *env {
	t.Helper()
	home := t.TempDir()
	for name, content := range files {
		path := filepath.Join(home, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	rec := &recorder{t: t, route: route}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	paths := auth.Paths{Home: home, XDGData: filepath.Join(home, "data"), XDGConfig: filepath.Join(home, "config")}
	if _, ok := files["appdata/opencode/copilot-quota-token.json"]; ok {
		paths.AppData = filepath.Join(home, "appdata")
	}
	d := provider.Deps{
		HTTP: httpx.New(5 * time.Second),
		Auth: auth.NewStore(paths),
		Settings: provider.Settings{Getenv: func(k string) string {
			if k == "MYSTATUS_GITHUB_API_URL" {
				return srv.URL
			}
			return ""
		}},
		Now: func() time.Time { return now },
	}
	return &env{p: New(d), rec: rec, home: home}
}

const (
	patPath  = "config/opencode/copilot-quota-token.json"
	authPath = "data/opencode/auth.json"
	goodPAT  = `{"token":"` + canaryPAT + `","username":"octocat","tier":"pro"}`
	// oauthAuth has a cached session token that is still valid.
	oauthAuth = `{"github-copilot":{"type":"oauth","refresh":"` + canaryGitHub + `","access":"` + canaryAccess + `","expires":1795435200000}}`
)

// fetchAll discovers and fetches every target as the report does.
func (e *env) fetchAll(t *testing.T) ([]quota.Account, error) {
	t.Helper()
	ctx := context.Background()
	targets, err := e.p.Discover(ctx)
	if err != nil {
		return nil, err
	}
	var out []quota.Account
	for _, tg := range targets {
		if tg.Err != nil {
			out = append(out, quota.Account{Name: tg.Name, Err: tg.Err})
			continue
		}
		a, err := e.p.Fetch(ctx, tg)
		a.Err = err
		out = append(out, a)
	}
	return out, nil
}

func noCanary(t *testing.T, err error) {
	t.Helper()
	if err != nil && strings.Contains(err.Error(), "CANARY") {
		t.Fatalf("error leaks a secret: %v", err)
	}
}

func TestPATRouteChosenFirst(t *testing.T) {
	e := newEnv(t, map[string]string{patPath: goodPAT, authPath: oauthAuth}, func(r *http.Request) string {
		return "billing_pat.json"
	})
	accts, err := e.fetchAll(t)
	if err != nil || len(accts) != 1 || accts[0].Err != nil {
		t.Fatalf("got %+v, %v", accts, err)
	}
	if a := accts[0]; a.Name != "@octocat" || a.Plan != "pro" || a.Period != "2026-11" || len(a.Breakdown) != 5 {
		t.Fatalf("account %+v", a)
	}
	if len(e.rec.reqs) != 1 {
		t.Fatalf("requests %v", e.rec.calls())
	}
	r := e.rec.reqs[0]
	for k, v := range map[string]string{
		"Accept":               "application/vnd.github+json",
		"Authorization":        "Bearer " + canaryPAT,
		"X-Github-Api-Version": "2022-11-28",
	} {
		if got := r.Header.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if r.Method != http.MethodGet || r.URL.Path != "/users/octocat/settings/billing/premium_request/usage" {
		t.Errorf("request %s %s", r.Method, r.URL.Path)
	}
}

func TestPATUnderAppData(t *testing.T) {
	e := newEnv(t, map[string]string{"appdata/opencode/copilot-quota-token.json": goodPAT}, func(r *http.Request) string {
		return "billing_empty.json"
	})
	accts, err := e.fetchAll(t)
	if err != nil || len(accts) != 1 || accts[0].Err != nil || accts[0].Name != "@octocat" {
		t.Fatalf("got %+v, %v", accts, err)
	}
	info := e.p.Info()
	if !info.Configured || len(info.Sources) != 3 {
		t.Fatalf("info %+v", info)
	}
}

func TestBadPATReported(t *testing.T) {
	tests := []struct {
		name, file, field string
		kind              quota.Kind
	}{
		{"bad tier", `{"token":"` + canaryPAT + `","username":"octocat","tier":"platinum"}`, "tier", quota.KindFieldMissing},
		{"no username", `{"token":"` + canaryPAT + `","tier":"pro"}`, "username", quota.KindFieldMissing},
		{"broken json", `{"token":"` + canaryPAT + `",`, "", quota.KindFileMalformed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, map[string]string{patPath: tc.file, authPath: oauthAuth}, func(r *http.Request) string {
				return "user_paid.json"
			})
			accts, err := e.fetchAll(t)
			if err != nil || len(accts) != 1 {
				t.Fatalf("got %+v, %v", accts, err)
			}
			qe := quota.AsError(accts[0].Err)
			if qe == nil || qe.Kind != tc.kind || qe.Field != tc.field || qe.Path != filepath.Join(e.home, patPath) {
				t.Fatalf("error %#v", qe)
			}
			if tc.field == "tier" && !strings.Contains(qe.Detail, "pro+") {
				t.Errorf("detail %q does not list the tiers", qe.Detail)
			}
			noCanary(t, qe)
			if len(e.rec.reqs) != 0 {
				t.Errorf("requests made: %v", e.rec.calls())
			}
		})
	}
}

func TestPATOrgSeat404(t *testing.T) {
	e := newEnv(t, map[string]string{patPath: goodPAT}, func(r *http.Request) string { return "err_404_not_found.http" })
	accts, _ := e.fetchAll(t)
	qe := quota.AsError(accts[0].Err)
	if qe == nil || qe.Kind != quota.KindNotFound || !strings.Contains(qe.Detail, "org-managed") || qe.Status != 404 {
		t.Fatalf("error %#v", qe)
	}
}

func TestNotConfigured(t *testing.T) {
	for name, files := range map[string]map[string]string{
		"no files":         nil,
		"other auth entry": {authPath: `{"openai":{"type":"oauth","access":"x"}}`},
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, files, func(r *http.Request) string { return "user_paid.json" })
			if _, err := e.p.Discover(context.Background()); err != quota.ErrNotConfigured {
				t.Fatalf("got %v, want ErrNotConfigured", err)
			}
			info := e.p.Info()
			if info.Configured || info.ID != ID || len(info.Sources) != 2 {
				t.Fatalf("info %+v", info)
			}
		})
	}
}

func TestAuthEntryProblems(t *testing.T) {
	tests := []struct {
		name, auth, field string
	}{
		{"api type", `{"github-copilot":{"type":"api","key":"CANARY-x"}}`, "github-copilot.type"},
		{"no tokens", `{"github-copilot":{"type":"oauth"}}`, "github-copilot.refresh"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, map[string]string{authPath: tc.auth}, func(r *http.Request) string { return "user_paid.json" })
			accts, err := e.fetchAll(t)
			if err != nil || len(accts) != 1 {
				t.Fatalf("got %+v, %v", accts, err)
			}
			if qe := quota.AsError(accts[0].Err); qe == nil || qe.Kind != quota.KindFieldMissing || qe.Field != tc.field {
				t.Fatalf("error %#v", qe)
			}
		})
	}
}

// TestInternalCascade walks A (cached session token) -> B (token scheme)
// -> C (exchange, then the minted token), then checks the minted token is
// reused by the next fetch.
func TestInternalCascade(t *testing.T) {
	e := newEnv(t, map[string]string{authPath: oauthAuth}, func(r *http.Request) string {
		switch r.URL.Path + " " + r.Header.Get("Authorization") {
		case userPath + " Bearer " + canaryAccess:
			return "err_401_bad_credentials.http"
		case userPath + " token " + canaryGitHub:
			return "err_404_not_found.http"
		case tokenPath + " Bearer " + canaryGitHub:
			return "token_v2.json"
		case userPath + " Bearer " + canarySession:
			return "user_paid.json"
		}
		return "err_401_bad_credentials.http"
	})
	accts, err := e.fetchAll(t)
	if err != nil || len(accts) != 1 || accts[0].Err != nil {
		t.Fatalf("got %+v, %v", accts, err)
	}
	if a := accts[0]; a.Name != "octocat" || a.Plan != "individual" || len(a.Windows) != 3 {
		t.Fatalf("account %+v", a)
	}
	want := []string{
		userPath + " Bearer " + canaryAccess,
		userPath + " token " + canaryGitHub,
		tokenPath + " Bearer " + canaryGitHub,
		userPath + " Bearer " + canarySession,
	}
	if got := e.rec.calls(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("calls\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for i, r := range e.rec.reqs {
		for k, v := range map[string]string{
			"Accept":                 "application/json",
			"Editor-Version":         "vscode/1.107.0",
			"Editor-Plugin-Version":  "copilot-chat/0.35.0",
			"User-Agent":             "GitHubCopilotChat/0.35.0",
			"Copilot-Integration-Id": "vscode-chat",
			"X-Github-Api-Version":   "2025-04-01",
		} {
			if got := r.Header.Get(k); got != v {
				t.Errorf("request %d: %s = %q, want %q", i, k, got, v)
			}
		}
	}

	// The second fetch tries A, then the minted token, which works.
	e.rec.reqs = nil
	if accts, err = e.fetchAll(t); err != nil || accts[0].Err != nil {
		t.Fatalf("second fetch: %+v, %v", accts, err)
	}
	want = []string{userPath + " Bearer " + canaryAccess, userPath + " Bearer " + canarySession}
	if got := e.rec.calls(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("second calls\n%s", strings.Join(got, "\n"))
	}
}

func TestInternalCascadeFailures(t *testing.T) {
	// No valid cached token: the cascade starts at B.
	plainAuth := `{"github-copilot":{"type":"oauth","refresh":"` + canaryGitHub + `","access":"` + canaryGitHub + `","expires":0}}`
	expiredAuth := `{"github-copilot":{"type":"oauth","refresh":"` + canaryGitHub + `","access":"` + canaryAccess + `","expires":1700000000000}}`
	tests := []struct {
		name   string
		auth   string
		route  map[string]string // path+scheme -> file
		kind   quota.Kind
		calls  int
		detail string
	}{
		{name: "dead token", auth: plainAuth, route: map[string]string{
			userPath + " token":   "err_401_bad_credentials.http",
			tokenPath + " Bearer": "err_401_bad_credentials.http",
		}, kind: quota.KindUnauthorized, calls: 2, detail: "Bad credentials"},
		{name: "no internal access", auth: expiredAuth, route: map[string]string{
			userPath + " token":   "err_404_not_found.http",
			tokenPath + " Bearer": "err_404_not_found.http",
		}, kind: quota.KindNotFound, calls: 2},
		{name: "no seat beats not found", auth: plainAuth, route: map[string]string{
			userPath + " token":   "err_403_forbidden.http",
			tokenPath + " Bearer": "err_404_not_found.http",
		}, kind: quota.KindForbidden, calls: 2},
		{name: "rate limit stops the cascade", auth: oauthAuth, route: map[string]string{
			userPath + " Bearer": "err_403_rate_limited.http",
		}, kind: quota.KindRateLimited, calls: 1},
		{name: "minted token rejected", auth: plainAuth, route: map[string]string{
			userPath + " token":   "err_404_not_found.http",
			tokenPath + " Bearer": "token_v2.json",
			userPath + " Bearer":  "err_403_forbidden.http",
		}, kind: quota.KindForbidden, calls: 3},
		{name: "malformed user body", auth: plainAuth, route: map[string]string{
			userPath + " token":   "billing_empty.json",
			tokenPath + " Bearer": "err_404_not_found.http",
		}, kind: quota.KindMalformed, calls: 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, map[string]string{authPath: tc.auth}, func(r *http.Request) string {
				scheme, _, _ := strings.Cut(r.Header.Get("Authorization"), " ")
				if f, ok := tc.route[r.URL.Path+" "+scheme]; ok {
					return f
				}
				return "err_401_bad_credentials.http"
			})
			accts, err := e.fetchAll(t)
			if err != nil || len(accts) != 1 {
				t.Fatalf("got %+v, %v", accts, err)
			}
			qe := quota.AsError(accts[0].Err)
			if qe == nil || qe.Kind != tc.kind || !strings.Contains(qe.Detail, tc.detail) {
				t.Fatalf("error %#v, want %s", qe, tc.kind)
			}
			if n := len(e.rec.reqs); n != tc.calls {
				t.Fatalf("%d calls, want %d: %v", n, tc.calls, e.rec.calls())
			}
			noCanary(t, qe)
			if tc.kind == quota.KindRateLimited && !qe.ResetAt.Equal(time.Unix(1795430000, 0)) {
				t.Errorf("reset %v", qe.ResetAt)
			}
		})
	}
}

func TestCascadeHonoursCanceledContext(t *testing.T) {
	e := newEnv(t, map[string]string{authPath: oauthAuth}, func(r *http.Request) string { return "user_paid.json" })
	targets, err := e.p.Discover(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = e.p.Fetch(ctx, targets[0])
	if k := quota.KindOf(err); k != quota.KindCanceled {
		t.Fatalf("got %v (%s), want canceled", err, k)
	}
	if len(e.rec.reqs) != 0 {
		t.Fatalf("requests made: %v", e.rec.calls())
	}
}

func TestBadBaseURL(t *testing.T) {
	e := newEnv(t, map[string]string{authPath: oauthAuth}, func(r *http.Request) string { return "user_paid.json" })
	e.p.d.Settings.Getenv = func(k string) string {
		if k == "MYSTATUS_GITHUB_API_URL" {
			return "api.github.com"
		}
		return ""
	}
	accts, err := e.fetchAll(t)
	if err != nil || quota.KindOf(accts[0].Err) != quota.KindBadConfig {
		t.Fatalf("got %+v, %v", accts, err)
	}
}

func TestConcurrentFetch(t *testing.T) {
	plainAuth := `{"github-copilot":{"type":"oauth","refresh":"` + canaryGitHub + `"}}`
	e := newEnv(t, map[string]string{authPath: plainAuth}, func(r *http.Request) string {
		switch r.URL.Path + " " + r.Header.Get("Authorization") {
		case tokenPath + " Bearer " + canaryGitHub:
			return "token_v2.json"
		case userPath + " Bearer " + canarySession:
			return "user_paid.json"
		}
		return "err_404_not_found.http"
	})
	targets, err := e.p.Discover(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, err := e.p.Fetch(context.Background(), targets[0]); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}

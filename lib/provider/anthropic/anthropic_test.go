package anthropic

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/httpx"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/provider/providertest"
	"github.com/mystatus/mystatus/lib/quota"
)

var now = time.Date(2026, 11, 23, 11, 0, 0, 0, time.UTC)

const canaryAccess = "sk-ant-oat01-CANARY-anthropic-0001"

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func f64(v float64) *float64 { return &v }

// replay writes the recorded response testdata/file.
func replay(t testing.TB, w http.ResponseWriter, file string) {
	providertest.Replay(t, w, filepath.Join("testdata", file))
}

func TestParseUsage(t *testing.T) {
	const week = 7 * 24 * time.Hour
	reset7 := time.Date(2026, 11, 27, 8, 59, 59, 943679000, time.UTC)
	tests := []struct {
		file string
		want quota.Account
	}{
		{file: "usage_models.json", want: quota.Account{
			Name: "Claude",
			Windows: []quota.Window{
				{Kind: quota.KindRate, Period: 5 * time.Hour, UsedPct: 37, ResetAt: time.Date(2026, 11, 23, 14, 59, 59, 943648000, time.UTC)},
				{Kind: quota.KindRate, Period: week, UsedPct: 61, ResetAt: reset7},
				{Kind: quota.KindModel, Period: week, Name: "Oauth Apps", UsedPct: 4, ResetAt: reset7},
				{Kind: quota.KindModel, Period: week, Name: "Sonnet", UsedPct: 22, ResetAt: reset7},
				{Kind: quota.KindModel, Period: week, Name: "Routines", UsedPct: 0},
				{Kind: quota.KindModel, Period: week, Name: "Claude Design", UsedPct: 9.5, ResetAt: time.Date(2026, 11, 27, 8, 59, 59, 0, time.UTC)},
				{Kind: quota.KindExtraUsage, Unit: "credits", Used: f64(1234), Limit: f64(5000), UsedPct: 24.68},
			},
			Credits: &quota.Credits{Currency: "USD"},
		}},
		{file: "usage_basic.json", want: quota.Account{
			Name: "Claude",
			Windows: []quota.Window{
				{Kind: quota.KindRate, Period: 5 * time.Hour, UsedPct: 25, ResetAt: time.Date(2026, 2, 19, 15, 30, 0, 0, time.UTC)},
				{Kind: quota.KindRate, Period: week, UsedPct: 40, ResetAt: time.Date(2026, 2, 25, 9, 0, 0, 0, time.UTC)},
				{Kind: quota.KindModel, Period: week, Name: "Sonnet", UsedPct: 12, ResetAt: time.Date(2026, 2, 25, 9, 0, 0, 0, time.UTC)},
			},
		}},
		{file: "usage_idle.json", want: quota.Account{
			Name: "Claude",
			Windows: []quota.Window{
				{Kind: quota.KindRate, Period: 5 * time.Hour},
				{Kind: quota.KindRate, Period: week, UsedPct: 100, ResetAt: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)},
				{Kind: quota.KindModel, Period: week, Name: "Opus", NoData: true},
				{Kind: quota.KindExtraUsage, Unit: "credits", Used: f64(0), Unlimited: true},
			},
			Credits: &quota.Credits{Currency: "EUR"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			got, err := parseUsage(readTestdata(t, tc.file), "Claude")
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestParseUsageEmail(t *testing.T) {
	got, err := parseUsage([]byte(`{"five_hour":null,"seven_day":null,"account":{"email_address":"dev@example.com"}}`), "Claude")
	if err != nil || got.Name != "dev@example.com" || len(got.Windows) != 0 {
		t.Fatalf("got %+v, %v", got, err)
	}
}

func TestParseUsageMalformed(t *testing.T) {
	for _, body := range []string{``, `{}`, `[]`, `null`, `{"error":"x"}`, `<html>`} {
		if _, err := parseUsage([]byte(body), "Claude"); quota.KindOf(err) != quota.KindMalformed {
			t.Errorf("%q: got %v, want malformed", body, err)
		}
	}
}

func TestTitleCase(t *testing.T) {
	for in, want := range map[string]string{"opus": "Opus", "oauth_apps": "Oauth Apps", "claude-design": "Claude Design", "_x__y_": "X Y", "été": "Été"} {
		if got := titleCase(in); got != want {
			t.Errorf("titleCase(%q) = %q, want %q", in, got, want)
		}
	}
}

type env struct {
	p     *Provider
	reqs  atomic.Int32
	mu    sync.Mutex
	last  *http.Request
	answr string
}

// newEnv builds a provider over a temp home with auth.json content (none
// when empty) and a fake usage endpoint answering with file.
func newEnv(t *testing.T, authJSON, file string) *env {
	t.Helper()
	home := t.TempDir()
	paths := auth.Paths{Home: home, XDGData: filepath.Join(home, "data"), XDGConfig: filepath.Join(home, "config")}
	if authJSON != "" {
		if err := os.MkdirAll(filepath.Join(paths.XDGData, "opencode"), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(paths.OpenCodeAuth(), []byte(authJSON), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	e := &env{answr: file}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.reqs.Add(1)
		e.mu.Lock()
		e.last = r.Clone(context.Background())
		e.mu.Unlock()
		replay(t, w, e.answr)
	}))
	t.Cleanup(srv.Close)
	e.p = New(provider.Deps{
		HTTP: httpx.New(5 * time.Second),
		Auth: auth.NewStore(paths),
		Settings: provider.Settings{Getenv: func(k string) string {
			if k == "MYSTATUS_ANTHROPIC_BASE_URL" {
				return srv.URL + "/"
			}
			return ""
		}},
		Now: func() time.Time { return now },
	})
	return e
}

// run discovers and fetches the single target.
func (e *env) run(t *testing.T) (quota.Account, error) {
	t.Helper()
	targets, err := e.p.Discover(context.Background())
	if err != nil {
		return quota.Account{}, err
	}
	if len(targets) != 1 {
		t.Fatalf("%d targets", len(targets))
	}
	if targets[0].Err != nil {
		return quota.Account{Name: targets[0].Name}, targets[0].Err
	}
	if strings.Contains(targets[0].Key, "CANARY") {
		t.Fatalf("target key leaks the token: %q", targets[0].Key)
	}
	return e.p.Fetch(context.Background(), targets[0])
}

const validAuth = `{"anthropic":{"type":"oauth","access":"` + canaryAccess + `","refresh":"sk-ant-ort01-CANARY-anthropic-refresh","expires":1795438800000}}`

func TestFetch(t *testing.T) {
	e := newEnv(t, validAuth, "usage_models.json")
	acct, err := e.run(t)
	if err != nil {
		t.Fatal(err)
	}
	if acct.Name != "Claude" || len(acct.Windows) != 7 || acct.Credits.Currency != "USD" {
		t.Fatalf("account %+v", acct)
	}
	r := e.last
	if r.Method != http.MethodGet || r.URL.Path != "/api/oauth/usage" {
		t.Errorf("request %s %s", r.Method, r.URL.Path)
	}
	for k, v := range map[string]string{
		"Authorization":  "Bearer " + canaryAccess,
		"Anthropic-Beta": "oauth-2025-04-20",
		"Accept":         "application/json",
		"User-Agent":     "claude-cli/2.1.0 (external, cli)",
	} {
		if got := r.Header.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	info := e.p.Info()
	if !info.Configured || info.ID != quota.Anthropic || len(info.Sources) != 1 {
		t.Fatalf("info %+v", info)
	}
}

func TestAccountNameFromAuth(t *testing.T) {
	e := newEnv(t, `{"anthropic":{"type":"oauth","access":"`+canaryAccess+`","expires":0,"email":"dev@example.com"}}`, "usage_basic.json")
	acct, err := e.run(t)
	if err != nil || acct.Name != "dev@example.com" {
		t.Fatalf("got %+v, %v", acct, err)
	}
}

func TestNoRequestCases(t *testing.T) {
	tests := []struct {
		name, auth string
		kind       quota.Kind
		field      string
	}{
		{"expired token", `{"anthropic":{"type":"oauth","access":"` + canaryAccess + `","refresh":"CANARY-r","expires":1795420000000}}`,
			quota.KindTokenExpired, "anthropic.expires"},
		{"api key", `{"anthropic":{"type":"api","key":"sk-ant-api03-CANARY-0001"}}`, quota.KindNotSubscribed, "anthropic.type"},
		{"no access", `{"anthropic":{"type":"oauth","refresh":"CANARY-r"}}`, quota.KindFieldMissing, "anthropic.access"},
		{"odd type", `{"anthropic":{"type":"wellknown","access":"CANARY-a"}}`, quota.KindFieldMissing, "anthropic.type"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, tc.auth, "usage_models.json")
			acct, err := e.run(t)
			qe := quota.AsError(err)
			if qe == nil || qe.Kind != tc.kind || qe.Field != tc.field || !strings.HasSuffix(qe.Path, "auth.json") || acct.Name != "Claude" {
				t.Fatalf("got %+v, %#v", acct, qe)
			}
			if strings.Contains(qe.Error(), "CANARY") {
				t.Fatalf("error leaks a secret: %v", qe)
			}
			if n := e.reqs.Load(); n != 0 {
				t.Fatalf("%d requests made", n)
			}
		})
	}
}

// TestFetchExpiredSinceDiscover checks a target that expired after
// Discover makes no request either.
func TestFetchExpiredSinceDiscover(t *testing.T) {
	e := newEnv(t, validAuth, "usage_models.json")
	targets, err := e.p.Discover(context.Background())
	if err != nil || targets[0].Err != nil {
		t.Fatal(err, targets)
	}
	e.p.d.Now = func() time.Time { return now.Add(48 * time.Hour) }
	if _, err := e.p.Fetch(context.Background(), targets[0]); quota.KindOf(err) != quota.KindTokenExpired {
		t.Fatalf("got %v", err)
	}
	if n := e.reqs.Load(); n != 0 {
		t.Fatalf("%d requests made", n)
	}
}

func TestNotConfigured(t *testing.T) {
	for name, authJSON := range map[string]string{"no file": "", "no key": `{"openai":{"type":"oauth","access":"x"}}`, "null key": `{"anthropic":null}`} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, authJSON, "usage_models.json")
			if _, err := e.p.Discover(context.Background()); err != quota.ErrNotConfigured {
				t.Fatalf("got %v", err)
			}
			if e.p.Info().Configured {
				t.Fatal("configured")
			}
		})
	}
}

func TestUpstreamErrors(t *testing.T) {
	tests := []struct {
		file   string
		kind   quota.Kind
		retry  time.Duration
		detail string
	}{
		{"err_429.http", quota.KindRateLimited, 30 * time.Second, "Rate limited. Please try again later."},
		{"err_429_long.http", quota.KindRateLimited, time.Hour, "Rate limited"},
		{"err_401_expired.http", quota.KindTokenExpired, 0, "OAuth token has expired"},
		{"err_403_scope.http", quota.KindForbidden, 0, "user:profile"},
		{"usage_bad.json", quota.KindMalformed, 0, "no five_hour or seven_day"},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			e := newEnv(t, validAuth, tc.file)
			_, err := e.run(t)
			qe := quota.AsError(err)
			if qe == nil || qe.Kind != tc.kind || qe.RetryAfter != tc.retry || !strings.Contains(qe.Detail, tc.detail) {
				t.Fatalf("got %#v", qe)
			}
			if strings.Contains(qe.Error(), "CANARY") {
				t.Fatalf("error leaks a secret: %v", qe)
			}
		})
	}
}

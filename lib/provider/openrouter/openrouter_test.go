package openrouter

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mystatus/mystatus/internal/providertest"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/quota"
)

// testKey is fake; every secret contains CANARY so leaks are greppable.
const testKey = "sk-or-v1-CANARY-test-0123456789abcdef"

var defaultAuth = providertest.WithKey("openrouter", testKey)

var platform = providertest.Platform{
	ID: ID, AuthKey: "openrouter", Env: "MYSTATUS_OPENROUTER_BASE_URL", Mount: "/api/",
	New: func(d provider.Deps) quota.Provider { return New(d) },
}

// newProvider writes authFile (if not empty) under a temporary HOME and
// builds the platform with settings from env.
var newProvider = providertest.Builder[*Provider](platform)

// reply is one endpoint's canned answer.
type reply struct {
	status  int
	fixture string
}

// newServer answers /api/v1/key and /api/v1/credits.
func newServer(t testing.TB, key, credits reply) *providertest.Server {
	t.Helper()
	return providertest.NewServer(t, map[string]providertest.Reply{
		"/api/v1/key":     {Status: key.status, File: key.fixture},
		"/api/v1/credits": {Status: credits.status, File: credits.fixture},
	})
}

// env points the platform at s.
var env = platform.EnvFor

func TestFetch(t *testing.T) {
	s := newServer(t, reply{200, "key_docs_monthly.json"}, reply{200, "credits_docs.json"})
	p := newProvider(t, providertest.AuthJSON(t, defaultAuth), env(s))
	tg, a := providertest.FetchOne(t, p, testKey)
	if a.Name != tg.Name || len(a.Windows) != 2 || a.Windows[0].NameID != NameKeyLimitMonthly || a.Windows[1].NameID != NameCredits ||
		a.Windows[1].Money.Balance.Minor != 7475 || len(a.Facts) != 1 || a.Facts[0].ID != FactKeyExpires {
		t.Errorf("account = %s", show(a))
	}
	if got := s.Header("Authorization"); got != "Bearer "+testKey {
		t.Errorf("Authorization = %q", got)
	}
	if n := s.Hits(); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

// /credits alone failing never fails the account: the key's window stays,
// with a note saying why the balance is missing.
func TestCreditsUnavailable(t *testing.T) {
	tests := []struct {
		name string
		rep  reply
		fact string
	}{
		{"403 management key", reply{403, "err_403_management_only.json"}, FactBalanceNeedsManagementKey},
		{"401", reply{401, "err_401_missing_auth.json"}, FactBalanceNeedsManagementKey},
		{"500", reply{500, "err_500_server.json"}, FactBalanceUnavailable},
		{"200 HTML", reply{200, "html.html"}, FactBalanceUnavailable},
		{"200 with 403 body", reply{200, "err_403_management_only.json"}, FactBalanceUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t, reply{200, "key_monthly_codexbar.json"}, tt.rep)
			p := newProvider(t, providertest.AuthJSON(t, defaultAuth), env(s))
			a, err := p.Fetch(context.Background(), providertest.DiscoverOne(t, p))
			if err != nil {
				t.Fatal(err)
			}
			if len(a.Windows) != 1 || a.Windows[0].NameID != NameKeyLimitMonthly || len(a.Facts) != 1 || a.Facts[0].ID != tt.fact {
				t.Errorf("account = %s", show(a))
			}
		})
	}
}

// An account that never bought credits shows its key alone, without a
// note: nothing is missing.
func TestNoCreditsEver(t *testing.T) {
	s := newServer(t, reply{200, "key_free_openusage.json"}, reply{200, "credits_empty.json"})
	p := newProvider(t, providertest.AuthJSON(t, defaultAuth), env(s))
	a, err := p.Fetch(context.Background(), providertest.DiscoverOne(t, p))
	if err != nil || len(a.Windows) != 1 || a.Windows[0].NameID != NameKeySpend || a.Facts != nil {
		t.Fatalf("account %s, error %v", show(a), err)
	}
}

func TestFetchErrors(t *testing.T) {
	providertest.FetchErrors(t, "/api/v1/key", []providertest.ErrorCase{
		providertest.Fails("401 user not found", 401, "err_401_user_not_found.json", quota.KindUnauthorized, ""),
		providertest.Fails("401 missing auth", 401, "err_401_missing_auth.json", quota.KindUnauthorized, ""),
		providertest.Fails("403", 403, "err_403_management_only.json", quota.KindForbidden, ""),
		providertest.Fails("429", 429, "err_429_rate_limit.json", quota.KindRateLimited, ""),
		providertest.Fails("402", 402, "err_500_server.json", quota.KindQuotaExhausted, ""),
		providertest.Fails("500", 500, "err_500_server.json", quota.KindServerError, ""),
		providertest.Fails("502 HTML", 502, "html.html", quota.KindServerError, ""),
		providertest.Fails("200 HTML", 200, "html.html", quota.KindMalformed, ""),
		providertest.Fails("200 with 401 body", 200, "err_401_user_not_found.json", quota.KindUnauthorized, "401"),
		providertest.Fails("404", 404, "html.html", quota.KindNotFound, ""),
	}, func(t *testing.T, c providertest.ErrorCase) (quota.Account, error) {
		s := newServer(t, reply{c.Status, c.File}, reply{200, "credits_docs.json"})
		p := newProvider(t, providertest.AuthJSON(t, defaultAuth), env(s))
		a, err := p.Fetch(context.Background(), providertest.DiscoverOne(t, p))
		// The key failed: the balance is not asked for.
		if n := s.Hits(); n != 1 && c.Status < 429 {
			t.Errorf("%d requests", n)
		}
		return a, err
	})
}

// OpenRouter's message is the detail of a classified error.
func TestErrorDetail(t *testing.T) {
	s := newServer(t, reply{401, "err_401_user_not_found.json"}, reply{200, "credits_docs.json"})
	p := newProvider(t, providertest.AuthJSON(t, defaultAuth), env(s))
	_, err := p.Fetch(context.Background(), providertest.DiscoverOne(t, p))
	if e := quota.AsError(err); e == nil || e.Detail != "User not found." {
		t.Fatalf("error = %#v", e)
	}
}

func TestDefaultBaseURL(t *testing.T) {
	p := newProvider(t, "", nil)
	for path, want := range map[string]string{keyPath: "https://openrouter.ai/api/v1/key", creditsPath: "https://openrouter.ai/api/v1/credits"} {
		got, err := p.d.Endpoint(Setting, DefaultBaseURL, path)
		if err != nil || got != want {
			t.Errorf("url %q, %v; want %q", got, err, want)
		}
	}
}

func TestBaseURLErrors(t *testing.T) {
	platform.BadBaseURLs(t, providertest.AuthJSON(t, defaultAuth), "http://127.0.0.1:1/api/v1/key", "openrouter.ai")
}

// An upstream echoing the key in any kind of answer must not get it, or a
// fragment of it, into the error.
func TestEchoedKey(t *testing.T) {
	const key = "sk-or-v1-Zq8WvLp3Rt6YmJxF7QzKNRY94KXvBq2D"
	platform.EchoedKey(t, key, providertest.Echoes(key, map[string]providertest.Echo{
		"401 envelope": func(string) (int, string) { return 401, `{"error":{"code":401,"message":"bad key ` + key + `"}}` },
		"200 envelope": func(string) (int, string) {
			return 200, `{"error":{"code":401,"message":"key ` + key[9:] + ` unknown"}}`
		},
	}), 6, key[9:])
}

func TestCredentials(t *testing.T) {
	platform.Credentials(t, []providertest.CredentialCase{
		{Name: "no file"},
		{Name: "no key", Auth: `{"openai":{"type":"oauth","access":"x-CANARY"}}`},
		{Name: "key", Auth: `{"openrouter":{"type":"api","key":" sk-or-v1-CANARY-a0123456789 "}}`, Configured: true, Key: "sk-or-v1-CANARY-a0123456789"},
		{Name: "wrong type", Auth: `{"openrouter":{"type":"oauth","access":"x-CANARY"}}`, Configured: true,
			Kind: quota.KindFieldMissing, Field: "openrouter.type"},
		{Name: "empty key", Auth: `{"openrouter":{"type":"api","key":"  "}}`, Configured: true,
			Kind: quota.KindFieldMissing, Field: "openrouter.key"},
		{Name: "file malformed", Auth: `{"openrouter":`, Configured: true, Kind: quota.KindFileMalformed},
	}, func(tg quota.Target) string { return targetKey(tg) })
}

// Without a key nothing is requested: Discover fails before any Fetch.
func TestNoRequestWithoutCredentials(t *testing.T) {
	platform.NoRequestWithoutCredentials(t, newServer(t, reply{200, "key_docs_monthly.json"}, reply{200, "credits_docs.json"}))
}

func TestFetchForeignTarget(t *testing.T) {
	providertest.ForeignTarget(t, newProvider(t, "", nil))
}

// A canceled report fails rather than showing half an account.
func TestCanceledDuringCredits(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/credits" {
			cancel()
			<-r.Context().Done()
			return
		}
		w.Write(providertest.Fixture(t, "key_docs_monthly.json"))
	}))
	defer s.Close()
	p := newProvider(t, providertest.AuthJSON(t, defaultAuth), map[string]string{"MYSTATUS_OPENROUTER_BASE_URL": s.URL})
	tg := providertest.DiscoverOne(t, p)
	done := make(chan error, 1)
	go func() {
		_, err := p.Fetch(ctx, tg)
		done <- err
	}()
	select {
	case err := <-done:
		if k := quota.KindOf(err); k != quota.KindCanceled && k != quota.KindTimeout {
			t.Errorf("error = %v (%s)", err, k)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Fetch did not return")
	}
}

// TestConcurrentFetch runs under -race: one provider serves many reports.
func TestConcurrentFetch(t *testing.T) {
	s := newServer(t, reply{200, "key_docs_monthly.json"}, reply{200, "credits_docs.json"})
	providertest.Concurrently(t, newProvider(t, providertest.AuthJSON(t, defaultAuth), env(s)), 8)
}

func TestDescribe(t *testing.T) {
	d := provider.Describe(New(provider.Deps{}))
	if d.ID != ID || len(d.AuthKeys) != 1 || d.AuthKeys[0] != "openrouter" || len(d.Endpoints) != 1 ||
		d.Endpoints[0].Setting != "openrouter_base_url" || d.Endpoints[0].Default != DefaultBaseURL ||
		strings.Join(d.Endpoints[0].Paths, " ") != "/v1/key /v1/credits" {
		t.Errorf("description = %+v", d)
	}
}

// The demo's handler, settings and auth entry make a working account, and
// its only secret is a canary.
func TestDemo(t *testing.T) {
	platform.Demo(t, providertest.AuthJSON(t, defaultAuth), func(t *testing.T, _ provider.Demo, a quota.Account) {
		if len(a.Windows) != 2 || a.Windows[0].UsedPct != 25.5 || !a.Windows[0].ResetAt.After(now) ||
			len(a.Facts) != 1 || !a.Facts[0].Data["At"].(time.Time).After(now) {
			t.Errorf("account = %s", show(a))
		}
	})
}

// targetKey is the API key Discover put in tg.
func targetKey(tg quota.Target) string {
	k, _ := provider.TargetKey(ID, tg)
	return k
}

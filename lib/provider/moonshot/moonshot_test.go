package moonshot

import (
	"context"
	"strings"
	"testing"

	"github.com/mystatus/mystatus/internal/providertest"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/quota"
)

// now is the fixed clock of every test.
var now = providertest.Now

// Test keys are fake; every secret contains CANARY so leaks are greppable.
const (
	testKey   = "sk-CANARY-moonshot-0123456789abcdef"
	testKeyCN = "sk-CANARY-moonshotcn-fedcba9876543210"
)

// platforms are the two providers with what differs between them.
var platforms = []struct {
	id       quota.PlatformID
	new      func(provider.Deps) *Provider
	authKey  string
	env      string
	key      string
	currency string
	base     string
}{
	{ID, New, "moonshotai", "MYSTATUS_MOONSHOT_BASE_URL", testKey, "USD", "https://api.moonshot.ai"},
	{IDCN, NewCN, "moonshotai-cn", "MYSTATUS_MOONSHOTCN_BASE_URL", testKeyCN, "CNY", "https://api.moonshot.cn"},
}

var defaultAuth = map[string]any{
	"moonshotai":      providertest.APIKey(testKey),
	"moonshotai-cn":   providertest.APIKey(testKeyCN),
	"kimi-for-coding": providertest.APIKey("sk-kimi-CANARY-0123456789"),
}

// global and cn are the two platforms as the shared checks build them.
var global, cn = shared(ID, New, "moonshotai", "MYSTATUS_MOONSHOT_BASE_URL"), shared(IDCN, NewCN, "moonshotai-cn", "MYSTATUS_MOONSHOTCN_BASE_URL")

func shared(id quota.PlatformID, mk func(provider.Deps) *Provider, authKey, env string) providertest.Platform {
	return providertest.Platform{ID: id, AuthKey: authKey, Env: env, New: func(d provider.Deps) quota.Provider { return mk(d) }}
}

// newProvider writes authFile (if not empty) under a temporary HOME and
// builds the platform with settings from env.
func newProvider(t testing.TB, mk func(provider.Deps) *Provider, authFile string, env map[string]string) *Provider {
	t.Helper()
	return mk(providertest.Deps(t, providertest.Home(t, authFile), env, now))
}

// newServer answers the balance path with status and a fixture.
func newServer(t testing.TB, status int, fixture string) *providertest.Server {
	t.Helper()
	return providertest.Serve(t, "/v1/users/me/balance", status, fixture)
}

// Each platform reads its own entry and reports in its own currency.
func TestFetch(t *testing.T) {
	for _, pl := range platforms {
		t.Run(string(pl.id), func(t *testing.T) {
			s := newServer(t, 200, "balance_docs.json")
			p := newProvider(t, pl.new, providertest.AuthJSON(t, defaultAuth), map[string]string{pl.env: s.URL + "/"})
			tg, a := providertest.FetchOne(t, p, pl.key)
			want := quota.Money{Minor: 4959, Decimals: 2, Currency: pl.currency}
			if a.Name != tg.Name || len(a.Windows) != 1 || a.Windows[0].Kind != quota.KindBalance || *a.Windows[0].Money.Balance != want {
				t.Errorf("account = %s", show(a))
			}
			if got := s.Header("Authorization"); got != "Bearer "+pl.key {
				t.Errorf("Authorization = %q", got)
			}
			if got := s.Header("Accept"); got != "application/json" {
				t.Errorf("Accept = %q", got)
			}
		})
	}
}

// An overdrawn account reaches the report with its negative cash.
func TestFetchOverdraft(t *testing.T) {
	s := newServer(t, 200, "balance_overdraft_xlyra.json")
	p := newProvider(t, NewCN, providertest.AuthJSON(t, defaultAuth), map[string]string{"MYSTATUS_MOONSHOTCN_BASE_URL": s.URL})
	a, err := p.Fetch(context.Background(), providertest.DiscoverOne(t, p))
	if err != nil {
		t.Fatal(err)
	}
	m := a.Windows[0].Money
	if m.ToppedUp.Minor != -3115 || m.Balance.Minor != 0 || len(a.Facts) != 1 || a.Facts[0].ID != FactOverdraft {
		t.Errorf("account = %s", show(a))
	}
}

func TestDefaultBaseURL(t *testing.T) {
	for _, pl := range platforms {
		p := newProvider(t, pl.new, "", nil)
		got, err := p.d.Endpoint(p.setting, p.base, balancePath)
		if want := pl.base + "/v1/users/me/balance"; err != nil || got != want {
			t.Errorf("%s: url %q, %v; want %q", pl.id, got, err, want)
		}
	}
}

func TestBaseURLErrors(t *testing.T) {
	for _, pl := range []providertest.Platform{global, cn} {
		pl.BadBaseURLs(t, providertest.AuthJSON(t, defaultAuth), "https://api.moonshot.ai/v1", "http://127.0.0.1:1/v1/users/me/balance", "api.moonshot.cn")
	}
}

func TestFetchErrors(t *testing.T) {
	providertest.FetchErrors(t, "/v1/users/me/balance", []providertest.ErrorCase{
		providertest.Fails("401 invalid authentication", 401, "err_401_invalid_authentication.json", quota.KindUnauthorized, "invalid_authentication_error"),
		providertest.Fails("401 without type", 401, "err_401_no_type_openusage.json", quota.KindUnauthorized, ""),
		providertest.Fails("429 suspended", 429, "err_429_suspended_forum.json", quota.KindQuotaExhausted, "exceeded_current_quota_error"),
		providertest.Fails("429 rate limit", 429, "err_429_rate_limit.json", quota.KindRateLimited, "rate_limit_reached_error"),
		providertest.Fails("429 overloaded", 429, "err_429_overloaded.json", quota.KindCapacity, "engine_overloaded_error"),
		providertest.Fails("500 server", 500, "err_500_server.json", quota.KindServerError, "server_error"),
		providertest.Fails("502 HTML", 502, "html.html", quota.KindServerError, ""),
		providertest.Fails("200 HTML", 200, "html.html", quota.KindMalformed, ""),
		providertest.Fails("200 with 401 body", 200, "err_401_invalid_authentication.json", quota.KindUnauthorized, "invalid_authentication_error"),
		providertest.Fails("200 with failed status", 200, "status_401_codexbar.json", quota.KindUnauthorized, "unauthorized"),
		providertest.Fails("404", 404, "html.html", quota.KindNotFound, ""),
	}, func(t *testing.T, c providertest.ErrorCase) (quota.Account, error) {
		s := newServer(t, c.Status, c.File)
		p := newProvider(t, New, providertest.AuthJSON(t, defaultAuth), map[string]string{"MYSTATUS_MOONSHOT_BASE_URL": s.URL})
		return p.Fetch(context.Background(), providertest.DiscoverOne(t, p))
	})
}

// An upstream echoing the key in any kind of answer must not get it, or a
// fragment of it, into the error.
func TestEchoedKey(t *testing.T) {
	const key = "sk-Zq8WvLp3Rt6YmJxF7QzKNRY94KXvBq2D"
	global.EchoedKey(t, key, providertest.Echoes(key, map[string]providertest.Echo{
		"401 envelope": func(string) (int, string) {
			return 401, `{"error":{"message":"bad key ` + key + `","type":"invalid_authentication_error"}}`
		},
		"200 envelope": func(string) (int, string) {
			return 200, `{"error":{"message":"key ` + key[3:] + ` unknown","type":"x"}}`
		},
	}), 6, key[3:])
}

func TestCredentials(t *testing.T) {
	global.Credentials(t, []providertest.CredentialCase{
		{Name: "no file"},
		{Name: "no file cn", Platform: &cn},
		{Name: "other platform's key", Platform: &cn, Auth: `{"moonshotai":{"type":"api","key":"sk-CANARY-a0123456789"}}`},
		{Name: "kimi code key", Auth: `{"kimi-for-coding":{"type":"api","key":"sk-kimi-CANARY-0123456789"}}`},
		{Name: "key", Auth: `{"moonshotai":{"type":"api","key":" sk-CANARY-a0123456789 "}}`, Configured: true,
			Key: "sk-CANARY-a0123456789"},
		{Name: "key cn", Platform: &cn, Auth: `{"moonshotai-cn":{"type":"api","key":"sk-CANARY-b0123456789"}}`, Configured: true,
			Key: "sk-CANARY-b0123456789"},
		{Name: "wrong type", Auth: `{"moonshotai":{"type":"oauth","access":"x-CANARY"}}`, Configured: true,
			Kind: quota.KindFieldMissing, Field: "moonshotai.type"},
		{Name: "empty key", Platform: &cn, Auth: `{"moonshotai-cn":{"type":"api","key":"  "}}`, Configured: true,
			Kind: quota.KindFieldMissing, Field: "moonshotai-cn.key"},
		{Name: "entry not an object", Auth: `{"moonshotai":"sk-CANARY"}`, Configured: true,
			Kind: quota.KindFieldMissing, Field: "moonshotai"},
		{Name: "file malformed", Auth: `{"moonshotai":`, Configured: true, Kind: quota.KindFileMalformed},
	}, func(tg quota.Target) string { k, _ := provider.TargetKey(ID, tg); return k })
}

// Without a key nothing is requested: Discover fails before any Fetch.
func TestNoRequestWithoutCredentials(t *testing.T) {
	for _, pl := range []providertest.Platform{global, cn} {
		pl.NoRequestWithoutCredentials(t, newServer(t, 200, "balance_docs.json"))
	}
}

func TestFetchForeignTarget(t *testing.T) {
	providertest.ForeignTarget(t, newProvider(t, New, "", nil))
}

// TestConcurrentFetch runs under -race: one provider serves many reports.
func TestConcurrentFetch(t *testing.T) {
	s := newServer(t, 200, "balance_cn_codexbar.json")
	providertest.Concurrently(t, newProvider(t, NewCN, providertest.AuthJSON(t, defaultAuth), map[string]string{"MYSTATUS_MOONSHOTCN_BASE_URL": s.URL}), 8)
	if n := s.Hits(); n != 8 {
		t.Errorf("%d requests, want 8", n)
	}
}

// A non-2xx body nested past the depth limit is classified by its status,
// never handed to the recursive JSON parser.
func TestDeepErrorBody(t *testing.T) {
	global.DeepErrorBody(t, providertest.AuthJSON(t, defaultAuth), `{"error":{"type":"invalid_authentication_error"},"x":`)
}

func TestDescribe(t *testing.T) {
	for _, pl := range platforms {
		d := provider.Describe(pl.new(provider.Deps{}))
		setting := strings.ToLower(strings.TrimPrefix(pl.env, "MYSTATUS_"))
		if d.ID != pl.id || len(d.AuthKeys) != 1 || d.AuthKeys[0] != pl.authKey || len(d.Endpoints) != 1 ||
			d.Endpoints[0].Setting != setting || d.Endpoints[0].Default != pl.base ||
			len(d.Endpoints[0].Paths) != 1 || d.Endpoints[0].Paths[0] != "/v1/users/me/balance" || len(d.Aliases) == 0 {
			t.Errorf("description = %+v", d)
		}
	}
}

// The demo's handler, settings and auth entry make a working account, and
// its only secret is a canary; the mainland demo is overdrawn.
func TestDemo(t *testing.T) {
	for _, pl := range platforms {
		t.Run(string(pl.id), func(t *testing.T) {
			shared(pl.id, pl.new, pl.authKey, pl.env).Demo(t, providertest.AuthJSON(t, defaultAuth), func(t *testing.T, dm provider.Demo, a quota.Account) {
				if len(dm.Settings) != 1 || len(dm.AuthEntries) != 1 {
					t.Errorf("settings %v, entries %v", dm.Settings, dm.AuthEntries)
				}
				m := a.Windows[0].Money
				if m.Balance.Currency != pl.currency || (pl.id == IDCN) != (m.ToppedUp.Minor < 0) || (pl.id == IDCN) != (len(a.Facts) == 1) {
					t.Errorf("account = %s", show(a))
				}
			})
		})
	}
}

package deepseek

import (
	"context"
	"testing"

	"github.com/mystatus/mystatus/internal/providertest"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/quota"
)

// testKey is fake; every secret contains CANARY so leaks are greppable.
const testKey = "sk-CANARY-deepseek-0123456789abcdef"

var defaultAuth = providertest.WithKey("deepseek", testKey)

var platform = providertest.Platform{
	ID: ID, AuthKey: "deepseek", Env: "MYSTATUS_DEEPSEEK_BASE_URL", Path: "/user/balance", Mount: "/",
	New: func(d provider.Deps) quota.Provider { return New(d) },
}

// newProvider writes authFile (if not empty) under a temporary HOME and
// builds the platform with settings from env.
var newProvider = providertest.Builder[*Provider](platform)

// newServer answers the balance path with status and a fixture; env points the
// platform at it.
var newServer, env = platform.Serve, platform.EnvFor

func TestFetch(t *testing.T) {
	s := newServer(t, 200, "balance_cny_docs.json")
	p := newProvider(t, providertest.AuthJSON(t, defaultAuth), env(s))
	tg, a := providertest.FetchOne(t, p, testKey)
	if a.Name != tg.Name || len(a.Windows) != 1 || a.Windows[0].Kind != quota.KindBalance ||
		*a.Windows[0].Money.Balance != (quota.Money{Minor: 11000, Decimals: 2, Currency: "CNY"}) {
		t.Errorf("account = %s", show(a))
	}
	if got := s.Header("Authorization"); got != "Bearer "+testKey {
		t.Errorf("Authorization = %q", got)
	}
	if got := s.Header("Accept"); got != "application/json" {
		t.Errorf("Accept = %q", got)
	}
}

func TestDefaultBaseURL(t *testing.T) {
	p := newProvider(t, "", nil)
	got, err := p.d.Endpoint(Setting, DefaultBaseURL, balancePath)
	if want := "https://api.deepseek.com/user/balance"; err != nil || got != want {
		t.Errorf("url %q, %v; want %q", got, err, want)
	}
}

func TestBaseURLErrors(t *testing.T) {
	platform.BadBaseURLs(t, providertest.AuthJSON(t, defaultAuth),
		"http://127.0.0.1:1/user/balance", "http://127.0.0.1:1/v1/v1", "api.deepseek.com")
}

func TestFetchErrors(t *testing.T) {
	const invalid = "Authentication Fails, Your api key: [redacted] is invalid"
	providertest.FetchErrors(t, "/user/balance", []providertest.ErrorCase{
		providertest.Fails("401 invalid key", 401, "err_401_invalid_key.json", quota.KindUnauthorized, "authentication_error").WithDetail(invalid),
		providertest.Fails("401 no such user", 401, "err_401_no_such_user.json", quota.KindUnauthorized, "authentication_error").
			WithDetail("Authentication Fails (no such user)"),
		providertest.Fails("402 insufficient balance", 402, "err_402_insufficient_balance.json", quota.KindQuotaExhausted, "unknown_error").
			WithDetail("Insufficient Balance"),
		providertest.Fails("429 rate limit", 429, "err_429_rate_limit.json", quota.KindRateLimited, "rate_limit_error").WithDetail("Rate Limit Reached"),
		providertest.Fails("500 server", 500, "err_500_server.json", quota.KindServerError, "server_error").WithDetail("Server Error"),
		providertest.Fails("502 HTML", 502, "html.html", quota.KindServerError, ""),
		providertest.Fails("200 HTML", 200, "html.html", quota.KindMalformed, ""),
		providertest.Fails("200 with 401 body", 200, "err_401_invalid_key.json", quota.KindUnauthorized, "authentication_error").WithDetail(invalid),
		providertest.Fails("404", 404, "html.html", quota.KindNotFound, ""),
	}, func(t *testing.T, c providertest.ErrorCase) (quota.Account, error) {
		p := newProvider(t, providertest.AuthJSON(t, defaultAuth), env(newServer(t, c.Status, c.File)))
		return p.Fetch(context.Background(), providertest.DiscoverOne(t, p))
	})
}

// An upstream echoing the key in any kind of answer must not get it, or a
// fragment of it, into the error.
func TestEchoedKey(t *testing.T) {
	const key = "sk-Zq8WvLp3Rt6YmJxF7QzKNRY94KXvBq2D"
	platform.EchoedKey(t, key, providertest.Echoes(key, map[string]providertest.Echo{
		"401 envelope": func(string) (int, string) {
			return 401, `{"error":{"message":"Authentication Fails, Your api key: ` + key + ` is invalid","type":"authentication_error"}}`
		},
		"200 envelope": func(string) (int, string) {
			return 200, `{"error":{"message":"key ` + key[3:] + ` unknown","type":"x"}}`
		},
	}), 6, key[3:])
}

func TestCredentials(t *testing.T) {
	platform.Credentials(t, []providertest.CredentialCase{
		{Name: "no file"},
		{Name: "no key", Auth: `{"moonshotai":{"type":"api","key":"sk-CANARY-moonshot-0123456789"}}`},
		{Name: "key", Auth: `{"deepseek":{"type":"api","key":" sk-CANARY-a0123456789 "}}`, Configured: true, Key: "sk-CANARY-a0123456789"},
		{Name: "wrong type", Auth: `{"deepseek":{"type":"oauth","access":"x-CANARY"}}`, Configured: true,
			Kind: quota.KindFieldMissing, Field: "deepseek.type"},
		{Name: "empty key", Auth: `{"deepseek":{"type":"api","key":"  "}}`, Configured: true,
			Kind: quota.KindFieldMissing, Field: "deepseek.key"},
		{Name: "entry not an object", Auth: `{"deepseek":"sk-CANARY"}`, Configured: true,
			Kind: quota.KindFieldMissing, Field: "deepseek"},
		{Name: "file malformed", Auth: `{"deepseek":`, Configured: true, Kind: quota.KindFileMalformed},
	}, func(tg quota.Target) string { k, _ := provider.TargetKey(ID, tg); return k })
}

// Without a key nothing is requested: Discover fails before any Fetch.
func TestNoRequestWithoutCredentials(t *testing.T) {
	platform.NoRequestWithoutCredentials(t, newServer(t, 200, "balance_cny_docs.json"))
}

func TestFetchForeignTarget(t *testing.T) {
	providertest.ForeignTarget(t, newProvider(t, "", nil))
}

// TestConcurrentFetch runs under -race: one provider serves many reports.
func TestConcurrentFetch(t *testing.T) {
	s := newServer(t, 200, "balance_cny_xlyra.json")
	providertest.Concurrently(t, newProvider(t, providertest.AuthJSON(t, defaultAuth), env(s)), 8)
	if n := s.Hits(); n != 8 {
		t.Errorf("%d requests, want 8", n)
	}
}

// A non-2xx body nested past the depth limit is classified by its status,
// never handed to the recursive JSON parser.
func TestDeepErrorBody(t *testing.T) {
	platform.DeepErrorBody(t, providertest.AuthJSON(t, defaultAuth), `{"error":{"type":"authentication_error"},"x":`)
}

func TestDescribe(t *testing.T) {
	d := provider.Describe(New(provider.Deps{}))
	if d.ID != ID || len(d.AuthKeys) != 1 || d.AuthKeys[0] != "deepseek" || len(d.Endpoints) != 1 ||
		d.Endpoints[0].Setting != "deepseek_base_url" || d.Endpoints[0].Default != DefaultBaseURL ||
		len(d.Endpoints[0].Paths) != 1 || d.Endpoints[0].Paths[0] != "/user/balance" {
		t.Errorf("description = %+v", d)
	}
}

// The demo's handler, settings and auth entry make a working account, and
// its only secret is a canary.
func TestDemo(t *testing.T) {
	platform.Demo(t, providertest.AuthJSON(t, defaultAuth), func(t *testing.T, _ provider.Demo, a quota.Account) {
		if len(a.Windows) != 1 || a.Windows[0].Money == nil || a.Windows[0].Money.Balance.Minor != 5744 ||
			a.Windows[0].Money.Granted.Minor != 1000 || a.Windows[0].Disabled != "" {
			t.Errorf("account = %s", show(a))
		}
	})
}

package kimi

import (
	"context"
	"testing"

	"github.com/mystatus/mystatus/internal/providertest"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/quota"
)

// now is the fixed clock of every test.
var now = providertest.Now

// testKey is fake; every secret contains CANARY so leaks are greppable.
const testKey = "sk-kimi-CANARY-test-0123456789abcdef"

var defaultAuth = providertest.WithKey("kimi-for-coding", testKey)

var platform = providertest.Platform{
	ID: ID, AuthKey: "kimi-for-coding", Env: "MYSTATUS_KIMI_BASE_URL", Path: "/coding/v1/usages", Mount: "/coding/",
	New: func(d provider.Deps) quota.Provider { return New(d) },
}

// newProvider writes authFile (if not empty) under a temporary HOME and
// builds the platform with settings from env.
var newProvider = providertest.Builder[*Provider](platform)

// newServer answers the usages path with status and a fixture; env points the
// platform at it.
var newServer, env = platform.Serve, platform.EnvFor

func TestFetch(t *testing.T) {
	s := newServer(t, 200, "usages_trial_jiegec.json")
	p := newProvider(t, providertest.AuthJSON(t, defaultAuth), env(s))
	tg, a := providertest.FetchOne(t, p, testKey)
	if a.Name != tg.Name || a.Plan != "Trial" || len(a.Windows) != 2 || a.Windows[0].Period != h5 || a.Windows[1].Period != week {
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
	got, err := p.d.Endpoint(Setting, DefaultBaseURL, usagesPath)
	if want := "https://api.kimi.com/coding/v1/usages"; err != nil || got != want {
		t.Errorf("url %q, %v; want %q", got, err, want)
	}
}

func TestBaseURLErrors(t *testing.T) {
	platform.BadBaseURLs(t, providertest.AuthJSON(t, defaultAuth),
		"http://127.0.0.1:1/coding/v1/v1", "http://127.0.0.1:1/coding/v1/usages", "api.kimi.com")
}

func TestFetchErrors(t *testing.T) {
	providertest.FetchErrors(t, "/coding/v1/usages", []providertest.ErrorCase{
		providertest.Fails("401 invalid key", 401, "err_401_invalid_key.json", quota.KindUnauthorized, "invalid_authentication_error"),
		providertest.Fails("401 anthropic wire", 401, "err_401_anthropic_wire.json", quota.KindUnauthorized, "authentication_error"),
		providertest.Fails("403 access terminated", 403, "err_403_access_terminated.json", quota.KindForbidden, "access_terminated_error"),
		providertest.Fails("403 billing cycle", 403, "err_403_billing_cycle.json", quota.KindQuotaExhausted, "exceeded_current_quota_error"),
		providertest.Fails("429 rate limit", 429, "err_429_rate_limit.json", quota.KindRateLimited, "rate_limit_reached_error"),
		providertest.Fails("429 overloaded", 429, "err_429_overloaded.json", quota.KindCapacity, "engine_overloaded_error"),
		providertest.Fails("500 server", 500, "err_500_server.json", quota.KindServerError, "server_error"),
		providertest.Fails("502 HTML", 502, "html.html", quota.KindServerError, ""),
		providertest.Fails("200 HTML", 200, "html.html", quota.KindMalformed, ""),
		providertest.Fails("200 with 401 body", 200, "err_401_invalid_key.json", quota.KindUnauthorized, "invalid_authentication_error"),
		providertest.Fails("404", 404, "html.html", quota.KindNotFound, ""),
	}, func(t *testing.T, c providertest.ErrorCase) (quota.Account, error) {
		p := newProvider(t, providertest.AuthJSON(t, defaultAuth), env(newServer(t, c.Status, c.File)))
		return p.Fetch(context.Background(), providertest.DiscoverOne(t, p))
	})
}

// An upstream echoing the key in any kind of answer must not get it, or a
// fragment of it, into the error.
func TestEchoedKey(t *testing.T) {
	const key = "sk-kimi-Zq8WvLp3Rt6YmJxF7QzKNRY94KXvBq2D"
	platform.EchoedKey(t, key, providertest.Echoes(key, map[string]providertest.Echo{
		"401 envelope": func(string) (int, string) {
			return 401, `{"error":{"message":"bad key ` + key + `","type":"invalid_authentication_error"}}`
		},
		"200 envelope": func(string) (int, string) {
			return 200, `{"error":{"message":"key ` + key[8:] + ` unknown","type":"x"}}`
		},
	}), 6, key[8:])
}

func TestCredentials(t *testing.T) {
	platform.Credentials(t, []providertest.CredentialCase{
		{Name: "no file"},
		{Name: "no key", Auth: `{"moonshotai":{"type":"api","key":"sk-CANARY-moonshot-0123456789"}}`},
		{Name: "primary", Auth: `{"kimi-for-coding":{"type":"api","key":" sk-kimi-CANARY-a0123456789 "},"kimi":{"type":"api","key":"sk-kimi-CANARY-b0123456789"}}`,
			Configured: true, Key: "sk-kimi-CANARY-a0123456789"},
		{Name: "kimi-code", Auth: `{"kimi-code":{"type":"api","key":"sk-kimi-CANARY-c0123456789"}}`,
			Configured: true, Key: "sk-kimi-CANARY-c0123456789", Source: `"kimi-code"`},
		{Name: "broken then usable", Auth: `{"kimi-for-coding":{"type":"oauth","access":"x-CANARY"},"kimi":{"type":"api","key":"sk-kimi-CANARY-d0123456789"}}`,
			Configured: true, Key: "sk-kimi-CANARY-d0123456789", Source: `"kimi"`},
		{Name: "wrong type", Auth: `{"kimi-for-coding":{"type":"oauth","access":"x-CANARY"}}`, Configured: true,
			Kind: quota.KindFieldMissing, Field: "kimi-for-coding.type"},
		{Name: "empty key", Auth: `{"kimi":{"type":"api","key":"  "}}`, Configured: true,
			Kind: quota.KindFieldMissing, Field: "kimi.key", Source: `"kimi"`},
		{Name: "entry not an object", Auth: `{"kimi-code":"sk-kimi-CANARY"}`, Configured: true,
			Kind: quota.KindFieldMissing, Field: "kimi-code", Source: `"kimi-code"`},
		{Name: "file malformed", Auth: `{"kimi-for-coding":`, Configured: true, Kind: quota.KindFileMalformed},
	}, func(tg quota.Target) string { k, _ := provider.TargetKey(ID, tg); return k })
}

// Without a key nothing is requested: Discover fails before any Fetch.
func TestNoRequestWithoutCredentials(t *testing.T) {
	platform.NoRequestWithoutCredentials(t, newServer(t, 200, "usages_trial_jiegec.json"))
}

func TestFetchForeignTarget(t *testing.T) {
	providertest.ForeignTarget(t, newProvider(t, "", nil))
}

// TestConcurrentFetch runs under -race: one provider serves many reports.
func TestConcurrentFetch(t *testing.T) {
	s := newServer(t, 200, "usages_trial_jiegec.json")
	providertest.Concurrently(t, newProvider(t, providertest.AuthJSON(t, defaultAuth), env(s)), 8)
	if n := s.Hits(); n != 8 {
		t.Errorf("%d requests, want 8", n)
	}
}

// A non-2xx body nested past the depth limit is classified by its status,
// never handed to the recursive JSON parser.
func TestDeepErrorBody(t *testing.T) {
	platform.DeepErrorBody(t, providertest.AuthJSON(t, defaultAuth), `{"error":{"type":"invalid_authentication_error"},"x":`)
}

func TestDescribe(t *testing.T) {
	d := provider.Describe(New(provider.Deps{}))
	if d.ID != ID || len(d.AuthKeys) != 3 || d.AuthKeys[0] != "kimi-for-coding" || len(d.Endpoints) != 1 ||
		d.Endpoints[0].Setting != "kimi_base_url" || d.Endpoints[0].Default != DefaultBaseURL || d.Endpoints[0].Paths[0] != "/v1/usages" {
		t.Errorf("description = %+v", d)
	}
}

// The demo's handler, settings and auth entry make a working account, and
// its only secret is a canary.
func TestDemo(t *testing.T) {
	platform.Demo(t, providertest.AuthJSON(t, defaultAuth), func(t *testing.T, _ provider.Demo, a quota.Account) {
		if len(a.Windows) != 2 || a.Windows[0].UsedPct != 65 || !a.Windows[0].ResetAt.After(now) || !a.Windows[1].ResetAt.After(now) {
			t.Errorf("account = %s", show(a))
		}
	})
}

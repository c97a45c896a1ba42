package opencodego

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
const testKey = "sk-CANARY-go-test-0123456789abcdef"

var defaultAuth = providertest.WithKey("opencode-go", testKey)

var platform = providertest.Platform{
	ID: ID, AuthKey: "opencode-go", Env: "MYSTATUS_OPENCODEGO_BASE_URL", Path: "/zen/go/v1/usage", Mount: "/zen/go/",
	New: func(d provider.Deps) quota.Provider { return New(d) },
}

// newProvider writes authFile (if not empty) under a temporary HOME and
// builds the platform with settings from env.
var newProvider = providertest.Builder[*Provider](platform)

// newServer answers the usage path with status and a fixture; env points the
// platform at it.
var newServer, env = platform.Serve, platform.EnvFor

func TestFetch(t *testing.T) {
	s := newServer(t, 200, "usage_ccswitch.json")
	p := newProvider(t, providertest.AuthJSON(t, defaultAuth), env(s))
	tg, a := providertest.FetchOne(t, p, testKey)
	if a.Name != tg.Name || len(a.Windows) != 3 || a.Windows[0].Period != h5 || a.Windows[2].Period != month {
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
	got, err := p.d.Endpoint(Setting, DefaultBaseURL, usagePath)
	if want := "https://opencode.ai/zen/go/v1/usage"; err != nil || got != want {
		t.Errorf("url %q, %v; want %q", got, err, want)
	}
}

func TestBaseURLErrors(t *testing.T) {
	platform.BadBaseURLs(t, providertest.AuthJSON(t, defaultAuth),
		"http://127.0.0.1:1/zen/go/v1/v1", "http://127.0.0.1:1/zen/go/v1/usage", "opencode.ai")
}

func TestFetchErrors(t *testing.T) {
	providertest.FetchErrors(t, "/zen/go/v1/usage", []providertest.ErrorCase{
		providertest.Fails("401 auth", 401, "err_401_auth.json", quota.KindUnauthorized, "AuthError"),
		providertest.Fails("401 auth flat", 401, "err_401_auth_flat.json", quota.KindUnauthorized, "AuthError"),
		providertest.Fails("403 entitlement", 403, "err_403_entitlement.json", quota.KindNotSubscribed, "EntitlementError"),
		providertest.Fails("429 rate limit", 429, "err_429_rate_limit.json", quota.KindRateLimited, "RateLimitError"),
		providertest.Fails("502 HTML", 502, "html.html", quota.KindServerError, ""),
		providertest.Fails("200 HTML", 200, "html.html", quota.KindMalformed, ""),
		providertest.Fails("200 with 403 body", 200, "err_403_entitlement.json", quota.KindNotSubscribed, "EntitlementError"),
		providertest.Fails("404", 404, "html.html", quota.KindNotFound, ""),
	}, func(t *testing.T, c providertest.ErrorCase) (quota.Account, error) {
		p := newProvider(t, providertest.AuthJSON(t, defaultAuth), env(newServer(t, c.Status, c.File)))
		return p.Fetch(context.Background(), providertest.DiscoverOne(t, p))
	})
}

// An upstream echoing the key in any kind of answer must not get it, or a
// fragment of it, into the error.
func TestEchoedKey(t *testing.T) {
	const key = "sk-Zq8WvLp3Rt6YmJxF7QzKNRY94KXvBq2DmW4nT"
	platform.EchoedKey(t, key, providertest.Echoes(key, map[string]providertest.Echo{
		"401 envelope": func(string) (int, string) {
			return 401, `{"type":"error","error":{"type":"AuthError","message":"bad key ` + key + `"}}`
		},
		"200 envelope": func(string) (int, string) {
			return 200, `{"type":"XError","message":"key ` + key[3:] + ` unknown"}`
		},
	}), 6, key[3:])
}

func TestCredentials(t *testing.T) {
	platform.Credentials(t, []providertest.CredentialCase{
		{Name: "no file"},
		{Name: "no key", Auth: `{"anthropic":{"type":"oauth","access":"x-CANARY"}}`},
		{Name: "primary", Auth: `{"opencode-go":{"type":"api","key":" sk-CANARY-go-a0123456789 "},"opencode":{"type":"api","key":"sk-CANARY-zen-b0123456789"}}`,
			Configured: true, Key: "sk-CANARY-go-a0123456789"},
		{Name: "legacy", Auth: `{"opencode":{"type":"api","key":"sk-CANARY-legacy-c0123456789"}}`,
			Configured: true, Key: "sk-CANARY-legacy-c0123456789", Source: `"opencode"`},
		{Name: "console sign-in is not ours", Auth: `{"opencode":{"type":"oauth","access":"x-CANARY","refresh":"r-CANARY","expires":1}}`},
		{Name: "legacy empty key ignored", Auth: `{"opencode":{"type":"api","key":" "}}`},
		{Name: "broken then legacy", Auth: `{"opencode-go":{"type":"oauth","access":"x-CANARY"},"opencode":{"type":"api","key":"sk-CANARY-legacy-d0123456789"}}`,
			Configured: true, Key: "sk-CANARY-legacy-d0123456789", Source: `"opencode"`},
		{Name: "wrong type", Auth: `{"opencode-go":{"type":"oauth","access":"x-CANARY"}}`, Configured: true,
			Kind: quota.KindFieldMissing, Field: "opencode-go.type"},
		{Name: "empty key", Auth: `{"opencode-go":{"type":"api","key":"  "}}`, Configured: true,
			Kind: quota.KindFieldMissing, Field: "opencode-go.key"},
		{Name: "entry not an object", Auth: `{"opencode-go":"sk-CANARY"}`, Configured: true,
			Kind: quota.KindFieldMissing, Field: "opencode-go"},
		{Name: "file malformed", Auth: `{"opencode-go":`, Configured: true, Kind: quota.KindFileMalformed},
	}, func(tg quota.Target) string { k, _ := provider.TargetKey(ID, tg); return k })
}

// Without a key nothing is requested: Discover fails before any Fetch.
func TestNoRequestWithoutCredentials(t *testing.T) {
	platform.NoRequestWithoutCredentials(t, newServer(t, 200, "usage_ccswitch.json"))
}

func TestFetchForeignTarget(t *testing.T) {
	providertest.ForeignTarget(t, newProvider(t, "", nil))
}

// TestConcurrentFetch runs under -race: one provider serves many reports.
func TestConcurrentFetch(t *testing.T) {
	s := newServer(t, 200, "usage_ccswitch.json")
	providertest.Concurrently(t, newProvider(t, providertest.AuthJSON(t, defaultAuth), env(s)), 8)
	if n := s.Hits(); n != 8 {
		t.Errorf("%d requests, want 8", n)
	}
}

// A non-2xx body nested past the depth limit is classified by its status,
// never handed to the recursive JSON parser.
func TestDeepErrorBody(t *testing.T) {
	platform.DeepErrorBody(t, providertest.AuthJSON(t, defaultAuth), `{"type":"error","error":{"type":"AuthError"},"x":`)
}

func TestDescribe(t *testing.T) {
	d := provider.Describe(New(provider.Deps{}))
	if d.ID != ID || len(d.AuthKeys) != 2 || d.AuthKeys[0] != "opencode-go" || d.AuthKeys[1] != "opencode" || len(d.Endpoints) != 1 ||
		d.Endpoints[0].Setting != "opencodego_base_url" || d.Endpoints[0].Default != DefaultBaseURL || d.Endpoints[0].Paths[0] != "/v1/usage" {
		t.Errorf("description = %+v", d)
	}
}

// The demo's handler, settings and auth entry make a working account, and
// its only secret is a canary.
func TestDemo(t *testing.T) {
	platform.Demo(t, providertest.AuthJSON(t, defaultAuth), func(t *testing.T, _ provider.Demo, a quota.Account) {
		if len(a.Windows) != 3 || a.Windows[0].UsedPct != 15 || !a.Windows[0].ResetAt.After(now) || !a.Windows[2].ResetAt.After(now) {
			t.Errorf("account = %s", show(a))
		}
	})
}

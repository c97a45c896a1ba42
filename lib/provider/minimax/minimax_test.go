package minimax

import (
	"context"
	"strings"
	"testing"

	"github.com/mystatus/mystatus/internal/providertest"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/quota"
)

// testKey is fake; every secret contains CANARY so leaks are greppable.
const testKey = "sk-cp-CANARY-test-0123456789abcdef"

var defaultAuth = map[string]any{
	"minimax-coding-plan":    providertest.APIKey(testKey),
	"minimax-cn-coding-plan": providertest.APIKey(testKey),
	"openai":                 map[string]any{"type": "oauth", "access": "at-CANARY"},
}

type ctor func(provider.Deps) *Provider

var platforms = map[string]ctor{"global": NewGlobal, "china": NewChina}

// shared is the platform mk builds, as the shared checks build it.
func shared(mk ctor) providertest.Platform {
	p := mk(provider.Deps{})
	return providertest.Platform{ID: p.id, AuthKey: p.keys[0], Env: "MYSTATUS_" + strings.ToUpper(p.setting),
		New: func(d provider.Deps) quota.Provider { return mk(d) }}
}

var global, china = shared(NewGlobal), shared(NewChina)

// newProvider writes authFile (if not empty) under a temporary HOME and
// builds the platform with settings from env.
func newProvider(t testing.TB, mk ctor, authFile string, env map[string]string) *Provider {
	t.Helper()
	return mk(providertest.Deps(t, providertest.Home(t, authFile), env, now))
}

// reply is one endpoint's canned answer; a zero status is a 404.
type reply struct {
	status  int
	fixture string
}

// newServer answers both remains paths, recording the paths asked.
func newServer(t testing.TB, coding, tokenPlan reply) *providertest.Server {
	t.Helper()
	return providertest.NewServer(t, map[string]providertest.Reply{
		remainsPath:   {Status: coding.status, File: coding.fixture},
		tokenPlanPath: {Status: tokenPlan.status, File: tokenPlan.fixture},
	})
}

// withEnv builds the platform pointed at s.
func withEnv(t *testing.T, mk ctor, authFile string, s *providertest.Server) *Provider {
	t.Helper()
	return newProvider(t, mk, authFile, map[string]string{shared(mk).Env: s.URL})
}

func TestFetch(t *testing.T) {
	for name, mk := range platforms {
		t.Run(name, func(t *testing.T) {
			s := newServer(t, reply{200, "remains_music_cover_mmx.json"}, reply{})
			p := withEnv(t, mk, providertest.AuthJSON(t, defaultAuth), s)
			tg, a := providertest.FetchOne(t, p, testKey)
			if a.Name != tg.Name || len(a.Windows) != 2 || *a.Windows[0].Used != 7 || a.Windows[1].Period != week {
				t.Errorf("account = %s", show(a))
			}
			if got := s.Header("Authorization"); got != "Bearer "+testKey {
				t.Errorf("Authorization = %q", got)
			}
			if got := s.Paths(); strings.Join(got, " ") != remainsPath {
				t.Errorf("paths %v", got)
			}
		})
	}
}

// When the coding plan path wants a console session (the mainland host)
// or is gone, the Token Plan path is asked, its counts read as used.
func TestFallbackToTokenPlan(t *testing.T) {
	tests := []struct {
		name          string
		coding, token reply
		kind          quota.Kind // empty: success
		paths         string
	}{
		{"cookie missing", reply{200, "err_1004_cookie_missing.json"}, reply{200, "token_plan_missing_reset_codexbar.json"}, "",
			remainsPath + " " + tokenPlanPath},
		{"404", reply{}, reply{200, "token_plan_normal_codexbar.json"}, "", remainsPath + " " + tokenPlanPath},
		// The second answer speaks about the key: it is the one reported.
		{"cookie then invalid key", reply{200, "err_1004_cookie_missing.json"}, reply{200, "err_2049_invalid_api_key.json"},
			quota.KindUnauthorized, remainsPath + " " + tokenPlanPath},
		// A rejected key is final.
		{"invalid key", reply{200, "err_1004_invalid_api_key.json"}, reply{200, "token_plan_normal_codexbar.json"},
			quota.KindUnauthorized, remainsPath},
		{"both gone", reply{}, reply{}, quota.KindNotFound, remainsPath + " " + tokenPlanPath},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t, tt.coding, tt.token)
			p := withEnv(t, NewChina, providertest.AuthJSON(t, defaultAuth), s)
			a, err := p.Fetch(context.Background(), providertest.DiscoverOne(t, p))
			if k := quota.KindOf(err); (tt.kind == "" && err != nil) || (tt.kind != "" && k != tt.kind) {
				t.Fatalf("error = %v (%s), want %q", err, k, tt.kind)
			}
			if tt.kind == "" && (len(a.Windows) != 2 || a.Plan != "Token Plan Plus") {
				t.Errorf("account = %s", show(a))
			}
			if got := strings.Join(s.Paths(), " "); got != tt.paths {
				t.Errorf("paths %q, want %q", got, tt.paths)
			}
		})
	}
}

func TestFetchErrors(t *testing.T) {
	providertest.FetchErrors(t, remainsPath, []providertest.ErrorCase{
		providertest.Fails("200 invalid api key", 200, "err_2049_invalid_api_key.json", quota.KindUnauthorized, "2049"),
		providertest.Fails("200 1004 with empty list", 200, "err_1004_invalid_api_key.json", quota.KindUnauthorized, "1004"),
		providertest.Fails("200 insufficient balance", 200, "err_1008_insufficient_balance.json", quota.KindNotSubscribed, "1008"),
		providertest.Fails("200 rate limit", 200, "err_1002_rate_limit.json", quota.KindRateLimited, "1002"),
		providertest.Fails("200 unknown error", 200, "err_1000_unknown.json", quota.KindServerError, "1000"),
		providertest.Fails("200 no models", 200, "remains_empty.json", quota.KindNotSubscribed, ""),
		providertest.Fails("200 HTML", 200, "html.html", quota.KindMalformed, ""),
		providertest.Fails("401 with base_resp", 401, "err_2049_invalid_api_key.json", quota.KindUnauthorized, "2049"),
		providertest.Fails("429 with base_resp", 429, "err_1002_rate_limit.json", quota.KindRateLimited, "1002"),
		providertest.Fails("403 HTML", 403, "html.html", quota.KindForbidden, ""),
		providertest.Fails("500 with base_resp", 500, "err_1000_unknown.json", quota.KindServerError, "1000"),
		providertest.Fails("502 HTML", 502, "html.html", quota.KindServerError, ""),
	}, func(t *testing.T, c providertest.ErrorCase) (quota.Account, error) {
		s := newServer(t, reply{c.Status, c.File}, reply{200, "token_plan_normal_codexbar.json"})
		p := withEnv(t, NewGlobal, providertest.AuthJSON(t, defaultAuth), s)
		return p.Fetch(context.Background(), providertest.DiscoverOne(t, p))
	})
}

func TestDefaultBaseURL(t *testing.T) {
	for _, tt := range []struct {
		mk   ctor
		want string
	}{
		{NewGlobal, "https://api.minimax.io/v1/api/openplatform/coding_plan/remains"},
		{NewChina, "https://api.minimaxi.com/v1/api/openplatform/coding_plan/remains"},
	} {
		p, want := newProvider(t, tt.mk, "", nil), tt.want
		got, err := p.d.Endpoint(p.setting, p.base, remainsPath)
		if err != nil || got != want {
			t.Errorf("url %q, %v; want %q", got, err, want)
		}
	}
}

func TestBaseURLErrors(t *testing.T) {
	global.BadBaseURLs(t, providertest.AuthJSON(t, defaultAuth), "http://127.0.0.1:1/v1/api/openplatform/coding_plan/remains", "api.minimax.io")
}

// An upstream echoing the key in any kind of answer must not get it, or a
// fragment of it, into the error.
func TestEchoedKey(t *testing.T) {
	const key = "sk-cp-Zq8WvLp3Rt6YmJxF7QzKNRY94KXvBq2D"
	global.EchoedKey(t, key, providertest.Echoes(key, map[string]providertest.Echo{
		"401 base_resp": func(string) (int, string) {
			return 401, `{"base_resp":{"status_code":2049,"status_msg":"invalid api key ` + key + `"}}`
		},
		"200 base_resp": func(string) (int, string) {
			return 200, `{"base_resp":{"status_code":4242,"status_msg":"key ` + key[6:] + ` unknown"}}`
		},
	}), 6, key[6:])
}

func TestCredentials(t *testing.T) {
	global.Credentials(t, []providertest.CredentialCase{
		{Name: "no file"},
		{Name: "other region only", Auth: `{"minimax-cn-coding-plan":{"type":"api","key":"sk-cp-CANARY-cn0123456789"}}`},
		{Name: "plan key first",
			Auth:       `{"minimax":{"type":"api","key":"sk-CANARY-payg0123456789"},"minimax-coding-plan":{"type":"api","key":" sk-cp-CANARY-a0123456789 "}}`,
			Configured: true, Key: "sk-cp-CANARY-a0123456789"},
		{Name: "pay-as-you-go entry", Auth: `{"minimax":{"type":"api","key":"sk-cp-CANARY-b0123456789"}}`,
			Configured: true, Key: "sk-cp-CANARY-b0123456789", Source: `"minimax"`},
		{Name: "china", Platform: &china,
			Auth:       `{"minimax-cn":{"type":"api","key":"sk-cp-CANARY-c0123456789"},"minimax-coding-plan":{"type":"api","key":"sk-cp-CANARY-x0123456789"}}`,
			Configured: true, Key: "sk-cp-CANARY-c0123456789", Source: `"minimax-cn"`},
		{Name: "broken then usable", Platform: &china,
			Auth:       `{"minimax-cn-coding-plan":{"type":"oauth","access":"x-CANARY"},"minimax-cn":{"type":"api","key":"sk-cp-CANARY-d0123456789"}}`,
			Configured: true, Key: "sk-cp-CANARY-d0123456789", Source: `"minimax-cn"`},
		{Name: "wrong type", Auth: `{"minimax-coding-plan":{"type":"oauth","access":"x-CANARY"}}`, Configured: true,
			Kind: quota.KindFieldMissing, Field: "minimax-coding-plan.type"},
		{Name: "empty key", Platform: &china, Auth: `{"minimax-cn":{"type":"api","key":"  "}}`, Configured: true,
			Kind: quota.KindFieldMissing, Field: "minimax-cn.key", Source: `"minimax-cn"`},
		{Name: "file malformed", Auth: `{"minimax":`, Configured: true, Kind: quota.KindFileMalformed},
	}, func(tg quota.Target) string { k, _ := provider.TargetKey(GlobalID, tg); return k })
}

// Without a key nothing is requested: Discover fails before any Fetch.
func TestNoRequestWithoutCredentials(t *testing.T) {
	for name, mk := range platforms {
		t.Run(name, func(t *testing.T) {
			shared(mk).NoRequestWithoutCredentials(t,
				newServer(t, reply{200, "remains_music_cover_mmx.json"}, reply{200, "token_plan_normal_codexbar.json"}))
		})
	}
}

func TestFetchForeignTarget(t *testing.T) {
	providertest.ForeignTarget(t, newProvider(t, NewGlobal, "", nil))
}

// TestConcurrentFetch runs under -race: one provider serves many reports.
func TestConcurrentFetch(t *testing.T) {
	s := newServer(t, reply{200, "remains_m_star_omc.json"}, reply{})
	providertest.Concurrently(t, withEnv(t, NewGlobal, providertest.AuthJSON(t, defaultAuth), s), 8)
}

func TestDescribe(t *testing.T) {
	for _, tt := range []struct {
		mk   ctor
		want [3]string
	}{
		{NewGlobal, [3]string{"minimax", "minimax_base_url", "minimax-coding-plan minimax"}},
		{NewChina, [3]string{"minimaxcn", "minimaxcn_base_url", "minimax-cn-coding-plan minimax-cn"}},
	} {
		p, want := tt.mk(provider.Deps{}), tt.want
		d := provider.Describe(p)
		if string(d.ID) != want[0] || strings.Join(d.AuthKeys, " ") != want[2] || len(d.Endpoints) != 1 ||
			d.Endpoints[0].Setting != want[1] || d.Endpoints[0].Default != p.base ||
			strings.Join(d.Endpoints[0].Paths, " ") != remainsPath+" "+tokenPlanPath {
			t.Errorf("description = %+v", d)
		}
	}
}

// The demo's handler, settings and auth entry make a working account, and
// its only secret is a canary.
func TestDemo(t *testing.T) {
	for name, mk := range platforms {
		t.Run(name, func(t *testing.T) {
			pl := shared(mk)
			wrong := providertest.AuthJSON(t, map[string]any{pl.AuthKey: providertest.APIKey("sk-cp-CANARY-wrong0000")})
			pl.Demo(t, wrong, func(t *testing.T, _ provider.Demo, a quota.Account) {
				if len(a.Windows) != 3 || *a.Windows[0].Used != 178 || !a.Windows[0].ResetAt.After(now) || !a.Windows[1].ResetAt.After(now) ||
					a.Windows[0].Period != interval || a.Windows[1].Period != week {
					t.Errorf("account = %s", show(a))
				}
			})
		})
	}
}

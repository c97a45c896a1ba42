package zhipu

import (
	"context"
	"strings"
	"testing"

	"github.com/mystatus/mystatus/internal/providertest"
	"github.com/mystatus/mystatus/lib/httpx"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/quota"
)

// Fake keys: every secret contains CANARY so leaks are greppable.
const (
	zhipuKey = "sk-CANARY-zhipu-0001.abcdefghijklmnopQRST"
	zaiKey   = "sk-CANARY-zai-0001.zyxwvutsrqponmlkWXYZ"
)

// platform describes one of the two providers for table tests.
type platform struct {
	name, authKey, env string
	key                string
	id                 quota.PlatformID
	new                func(provider.Deps) *Provider
}

var platforms = []platform{
	{"zhipu", "zhipuai-coding-plan", "MYSTATUS_ZHIPU_BASE_URL", zhipuKey, IDZhipu, NewZhipu},
	{"zai", "zai-coding-plan", "MYSTATUS_ZAI_BASE_URL", zaiKey, IDZAI, NewZAI},
}

// shared is pl as the shared checks build it.
func (pl platform) shared() providertest.Platform {
	return providertest.Platform{ID: pl.id, AuthKey: pl.authKey, Env: pl.env, Clock: now,
		New: func(d provider.Deps) quota.Provider { return pl.new(d) }}
}

// authJSON renders an auth.json holding both keys.
func authJSON(t testing.TB) string {
	t.Helper()
	return providertest.AuthJSON(t, map[string]any{
		"zhipuai-coding-plan": providertest.APIKey(zhipuKey),
		"zai-coding-plan":     providertest.APIKey(zaiKey),
		"openai":              map[string]any{"type": "oauth", "access": "at-CANARY"},
	})
}

// newProvider writes authFile (if not empty) under a temporary HOME and
// builds the platform with settings from env.
func newProvider(t testing.TB, pl platform, authFile string, env map[string]string) *Provider {
	t.Helper()
	return pl.shared().Build(t, authFile, env).(*Provider)
}

// newServer serves status and a fixture at the quota path.
func newServer(t testing.TB, status int, fixture string) *providertest.Server {
	t.Helper()
	return providertest.Serve(t, limitPath, status, fixture)
}

func TestFetch(t *testing.T) {
	for _, pl := range platforms {
		t.Run(pl.name, func(t *testing.T) {
			s := newServer(t, 200, "zai_plan_name.json")
			// A trailing slash on the override is ignored.
			p := newProvider(t, pl, authJSON(t), map[string]string{pl.env: s.URL + "/"})
			if p.ID() != pl.id {
				t.Errorf("id = %s", p.ID())
			}
			tg, a := providertest.FetchOne(t, p, pl.key)
			if a.Name != tg.Name || a.Plan != "GLM Coding Pro" || len(a.Windows) != 2 {
				t.Errorf("account = %s", show(a))
			}
			if got := s.Header("Authorization"); got != pl.key {
				t.Errorf("Authorization = %q, want the raw key", got)
			}
			if got := s.Header("Accept"); got != "application/json" {
				t.Errorf("Accept = %q", got)
			}
		})
	}
}

func TestDefaultBaseURL(t *testing.T) {
	// Without an override the request goes to the documented host; check
	// the joined URL without sending anything.
	for _, pl := range platforms {
		p := newProvider(t, pl, "", nil)
		got, err := p.d.Endpoint(p.setting, p.base, limitPath)
		want := map[quota.PlatformID]string{
			IDZhipu: "https://bigmodel.cn/api/monitor/usage/quota/limit",
			IDZAI:   "https://api.z.ai/api/monitor/usage/quota/limit",
		}[pl.id]
		if err != nil || got != want {
			t.Errorf("%s: url %q, %v; want %q", pl.name, got, err, want)
		}
	}
}

func TestBaseURLErrors(t *testing.T) {
	for _, pl := range platforms {
		pl.shared().BadBaseURLs(t, authJSON(t), "http://127.0.0.1:1/v1/v1", "http://127.0.0.1:1/api/monitor/usage/quota/limit", "api.z.ai")
	}
}

func TestFetchErrors(t *testing.T) {
	cases := []providertest.ErrorCase{
		// An error in a 200's body carries no status.
		providertest.Fails("200 with 401 body", 200, "err_401_body.json", quota.KindUnauthorized, "401").WithAnyStatus(),
		providertest.Fails("200 with 1309 body", 200, "err_1309_plan_expired.json", quota.KindNotSubscribed, "1309").WithAnyStatus(),
		providertest.Fails("200 HTML", 200, "html.html", quota.KindMalformed, ""),
		providertest.Fails("502 HTML", 502, "html.html", quota.KindServerError, ""),
		providertest.Fails("401 with body code", 401, "err_401_body.json", quota.KindUnauthorized, "401"),
		providertest.Fails("429 with 1309 body", 429, "err_1309_plan_expired.json", quota.KindNotSubscribed, "1309"),
		providertest.Fails("404", 404, "html.html", quota.KindNotFound, ""),
	}
	for _, pl := range platforms {
		t.Run(pl.name, func(t *testing.T) {
			providertest.FetchErrors(t, limitPath, cases, func(t *testing.T, c providertest.ErrorCase) (quota.Account, error) {
				s := newServer(t, c.Status, c.File)
				p := newProvider(t, pl, authJSON(t), map[string]string{pl.env: s.URL})
				return p.Fetch(context.Background(), providertest.DiscoverOne(t, p))
			})
		})
	}
}

// TestEchoedKeyLeavesNoFragment: an upstream that echoes the key, whole
// or in part, in any kind of answer must not get any fragment of it into
// the error the report shows (not even the masked form's first and last
// characters).
func TestEchoedKeyLeavesNoFragment(t *testing.T) {
	const (
		id     = "7QzKNRY94KXvBq2D"
		secret = "Zq8WvLp3Rt6YmJxF"
		key    = id + "." + secret
	)
	answers := map[string]providertest.Echo{
		"200 envelope whole key": func(k string) (int, string) {
			return 200, `{"code":1002,"msg":"invalid token ` + k + `","success":false}`
		},
		"200 envelope secret half": func(k string) (int, string) {
			return 200, `{"code":401,"msg":"unknown secret ` + secret + ` for key","success":false}`
		},
		"200 unknown code": func(k string) (int, string) {
			return 200, `{"code":4242,"msg":"key ` + id + ` is odd","success":false}`
		},
		"200 malformed body": func(k string) (int, string) {
			return 200, strings.Repeat("x", 110) + " Authorization: " + k + " <html>"
		},
		"401 model API envelope": func(k string) (int, string) {
			return 401, `{"error":{"code":"1000","message":"bad key ` + k + `"}}`
		},
		"500 text": func(k string) (int, string) {
			return 500, "upstream failed for " + k
		},
		"200 long message cut at the key": func(k string) (int, string) {
			return 200, `{"code":1002,"msg":"` + strings.Repeat("a", httpx.DetailLen-8) + k + `","success":false}`
		},
	}
	for _, pl := range platforms {
		t.Run(pl.name, func(t *testing.T) {
			pl.shared().EchoedKey(t, key, answers, 5, id, secret)
		})
	}
}

func TestCredentials(t *testing.T) {
	const key = "sk-CANARY-0123456789abcdef"
	// The masked name a target shows.
	if got := quota.MaskKey(key); got != "sk-C****cdef" {
		t.Errorf("masked %q", got)
	}
	for _, pl := range platforms {
		t.Run(pl.name, func(t *testing.T) {
			k := func(s string) string { return strings.ReplaceAll(s, "KEY", pl.authKey) }
			pl.shared().Credentials(t, []providertest.CredentialCase{
				{Name: "no file"},
				{Name: "no key", Auth: `{"openai":{"type":"oauth","access":"x-CANARY"}}`},
				{Name: "wrong type", Auth: k(`{"KEY":{"type":"oauth","access":"x-CANARY"}}`), Configured: true,
					Kind: quota.KindFieldMissing, Field: k("KEY.type")},
				{Name: "empty key", Auth: k(`{"KEY":{"type":"api","key":"  "}}`), Configured: true,
					Kind: quota.KindFieldMissing, Field: k("KEY.key")},
				{Name: "ok", Auth: k(`{"KEY":{"type":"api","key":"` + key + `"}}`), Configured: true, Key: key},
			}, func(tg quota.Target) string { return targetKey(tg) })
		})
	}
}

// Without a key nothing is requested: Discover fails before any Fetch.
func TestNoRequestWithoutCredentials(t *testing.T) {
	for _, pl := range platforms {
		pl.shared().NoRequestWithoutCredentials(t, newServer(t, 200, "zai_plan_name.json"))
	}
}

func TestFetchForeignTarget(t *testing.T) {
	providertest.ForeignTarget(t, newProvider(t, platforms[1], "", nil))
}

// TestConcurrentFetch runs under -race: one provider serves many reports.
func TestConcurrentFetch(t *testing.T) {
	s := newServer(t, 200, "zai_openusage_three_limits.json")
	providertest.Concurrently(t, newProvider(t, platforms[0], authJSON(t), map[string]string{platforms[0].env: s.URL}), 8)
	if n := s.Hits(); n != 8 {
		t.Errorf("%d requests, want 8", n)
	}
}

// A non-2xx body nested past the depth limit is classified by its status,
// never handed to the recursive JSON parser.
func TestDeepErrorBody(t *testing.T) {
	platforms[0].shared().DeepErrorBody(t, authJSON(t), `{"code":1001,"x":`)
}

// targetKey is the API key Discover put in tg.
func targetKey(tg quota.Target) string {
	k, _ := provider.TargetKey(IDZhipu, tg)
	return k
}

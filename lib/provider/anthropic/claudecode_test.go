package anthropic

import (
	"context"
	"crypto/sha256"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mystatus/mystatus/internal/providertest"
	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/httpx"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/quota"
	"github.com/mystatus/mystatus/lib/report"
)

// The recorded Claude Code login (testdata/claudecode_max20x.json).
const (
	ccAccess  = "sk-ant-oat01-CANARY-claudecode-access-0001"
	ccRefresh = "sk-ant-ort01-CANARY-claudecode-refresh-0001"
)

var ccExpiry = time.UnixMilli(1765759825273)

func TestParseClaudeCode(t *testing.T) {
	tests := []struct {
		name    string
		data    string
		access  string
		plan    string
		expires time.Time
		kind    quota.Kind
		field   string
		none    bool
	}{
		{name: "recorded Max 20x", data: string(readTestdata(t, "claudecode_max20x.json")),
			access: ccAccess, plan: "max 20x", expires: ccExpiry},
		{name: "recorded Max 5x with refresh expiry", data: string(readTestdata(t, "claudecode_max5x_refresh_expiry.json")),
			access: "sk-ant-oat01-CANARY-claudecode-access-0002", plan: "max 5x", expires: time.UnixMilli(1785600000000)},
		{name: "MCP logins only", data: string(readTestdata(t, "claudecode_mcp_only.json")), none: true},
		{name: "null login", data: `{"claudeAiOauth": null}`, none: true},
		{name: "pro without tier or expiry", data: `{"claudeAiOauth": {"accessToken": "sk-ant-oat01-CANARY-p", "subscriptionType": "pro"}}`,
			access: "sk-ant-oat01-CANARY-p", plan: "pro"},
		{name: "top level not an object", data: `"x"`, kind: quota.KindFileMalformed},
		{name: "login not an object", data: `{"claudeAiOauth": []}`, kind: quota.KindFieldMissing, field: "claudeAiOauth"},
		{name: "no access token", data: `{"claudeAiOauth": {"refreshToken": "sk-ant-ort01-CANARY"}}`,
			kind: quota.KindFieldMissing, field: "claudeAiOauth.accessToken"},
		{name: "blank access token", data: `{"claudeAiOauth": {"accessToken": "  "}}`,
			kind: quota.KindFieldMissing, field: "claudeAiOauth.accessToken"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := parseClaudeCode([]byte(tt.data))
			switch {
			case tt.none:
				if !errors.Is(err, quota.ErrNotConfigured) {
					t.Fatalf("err = %v, want not configured", err)
				}
				return
			case tt.kind != "":
				if quota.KindOf(err) != tt.kind || quota.AsError(err).Field != tt.field {
					t.Fatalf("err = %v, want %s on %q", err, tt.kind, tt.field)
				}
				return
			case err != nil:
				t.Fatal(err)
			}
			if l.access != tt.access || l.plan != tt.plan || !l.expires.Equal(tt.expires) {
				t.Errorf("login = %q %q %v", l.access, l.plan, l.expires)
			}
		})
	}
}

// FuzzParseClaudeCode: any JSON gives a login with a token or a
// classified error, never a panic.
func FuzzParseClaudeCode(f *testing.F) {
	for _, name := range []string{"claudecode_max20x.json", "claudecode_max5x_refresh_expiry.json", "claudecode_mcp_only.json"} {
		f.Add(readTestdata(f, name))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := parseClaudeCode(data)
		if err == nil && l.access == "" {
			t.Fatal("a login without an access token")
		}
		if err != nil && !errors.Is(err, quota.ErrNotConfigured) && quota.KindOf(err) == quota.KindInternal {
			t.Fatalf("unclassified error %v", err)
		}
	})
}

// ccHome is a temporary HOME whose credential files are checked byte for
// byte when the test ends, with a fake Anthropic upstream.
type ccHome struct {
	dir   string
	files map[string][32]byte
	srv   *httptest.Server
	mu    sync.Mutex
	auths []string // Authorization of each usage request
	usage string   // the usage answer
}

func newCCHome(t *testing.T) *ccHome {
	t.Helper()
	h := &ccHome{dir: t.TempDir(), files: map[string][32]byte{}, usage: "usage_limits_fable.json"}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/oauth/profile" {
			http.NotFound(w, r) // the plan then comes from the file
			return
		}
		h.mu.Lock()
		h.auths = append(h.auths, r.Header.Get("Authorization"))
		usage := h.usage
		h.mu.Unlock()
		replay(t, w, usage)
	}))
	t.Cleanup(h.srv.Close)
	t.Cleanup(func() {
		for path, sum := range h.files {
			b, err := os.ReadFile(path)
			if err != nil || sha256.Sum256(b) != sum {
				t.Errorf("%s changed (err %v)", path, err)
			}
		}
	})
	return h
}

func (h *ccHome) write(t *testing.T, rel, data string) string {
	t.Helper()
	path := filepath.Join(h.dir, rel)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	h.files[path] = sha256.Sum256([]byte(data))
	return path
}

func (h *ccHome) provider(clock time.Time, env map[string]string) *Provider {
	return New(provider.Deps{
		HTTP: httpx.New(5 * time.Second),
		Auth: auth.NewStore(auth.Paths{Home: h.dir, XDGData: filepath.Join(h.dir, ".local", "share"), XDGConfig: filepath.Join(h.dir, ".config")}),
		Settings: provider.Settings{Getenv: func(k string) string {
			if k == "MYSTATUS_ANTHROPIC_BASE_URL" {
				return h.srv.URL
			}
			return env[k]
		}},
		Now: func() time.Time { return clock },
	})
}

const (
	ocAuthRel = ".local/share/opencode/auth.json"
	ccRel     = ".claude/.credentials.json"
)

// ocEntry is an OpenCode "anthropic" entry.
func ocEntry(access, refresh string, expires time.Time) string {
	return `{"anthropic": {"type": "oauth", "access": "` + access + `", "refresh": "` + refresh +
		`", "expires": ` + strconv.FormatInt(expires.UnixMilli(), 10) + `}}`
}

func TestClaudeCodeSource(t *testing.T) {
	recorded := string(readTestdata(t, "claudecode_max20x.json"))
	before, after := ccExpiry.Add(-time.Hour), ccExpiry.Add(time.Hour)
	const otherAccess = "sk-ant-oat01-CANARY-opencode-other"
	type want struct {
		source, token string // the account's source and the token its request sent
		kind          quota.Kind
	}
	tests := []struct {
		name     string
		opencode string // auth.json ("" for none)
		cc       string // .credentials.json ("" for none)
		ccRel    string // where it lies (default ccRel)
		env      map[string]string
		clock    time.Time
		want     []want
		platform quota.Kind // a platform-level error
	}{
		{name: "Claude Code only", cc: recorded, clock: before, want: []want{{"", ccAccess, ""}}},
		{name: "Claude Code only, expired", cc: recorded, clock: after, want: []want{{"", "", quota.KindTokenExpired}}},
		{name: "CLAUDE_CONFIG_DIR", cc: recorded, ccRel: "cfg/claude/.credentials.json", clock: before,
			env: map[string]string{"CLAUDE_CONFIG_DIR": "cfg/claude"}, want: []want{{"", ccAccess, ""}}},
		{name: "CLAUDE_CONFIG_DIR elsewhere hides ~/.claude", cc: recorded, clock: before,
			env: map[string]string{"CLAUDE_CONFIG_DIR": "nowhere"}},
		{name: "MCP logins only", cc: string(readTestdata(t, "claudecode_mcp_only.json")), clock: before},
		{name: "same token in both: OpenCode's", opencode: ocEntry(ccAccess, ccRefresh, after.Add(time.Hour)), cc: recorded, clock: before,
			want: []want{{sourceOpenCode, ccAccess, ""}}},
		{name: "same refresh token, OpenCode's expired: Claude Code's",
			opencode: ocEntry("sk-ant-oat01-CANARY-old", ccRefresh, before.Add(-time.Minute)), cc: recorded, clock: before,
			want: []want{{sourceClaudeCode, ccAccess, ""}}},
		{name: "same refresh token, Claude Code's expired: OpenCode's",
			opencode: ocEntry(otherAccess, ccRefresh, after.Add(time.Hour)), cc: recorded, clock: after,
			want: []want{{sourceOpenCode, otherAccess, ""}}},
		{name: "different logins", opencode: ocEntry(otherAccess, "sk-ant-ort01-CANARY-o", after.Add(time.Hour)), cc: recorded, clock: before,
			want: []want{{sourceOpenCode, otherAccess, ""}, {sourceClaudeCode, ccAccess, ""}}},
		{name: "different logins, Claude Code's expired", opencode: ocEntry(otherAccess, "sk-ant-ort01-CANARY-o", after.Add(time.Hour)),
			cc: recorded, clock: after, want: []want{{sourceOpenCode, otherAccess, ""}, {"", "", quota.KindTokenExpired}}},
		{name: "malformed Claude Code file beside OpenCode", opencode: ocEntry(otherAccess, "r", after), cc: `{"claudeAiOauth": `,
			clock: before, want: []want{{sourceOpenCode, otherAccess, ""}, {"", "", quota.KindFileMalformed}}},
		{name: "malformed Claude Code file alone", cc: `{"claudeAiOauth": `, clock: before, platform: quota.KindFileMalformed},
		{name: "malformed auth.json beside Claude Code", opencode: `{"anthropic": `, cc: recorded, clock: before,
			want: []want{{"", "", quota.KindFileMalformed}, {sourceClaudeCode, ccAccess, ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newCCHome(t)
			env := map[string]string{}
			for k, v := range tt.env {
				env[k] = filepath.Join(h.dir, v)
			}
			if tt.opencode != "" {
				h.write(t, ocAuthRel, tt.opencode)
			}
			rel := ccRel
			if tt.ccRel != "" {
				rel = tt.ccRel
			}
			if tt.cc != "" {
				h.write(t, rel, tt.cc)
			}
			p := h.provider(tt.clock, env)
			ts, err := p.Discover(context.Background())
			switch {
			case tt.platform != "":
				if quota.KindOf(err) != tt.platform || quota.AsError(err).Path != p.ClaudeCodePath() {
					t.Fatalf("err = %v, want %s", err, tt.platform)
				}
				return
			case len(tt.want) == 0:
				if !errors.Is(err, quota.ErrNotConfigured) || p.Info().Configured {
					t.Fatalf("targets %v, err %v: want not configured", ts, err)
				}
				return
			case err != nil:
				t.Fatal(err)
			case len(ts) != len(tt.want):
				t.Fatalf("%d targets, want %d: %+v", len(ts), len(tt.want), ts)
			}
			keys := map[string]bool{}
			for i, w := range tt.want {
				tg := ts[i]
				keys[tg.Key] = true
				if strings.Contains(tg.Key, "CANARY") {
					t.Errorf("key %q carries a secret", tg.Key)
				}
				if w.kind != "" {
					if quota.KindOf(tg.Err) != w.kind {
						t.Errorf("target %d error %v, want %s", i, tg.Err, w.kind)
					}
					if w.kind == quota.KindTokenExpired && (quota.AsError(tg.Err).Path != p.ClaudeCodePath() ||
						quota.AsError(tg.Err).Field != "claudeAiOauth.expiresAt") {
						t.Errorf("expired error %+v", tg.Err)
					}
					continue
				}
				h.mu.Lock()
				h.auths = nil
				h.mu.Unlock()
				a, err := p.Fetch(context.Background(), tg)
				if err != nil {
					t.Fatal(err)
				}
				h.mu.Lock()
				auths := h.auths
				h.mu.Unlock()
				if a.Source != w.source || len(auths) != 1 || auths[0] != "Bearer "+w.token {
					t.Errorf("target %d: source %q, %d requests, want %q with its token", i, a.Source, len(auths), w.source)
				}
				if w.token == ccAccess && a.Plan != "max 20x" {
					t.Errorf("plan %q, want the file's when the profile fails", a.Plan)
				}
			}
			if len(keys) != len(ts) {
				t.Errorf("keys not distinct: %v", keys)
			}
		})
	}
}

// Claude Code's login rejected as expired upstream points at its file, so
// its own steps ("run claude once") are given.
func TestClaudeCodeExpiredUpstream(t *testing.T) {
	h := newCCHome(t)
	h.usage = "err_401_expired.http"
	h.write(t, ccRel, string(readTestdata(t, "claudecode_max20x.json")))
	p := h.provider(ccExpiry.Add(-time.Hour), nil)
	ts, err := p.Discover(context.Background())
	if err != nil || len(ts) != 1 {
		t.Fatal(ts, err)
	}
	_, err = p.Fetch(context.Background(), ts[0])
	if qe := quota.AsError(err); qe.Kind != quota.KindTokenExpired || qe.Path != p.ClaudeCodePath() {
		t.Fatalf("err = %+v", err)
	}
}

// A FIFO or an oversized file in Claude Code's place is refused at once.
func TestClaudeCodeHostileFile(t *testing.T) {
	var h *ccHome
	providertest.RefusedAtOnce(t, func(t *testing.T) string {
		h = newCCHome(t)
		return filepath.Join(h.dir, ccRel)
	}, func(t *testing.T) func(context.Context) ([]quota.Target, error) {
		return h.provider(now, nil).Discover
	})
}

// Two separate sign-ins to one account (different tokens in OpenCode and
// Claude Code) are one account: the profile names the same account and
// organization, and the report shows it once, as OpenCode's.
func TestSameAccountTwoLoginsShownOnce(t *testing.T) {
	h := newCCHome(t)
	h.write(t, ocAuthRel, ocEntry("sk-ant-oat01-CANARY-opencode-other", "sk-ant-ort01-CANARY-o", ccExpiry.Add(time.Hour)))
	h.write(t, ccRel, string(readTestdata(t, "claudecode_max20x.json")))
	profile := readTestdata(t, "profile_measured.json") // the recorded profile: account and organization uuids
	prof := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/oauth/profile" {
			w.Write(profile)
			return
		}
		h.srv.Config.Handler.ServeHTTP(w, r)
	}))
	defer prof.Close()
	p := h.provider(ccExpiry.Add(-time.Hour), nil)
	p.d.Settings.Getenv = func(k string) string {
		if k == "MYSTATUS_ANTHROPIC_BASE_URL" {
			return prof.URL
		}
		return ""
	}
	rep := (&report.Service{Providers: []quota.Provider{p}, Timeout: 5 * time.Second}).Collect(context.Background(), report.Request{})
	if len(rep.Results) != 1 || len(rep.Results[0].Accounts) != 1 {
		t.Fatalf("results %+v", rep.Results)
	}
	if a := rep.Results[0].Accounts[0]; a.Err != nil || a.Source != sourceOpenCode || a.Name != "person@example.com" {
		t.Errorf("account %+v", a)
	}
}

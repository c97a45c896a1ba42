package openai

import (
	"context"
	"crypto/sha256"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mystatus/mystatus/internal/providertest"
	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/httpx"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/quota"
)

// The recorded Codex login (testdata/codex_auth_chatgpt.json): its access
// token names this workspace and user and expires at codexExp.
const (
	codexAccount = "11111111-2222-4333-8444-555555555555"
	codexEmail   = "codex-user@example.com"
)

var codexExp = time.Unix(1781686145, 0)

// home is a temporary HOME with OpenCode's auth.json and the Codex CLI's
// login; files are checked byte for byte when the test ends.
type home struct {
	dir   string
	files map[string][32]byte
}

func newHome(t *testing.T) *home {
	t.Helper()
	h := &home{dir: t.TempDir(), files: map[string][32]byte{}}
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

// write puts data at rel below the HOME and remembers its hash.
func (h *home) write(t *testing.T, rel, data string) string {
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

// provider reads h at clock with env as the environment.
func (h *home) provider(clock time.Time, env map[string]string) *Provider {
	client := httpx.New(5 * time.Second)
	client.Now = func() time.Time { return clock }
	data := filepath.Join(h.dir, ".local", "share")
	return New(provider.Deps{
		HTTP:     client,
		Auth:     auth.NewStore(auth.Paths{Home: h.dir, XDGData: data, XDGConfig: filepath.Join(h.dir, ".config")}),
		Settings: provider.Settings{Getenv: func(k string) string { return env[k] }},
		Now:      func() time.Time { return clock },
	})
}

const (
	ocRel    = ".local/share/opencode/auth.json"
	codexRel = ".codex/auth.json"
)

func TestParseCodexAuth(t *testing.T) {
	tests := []struct {
		name    string
		data    string
		account string
		email   string
		expires time.Time
		kind    quota.Kind
		field   string
		none    bool // not configured
	}{
		{name: "recorded ChatGPT login", data: string(readFixture(t, "codex_auth_chatgpt.json")),
			account: codexAccount, email: codexEmail, expires: codexExp},
		{name: "legacy file without account_id", data: string(readFixture(t, "codex_auth_legacy.json")),
			email: "legacy@example.com"},
		{name: "API key login", data: string(readFixture(t, "codex_auth_apikey.json")), none: true},
		{name: "key without tokens", data: `{"OPENAI_API_KEY": "sk-CANARY-x"}`, none: true},
		{name: "null tokens", data: `{"OPENAI_API_KEY": null, "tokens": null}`, none: true},
		{name: "account_id wins over the claim", data: `{"tokens": {"access_token": "` +
			makeJWT(t, liveClaims()) + `", "account_id": "acct-file"}}`, account: "acct-file", email: email,
			expires: time.Unix(now.Add(time.Hour).Unix(), 0)},
		{name: "top level not an object", data: `[1]`, kind: quota.KindFileMalformed},
		{name: "tokens not an object", data: `{"tokens": "x"}`, kind: quota.KindFieldMissing, field: "tokens"},
		{name: "no access token", data: `{"tokens": {"id_token": "x", "refresh_token": "rt-CANARY"}}`,
			kind: quota.KindFieldMissing, field: "tokens.access_token"},
		{name: "access token not a string", data: `{"tokens": {"access_token": 12}}`,
			kind: quota.KindFieldMissing, field: "tokens.access_token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := parseCodexAuth([]byte(tt.data))
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
			if l.accountID != tt.account || l.email != tt.email || !l.expires.Equal(tt.expires) || l.access == "" {
				t.Errorf("login = %q %q %v", l.accountID, l.email, l.expires)
			}
		})
	}
}

// FuzzParseCodexAuth: any JSON gives a login or a classified error, never
// a panic, and never a login without a token.
func FuzzParseCodexAuth(f *testing.F) {
	for _, name := range []string{"codex_auth_chatgpt.json", "codex_auth_legacy.json", "codex_auth_apikey.json"} {
		f.Add(readFixture(f, name))
	}
	f.Add([]byte(`{"tokens": {"access_token": "a.b.c", "id_token": "x.eyJlbWFpbCI6MX0.y"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := parseCodexAuth(data)
		if err == nil && l.access == "" {
			t.Fatal("a login without an access token")
		}
		if err != nil && !errors.Is(err, quota.ErrNotConfigured) && quota.KindOf(err) == quota.KindInternal {
			t.Fatalf("unclassified error %v", err)
		}
	})
}

func TestCodexSource(t *testing.T) {
	recorded := string(readFixture(t, "codex_auth_chatgpt.json"))
	codexToken := func(t *testing.T) string {
		l, err := parseCodexAuth([]byte(recorded))
		if err != nil {
			t.Fatal(err)
		}
		return l.access
	}
	before := codexExp.Add(-time.Hour)
	after := codexExp.Add(time.Hour)
	other := liveClaimsAt(after) // another account, valid at both clocks
	tests := []struct {
		name     string
		opencode string // the "openai" entry's access token ("" for none)
		ocExpiry time.Time
		codex    string // the Codex file ("" for none)
		clock    time.Time
		env      func(h *home) map[string]string
		// want: per target, its source ("" when the account keeps none),
		// its name and its error kind.
		want []want
	}{
		{name: "Codex only", codex: recorded, clock: before,
			want: []want{{"", codexEmail, ""}}},
		{name: "Codex only, expired", codex: recorded, clock: after,
			want: []want{{"", codexEmail, quota.KindTokenExpired}}},
		{name: "CODEX_HOME", codex: recorded, clock: before,
			env: func(h *home) map[string]string {
				return map[string]string{"CODEX_HOME": filepath.Join(h.dir, ".codex")}
			},
			want: []want{{"", codexEmail, ""}}},
		{name: "CODEX_HOME elsewhere hides ~/.codex", codex: recorded, clock: before,
			env: func(h *home) map[string]string { return map[string]string{"CODEX_HOME": filepath.Join(h.dir, "none")} }},
		{name: "same token in both", opencode: "codex", codex: recorded, clock: before,
			want: []want{{sourceOpenCode, codexEmail, ""}}},
		{name: "same account, both valid: OpenCode's", opencode: "same-account", codex: recorded, clock: before,
			want: []want{{sourceOpenCode, codexEmail, ""}}},
		{name: "same account, OpenCode's expired: Codex's", opencode: "same-account", ocExpiry: before.Add(-time.Minute),
			codex: recorded, clock: before, want: []want{{sourceCodex, codexEmail, ""}}},
		{name: "same account, Codex's expired: OpenCode's", opencode: "same-account-later", codex: recorded, clock: after,
			want: []want{{sourceOpenCode, codexEmail, ""}}},
		{name: "different accounts", opencode: "other", codex: recorded, clock: before,
			want: []want{{sourceOpenCode, email, ""}, {sourceCodex, codexEmail, ""}}},
		{name: "different accounts, Codex's expired", opencode: "other", codex: recorded, clock: after,
			want: []want{{sourceOpenCode, email, ""}, {sourceCodex, codexEmail, quota.KindTokenExpired}}},
		{name: "malformed Codex file beside OpenCode", opencode: "other", codex: `{"tokens": {`, clock: before,
			want: []want{{sourceOpenCode, email, ""}, {"", "", quota.KindFileMalformed}}},
		{name: "malformed Codex file alone", codex: `{"tokens": {`, clock: before,
			want: []want{{"", "", quota.KindFileMalformed}}},
		{name: "API-key Codex login beside OpenCode", opencode: "other", codex: `{"auth_mode": "apikey", "OPENAI_API_KEY": "sk-CANARY-k"}`,
			clock: before, want: []want{{"", email, ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t, 200, "usage_normal.json")
			h := newHome(t)
			if tt.codex != "" {
				h.write(t, codexRel, tt.codex)
			}
			if tt.opencode != "" {
				var tok string
				switch tt.opencode {
				case "codex":
					tok = codexToken(t)
				case "same-account", "same-account-later":
					c := liveClaimsAt(tt.clock)
					c["https://api.openai.com/profile"] = map[string]any{"email": codexEmail}
					c["https://api.openai.com/auth"] = map[string]any{"chatgpt_account_id": codexAccount}
					tok = makeJWT(t, c)
				default:
					tok = makeJWT(t, other)
				}
				entry := oauthEntry(tok)
				entry["expires"] = tt.clock.Add(time.Hour).UnixMilli()
				if !tt.ocExpiry.IsZero() {
					entry["expires"] = tt.ocExpiry.UnixMilli()
				}
				h.write(t, ocRel, authFile(t, entry))
			}
			env := s.env()
			if tt.env != nil {
				for k, v := range tt.env(h) {
					env[k] = v
				}
			}
			p := h.provider(tt.clock, env)
			ts, err := p.Discover(context.Background())
			if len(tt.want) == 0 {
				if !errors.Is(err, quota.ErrNotConfigured) || p.Info().Configured {
					t.Fatalf("targets %v, err %v: want not configured", ts, err)
				}
				return
			}
			if len(tt.want) == 1 && tt.want[0].kind != "" && tt.want[0].kind != quota.KindTokenExpired {
				// One source, unreadable: the platform fails as before.
				if quota.KindOf(err) != tt.want[0].kind || quota.AsError(err).Path != p.CodexPath() {
					t.Fatalf("err = %v, want %s", err, tt.want[0].kind)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(ts) != len(tt.want) {
				t.Fatalf("%d targets, want %d: %+v", len(ts), len(tt.want), ts)
			}
			keys := map[string]bool{}
			for i, w := range tt.want {
				tg := ts[i]
				keys[tg.Key] = true
				if strings.Contains(tg.Key, "CANARY") || strings.Contains(tg.Key, "eyJ") {
					t.Errorf("key %q carries a secret", tg.Key)
				}
				if tg.Name != w.name || quota.KindOf(tg.Err) != w.kind && !(w.kind == "" && tg.Err == nil) {
					t.Errorf("target %d = %q %v, want %q %s", i, tg.Name, tg.Err, w.name, w.kind)
				}
				if tg.Err != nil {
					if w.kind == quota.KindTokenExpired && quota.AsError(tg.Err).Path != p.CodexPath() {
						t.Errorf("expired path %q", quota.AsError(tg.Err).Path)
					}
					continue
				}
				a, err := p.Fetch(context.Background(), tg)
				if err != nil {
					t.Fatal(err)
				}
				if a.Source != w.source {
					t.Errorf("target %d source %q, want %q", i, a.Source, w.source)
				}
				if w.source != sourceOpenCode && w.name == codexEmail {
					s.mu.Lock()
					got, acct := s.last.Header.Get("Authorization"), s.last.Header.Get("ChatGPT-Account-Id")
					s.mu.Unlock()
					if got != "Bearer "+codexToken(t) || acct != codexAccount {
						t.Errorf("Codex request sent %q with account %q", got[:20], acct)
					}
				}
			}
			if len(keys) != len(ts) {
				t.Errorf("keys not distinct: %v", keys)
			}
			if !p.Info().Configured {
				t.Error("info says not configured")
			}
		})
	}
}

type want struct {
	source, name string
	kind         quota.Kind
}

// liveClaimsAt are liveClaims valid an hour past at.
func liveClaimsAt(at time.Time) map[string]any {
	c := liveClaims()
	c["exp"] = at.Add(time.Hour).Unix()
	return c
}

// A FIFO or an oversized file in Codex's place is refused at once, never
// read or waited on.
func TestCodexHostileFile(t *testing.T) {
	var h *home
	providertest.RefusedAtOnce(t, func(t *testing.T) string {
		h = newHome(t)
		return filepath.Join(h.dir, codexRel)
	}, func(t *testing.T) func(context.Context) ([]quota.Target, error) {
		return h.provider(now, nil).Discover
	})
}

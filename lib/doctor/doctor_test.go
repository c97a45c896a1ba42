package doctor

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mystatus/mystatus/i18n"
	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/httpx"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/provider/anthropic"
	"github.com/mystatus/mystatus/lib/provider/antigravity"
	"github.com/mystatus/mystatus/lib/provider/copilot"
	"github.com/mystatus/mystatus/lib/provider/openai"
	"github.com/mystatus/mystatus/lib/provider/zhipu"
	"github.com/mystatus/mystatus/lib/quota"
)

var now = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// fake is a platform whose sources and answers the test chooses.
type fake struct {
	id       quota.PlatformID
	sources  []string
	disc     error
	targets  []quota.Target
	fetchErr error
	// diag is the real platform's Diagnoser, if any.
	diag provider.Diagnoser
}

func (f *fake) Diagnose(ctx context.Context, c provider.Checkup) {
	if f.diag != nil {
		f.diag.Diagnose(ctx, c)
	}
}

// Describe is the real platform's description, so doctor checks its
// settings and explains with its fix steps.
func (f *fake) Describe() provider.Description {
	if d, ok := f.diag.(provider.Describer); ok {
		return d.Describe()
	}
	return provider.Description{ID: f.id}
}

func (f *fake) ID() quota.PlatformID { return f.id }
func (f *fake) Info() quota.Info {
	info := quota.Info{ID: f.id, Configured: f.disc != quota.ErrNotConfigured}
	for _, s := range f.sources {
		info.Sources = append(info.Sources, quota.Source{Path: s})
	}
	return info
}
func (f *fake) Discover(context.Context) ([]quota.Target, error) {
	if f.disc != nil {
		return nil, f.disc
	}
	if f.targets != nil {
		return f.targets, nil
	}
	return []quota.Target{{Key: "k", Name: "acct"}}, nil
}
func (f *fake) Fetch(context.Context, quota.Target) (quota.Account, error) {
	return quota.Account{Windows: []quota.Window{{Kind: quota.KindRate, UsedPct: 10}}}, f.fetchErr
}

// jwt builds an unsigned JWT whose payload is claims.
func jwt(claims string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"none"}`)) + "." + enc([]byte(claims)) + ".c2lnQ0FOQVJZ"
}

func write(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

func newHome(t *testing.T) auth.Paths {
	dir := t.TempDir()
	return auth.PathsFromEnv(func(k string) string {
		if k == "HOME" {
			return dir
		}
		return ""
	})
}

func deps(p auth.Paths, env map[string]string) provider.Deps {
	c := httpx.New(2 * time.Second)
	return provider.Deps{HTTP: c, Auth: auth.NewStore(p), Now: func() time.Time { return now },
		Settings: provider.Settings{Getenv: func(k string) string { return env[k] }}}
}

// troubled writes a HOME where nearly every check finds something.
func troubled(t *testing.T) (auth.Paths, []quota.Provider) {
	p := newHome(t)
	authPath := p.OpenCodeAuth()
	write(t, authPath, fmt.Sprintf(`{
	  "openai": {"type": "oauth", "access": %q, "refresh": "rt-CANARY-openai", "expires": %d},
	  "anthropic": {"type": "oauth", "access": "sk-ant-oat01-CANARY-anthropic", "expires": %d},
	  "zhipuai-coding-plan": {"type": "api", "key": "0123456789abcdef0123456789abcdef.CANARYzhipu"},
	  "zai-coding-plan": {"type": "oauth", "key": "CANARY-zai"}
	}`, jwt(`{"exp":1700000000}`), now.Add(-time.Hour).UnixMilli(), now.Add(3*time.Hour).UnixMilli()), 0o644)
	pat := filepath.Join(p.OpenCodeConfigDir(), "copilot-quota-token.json")
	write(t, pat, `{"token": "github_pat_CANARY_copilot", "username": "octocat", "tier": "gold"}`, 0o600)
	plugin := filepath.Join(p.OpenCodeConfigDir(), "antigravity-accounts.json")
	write(t, plugin, `{"accounts": [
	  {"email": "ok@example.com", "refreshToken": "1//CANARY-a", "projectId": "p-1"},
	  {"email": "noproj@example.com", "refreshToken": "1//CANARY-b"},
	  {"email": "norefresh@example.com", "projectId": "p-3"},
	  {"email": "off@example.com", "enabled": false}
	]}`, 0o600)
	am := filepath.Join(p.Home, ".antigravity_tools", "accounts")
	write(t, filepath.Join(am, "a.json"), `{"id": "a", "email": "dead@example.com", "token": {"access_token": "ya29.CANARY-a",
	  "refresh_token": "1//CANARY-am", "expires_in": 3599, "expiry_timestamp": 1700000000},
	  "disabled": true, "disabled_reason": "invalid_grant: Token has been expired or revoked.", "disabled_at": 1763800000}`, 0o600)
	write(t, filepath.Join(am, "b.json"), `{"id": "b", "email": "fine@example.com", "token": {"access_token": "ya29.CANARY-b",
	  "refresh_token": "1//CANARY-bm", "expires_in": 3599, "expiry_timestamp": 1700000000}}`, 0o600)
	write(t, filepath.Join(am, "b.json.tmp.123.json"), `{`, 0o600)
	write(t, filepath.Join(am, "c.json"), `{"id": "c", "email": "blocked@example.com", "token": {"access_token": "ya29.CANARY-c",
	  "refresh_token": "1//CANARY-cm", "expires_in": 3599, "expiry_timestamp": 1700000000},
	  "validation_blocked": true, "validation_url": "https://accounts.google.com/signin/continue"}`, 0o600)
	write(t, filepath.Join(am, "d.json"), `{"id": "d",`, 0o600)
	// The fakes answer the live queries; the platforms' own Diagnose
	// checks what their files hold.
	real := provider.Deps{Auth: auth.NewStore(p)}
	ps := []quota.Provider{
		&fake{id: "openai", sources: []string{authPath}, diag: openai.New(real),
			disc: &quota.Error{Kind: quota.KindTokenExpired, Path: authPath}},
		&fake{id: "anthropic", sources: []string{authPath}, diag: anthropic.New(real), fetchErr: &quota.Error{Kind: quota.KindUnauthorized, Status: 401,
			Detail: `{"error":"invalid token sk-ant-oat01-CANARY-anthropic"}`}},
		&fake{id: "zhipu", sources: []string{authPath}, diag: zhipu.NewZhipu(real), fetchErr: &quota.Error{Kind: quota.KindQuotaExhausted, ResetAt: now.Add(time.Hour)}},
		&fake{id: "zai", sources: []string{authPath}, diag: zhipu.NewZAI(real), disc: quota.ErrNotConfigured},
		&fake{id: "antigravity", sources: []string{plugin, filepath.Join(p.XDGData, "opencode", "antigravity-accounts.json"), am}, diag: antigravity.New(real)},
		&fake{id: "copilot", sources: []string{pat, authPath}, diag: copilot.New(real)},
	}
	return p, ps
}

type want struct {
	sev      Severity
	check    string
	platform quota.PlatformID
	account  string
	kind     quota.Kind
	contains string // in title, meaning, steps or detail
}

func has(rep Report, w want) bool {
	for _, f := range rep.Findings {
		text := f.Title + "\n" + f.Meaning + "\n" + strings.Join(f.Steps, "\n") + "\n" + f.Detail
		if f.Severity == w.sev && f.Check == w.check && f.Platform == w.platform && f.Account == w.account &&
			f.Kind == w.kind && strings.Contains(text, w.contains) {
			return true
		}
	}
	return false
}

func TestRunFindsEachProblem(t *testing.T) {
	p, ps := troubled(t)
	env := map[string]string{
		"MYSTATUS_ZAI_BASE_URL":       "https://api.z.ai/api/monitor/usage/quota/limit",
		"MYSTATUS_OPENAI_BASE_URL":    "http://127.0.0.1:9/backend-api",
		"MYSTATUS_CLOUDCODE_BASE_URL": "https://a.example, https://b.example/v1/v1",
	}
	d := deps(p, env)
	rep := Run(context.Background(), Options{Deps: d, Providers: ps, Loc: i18n.New("en"), Now: d.Now})
	authPath := p.OpenCodeAuth()
	wants := []want{
		{OK, CheckFile, "", "", "", authPath + " is readable"},
		{Warn, CheckPermissions, "", "", "", "chmod 600 " + authPath},
		{Warn, CheckExpiry, "openai", "", quota.KindTokenExpired, "Use an OpenAI model in OpenCode once"},
		{OK, CheckExpiry, "anthropic", "", "", "valid until"},
		{OK, CheckCredentials, "zhipu", "", "", "credentials present"},
		{Error, CheckCredentials, "zai", "", quota.KindFieldMissing, "zai-coding-plan.type"},
		{OK, CheckCredentials, "copilot", "", "", `no "github-copilot" entry`},
		{Error, CheckCredentials, "copilot", "", quota.KindFieldMissing, "free, pro, pro+, business, enterprise"},
		{OK, CheckAccounts, "antigravity", "ok@example.com", "", "ready"},
		// mystatus asks loadCodeAssist for a missing project id.
		{OK, CheckAccounts, "antigravity", "noproj@example.com", "", "ready"},
		{Error, CheckAccounts, "antigravity", "norefresh@example.com", quota.KindFieldMissing, "accounts[2].refreshToken"},
		{OK, CheckAccounts, "antigravity", "off@example.com", "", "skipped"},
		{OK, CheckFile, "antigravity", "", "", "not found"},
		{Error, CheckManager, "antigravity", "dead@example.com", quota.KindAccountDisabled, "invalid_grant"},
		{OK, CheckManager, "antigravity", "fine@example.com", "", "ready"},
		{Warn, CheckManager, "antigravity", "blocked@example.com", quota.KindVerification, "https://accounts.google.com/signin/continue"},
		{Error, CheckFile, "antigravity", "", quota.KindFileMalformed, "d.json"},
		{Error, CheckEndpoint, "zai", "", quota.KindBadConfig, "MYSTATUS_ZAI_BASE_URL"},
		{OK, CheckEndpoint, "openai", "", "", "MYSTATUS_OPENAI_BASE_URL = http://127.0.0.1:9/backend-api is a valid base URL"},
		{Error, CheckEndpoint, "antigravity", "", quota.KindBadConfig, "doubled"},
		{Error, CheckReachability, "anthropic", "acct", quota.KindUnauthorized, "Use a Claude model"},
		{Warn, CheckReachability, "zhipu", "acct", quota.KindQuotaExhausted, "Quota used up"},
		{OK, CheckReachability, "antigravity", "acct", "", "answered"},
	}
	for _, w := range wants {
		if !has(rep, w) {
			t.Errorf("no finding %+v", w)
		}
	}
	// The expired OpenAI token is reported once, not again by the live check.
	n := 0
	for _, f := range rep.Findings {
		if f.Kind == quota.KindTokenExpired {
			n++
		}
	}
	if n != 1 {
		t.Errorf("token_expired reported %d times", n)
	}
	if ExitCode(rep) != 1 {
		t.Errorf("exit code %d, want 1", ExitCode(rep))
	}
	if has(rep, want{Error, CheckFile, "antigravity", "", quota.KindFileMalformed, "b.json.tmp"}) {
		t.Error("a temporary file of Antigravity-Manager was checked")
	}
}

func TestRenderEveryLanguage(t *testing.T) {
	p, ps := troubled(t)
	d := deps(p, map[string]string{"MYSTATUS_ZAI_BASE_URL": "ftp://x"})
	for _, lang := range i18n.Languages {
		loc := i18n.New(lang)
		rep := Run(context.Background(), Options{Deps: d, Providers: ps, Loc: loc})
		out := Render(rep, loc)
		js, err := json.Marshal(rep)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{out, string(js)} {
			if strings.Contains(s, "CANARY") {
				t.Errorf("%s: a secret reached the output:\n%s", lang, s)
			}
			if strings.Contains(s, "<no value>") || strings.Contains(s, "{{") || regexp.MustCompile(`\b(doctor|error|explain)\.[a-z_]+\.`).MatchString(s) {
				t.Errorf("%s: unrendered message in:\n%s", lang, s)
			}
		}
		if !strings.Contains(out, "chmod 600") || !strings.Contains(out, "1. ") || !strings.Contains(out, "## ") {
			t.Errorf("%s: output lacks steps or sections:\n%s", lang, out)
		}
		if lang == "fr" {
			for _, f := range rep.Findings {
				if regexp.MustCompile(` [:;?!»]|« `).MatchString(f.Title + f.Meaning + strings.Join(f.Steps, "")) {
					t.Errorf("French finding lacks a non-breaking space: %+v", f)
				}
			}
		}
	}
}

func TestHealthyHome(t *testing.T) {
	p := newHome(t)
	write(t, p.OpenCodeAuth(), fmt.Sprintf(`{"openai": {"type": "oauth", "access": %q}}`, jwt(fmt.Sprintf(`{"exp":%d}`, now.Add(time.Hour).Unix()))), 0o600)
	ps := []quota.Provider{&fake{id: "openai", sources: []string{p.OpenCodeAuth()}}}
	d := deps(p, nil)
	rep := Run(context.Background(), Options{Deps: d, Providers: ps, Loc: i18n.New("en")})
	if ExitCode(rep) != 0 {
		t.Fatalf("healthy home needs attention: %+v", rep.Findings)
	}
	if out := Render(rep, i18n.New("en")); !strings.Contains(out, "Everything looks fine") {
		t.Errorf("summary missing:\n%s", out)
	}
	if !has(rep, want{OK, CheckEndpoint, "", "", "", "No endpoint override"}) {
		t.Error("defaults not reported")
	}
}

func TestNothingConfigured(t *testing.T) {
	p := newHome(t)
	ps := []quota.Provider{&fake{id: "openai", sources: []string{p.OpenCodeAuth()}, disc: quota.ErrNotConfigured}}
	rep := Run(context.Background(), Options{Deps: deps(p, nil), Providers: ps, Loc: i18n.New("en")})
	if !has(rep, want{Warn, CheckPlatforms, "", "", "", "opencode auth login"}) || ExitCode(rep) != 1 {
		t.Fatalf("empty home not reported: %+v", rep.Findings)
	}
}

func TestExpiryTakesTheEarlierDate(t *testing.T) {
	p := newHome(t)
	write(t, p.OpenCodeAuth(), fmt.Sprintf(`{"openai": {"type": "oauth", "access": %q, "expires": %d}}`,
		jwt(fmt.Sprintf(`{"exp":%d}`, now.Add(-time.Minute).Unix())), now.Add(time.Hour).UnixMilli()), 0o600)
	ps := []quota.Provider{&fake{id: "openai", sources: []string{p.OpenCodeAuth()}, diag: openai.New(deps(p, nil))}}
	rep := Run(context.Background(), Options{Deps: deps(p, nil), Providers: ps, Loc: i18n.New("en")})
	if !has(rep, want{Warn, CheckExpiry, "openai", "", quota.KindTokenExpired, "Use an OpenAI model"}) {
		t.Fatalf("expired JWT behind a future \"expires\" not reported: %+v", rep.Findings)
	}
}

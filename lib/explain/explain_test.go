package explain

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mystatus/mystatus/i18n"
	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/provider/all"
	"github.com/mystatus/mystatus/lib/quota"
)

var testPaths = auth.Paths{
	Home:      "/home/u",
	XDGData:   "/home/u/.local/share",
	XDGConfig: "/home/u/.config",
	GOOS:      "linux",
}

// platforms are the registry's, and none ("").
var platforms = append([]quota.PlatformID{""}, all.IDs()...)

// catalogs reads the raw catalog files, so a message missing in one
// language is caught even though the localizer falls back to English.
func catalogs(t *testing.T) map[string]map[string]json.RawMessage {
	t.Helper()
	out := map[string]map[string]json.RawMessage{}
	for _, l := range i18n.Languages {
		data, err := os.ReadFile(filepath.Join("..", "..", "i18n", "active."+l+".json"))
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]json.RawMessage{}
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		out[l] = m
	}
	return out
}

func TestCatalogHasEveryKind(t *testing.T) {
	cats := catalogs(t)
	for _, k := range quota.Kinds {
		for _, part := range []string{"title", "meaning", "steps"} {
			id := "error." + string(k) + "." + part
			for l, m := range cats {
				if _, ok := m[id]; !ok {
					t.Errorf("%s: missing %s", l, id)
				}
			}
		}
	}
	// That every steps override names a known kind, platform and
	// variant is checked in package all, which knows the platforms.
}

// full sets every field, so every template branch renders.
func full(k quota.Kind) *quota.Error {
	return &quota.Error{Kind: k, Path: "/home/u/.local/share/opencode/auth.json", Field: "access", Status: 503,
		Code: "1308", URL: "https://api.z.ai/api/monitor/usage/quota/limit", Detail: "upstream said no",
		RetryAfter: 90 * time.Second, ResetAt: time.Now().Add(3*time.Hour + 12*time.Minute), Link: "https://accounts.google.com/verify",
		Reason: "invalid_grant: Token has been expired or revoked.", Since: time.Now().Add(-48 * time.Hour)}
}

func TestExplainRendersEveryKind(t *testing.T) {
	for _, lang := range i18n.Languages {
		loc := i18n.New(lang)
		for _, k := range quota.Kinds {
			for _, p := range platforms {
				for _, e := range []*quota.Error{{Kind: k}, full(k)} {
					x := explainFor(loc, p, e, testPaths)
					if x.Kind != k || x.Title == "" || x.Meaning == "" || len(x.Steps) == 0 || len(x.Steps) > 4 {
						t.Fatalf("%s/%s/%s: incomplete explanation %+v", lang, k, p, x)
					}
					all := x.Title + "\n" + x.Meaning + "\n" + strings.Join(x.Steps, "\n")
					if strings.Contains(all, "<no value>") || strings.Contains(all, "{{") || strings.Contains(all, "error.") {
						t.Errorf("%s/%s/%s: unrendered template in %q", lang, k, p, all)
					}
					if lang == "fr" && regexp.MustCompile(` [:;?!»]|« `).MatchString(all) {
						t.Errorf("%s/%s: French punctuation needs a non-breaking space: %q", k, p, all)
					}
				}
			}
		}
	}
}

func TestExplainPicksSteps(t *testing.T) {
	en := i18n.New("en")
	tests := []struct {
		name string
		p    quota.PlatformID
		err  *quota.Error
		want string // a substring of the steps
	}{
		{"openai renews by use", "openai", &quota.Error{Kind: quota.KindTokenExpired}, "Use an OpenAI model in OpenCode once"},
		{"anthropic renews by use", "anthropic", &quota.Error{Kind: quota.KindTokenExpired}, "Use a Claude model"},
		{"generic token expiry", "copilot", &quota.Error{Kind: quota.KindTokenExpired}, "Use GitHub Copilot once in OpenCode"},
		{"zhipu key", "zhipu", &quota.Error{Kind: quota.KindUnauthorized}, "regenerate it"},
		{"zai key path", "zai", &quota.Error{Kind: quota.KindUnauthorized}, `"zai-coding-plan" in /home/u/.local/share/opencode/auth.json`},
		{"copilot pat field", "copilot", &quota.Error{Kind: quota.KindFieldMissing, Path: "/home/u/.config/opencode/copilot-quota-token.json", Field: "tier"},
			"free, pro, pro+, business, enterprise"},
		{"copilot pat permission", "copilot", &quota.Error{Kind: quota.KindFieldMissing, Path: "/home/u/.config/opencode/copilot-quota-token.json", Field: "token"},
			"“Plan” set to “Read-only”"},
		{"copilot auth.json field", "copilot", &quota.Error{Kind: quota.KindFieldMissing, Path: "/home/u/.local/share/opencode/auth.json", Field: "refresh"},
			"opencode auth login"},
		{"copilot org seats", "copilot", &quota.Error{Kind: quota.KindNotFound, Status: 404}, "organization"},
		{"antigravity plugin revoked", "antigravity", &quota.Error{Kind: quota.KindRefreshRevoked, Path: "/home/u/.config/opencode/antigravity-accounts.json"},
			"`opencode auth login`, then choose Google"},
		{"antigravity manager revoked", "antigravity", &quota.Error{Kind: quota.KindRefreshRevoked, Path: "/home/u/.antigravity_tools/accounts/a.json"},
			"Re-add the same Google account in Antigravity-Manager"},
		{"project", "antigravity", &quota.Error{Kind: quota.KindProjectMissing}, "/home/u/.config/opencode/antigravity-accounts.json"},
		{"disabled", "antigravity", &quota.Error{Kind: quota.KindAccountDisabled, Reason: "invalid_grant: revoked"}, "invalid_grant"},
		{"chmod", "openai", &quota.Error{Kind: quota.KindFileUnreadable, Path: "/x/auth.json"}, "chmod 600 /x/auth.json"},
	}
	for _, tt := range tests {
		x := explainFor(en, tt.p, tt.err, testPaths)
		if got := strings.Join(x.Steps, "\n"); !strings.Contains(got, tt.want) {
			t.Errorf("%s: steps %q lack %q", tt.name, got, tt.want)
		}
	}
}

func TestExplainData(t *testing.T) {
	en := i18n.New("en")
	x := explainFor(en, "zai", &quota.Error{Kind: quota.KindRateLimited, RetryAfter: 45 * time.Second}, testPaths)
	if !strings.Contains(x.Meaning, "Z.ai") || !strings.Contains(x.Meaning, "45s") {
		t.Errorf("meaning %q lacks the platform name or the wait", x.Meaning)
	}
	x = explainFor(en, "openai", &quota.Error{Kind: quota.KindServerError, Status: 502}, testPaths)
	if x.Title != "Server error (502)" {
		t.Errorf("title = %q", x.Title)
	}
	x = explainFor(en, "antigravity", &quota.Error{Kind: quota.KindQuotaExhausted, ResetAt: time.Now().Add(2*time.Hour + 30*time.Minute)}, testPaths)
	if !strings.Contains(x.Meaning, "2h 30m") {
		t.Errorf("meaning %q lacks the time left", x.Meaning)
	}
	if x := explainFor(en, "openai", &quota.Error{}, testPaths); x.Kind != quota.KindInternal || strings.HasPrefix(x.Title, "error.") {
		t.Errorf("unclassified *quota.Error explained as %+v", x)
	}
	if x := explainFor(en, "openai", nil, testPaths); x.Kind != "" || x.Title != "" {
		t.Errorf("nil error explained as %+v", x)
	}
}

func TestExplainDetail(t *testing.T) {
	en := i18n.New("en")
	secret := "sk-CANARY-0123456789abcdef"
	long := strings.Repeat("word ", 100) + secret
	x := explainFor(en, "openai", &quota.Error{Kind: quota.KindMalformed, Detail: secret + " " + long}, testPaths)
	if strings.Contains(x.Detail, "CANARY") || len(x.Detail) > DetailLen+len("…") {
		t.Errorf("detail not scrubbed or truncated: %q", x.Detail)
	}
	// An unclassified error keeps its own text as detail, scrubbed.
	x = explainFor(en, "openai", errors.New("boom Bearer eyJCANARY.abc.def"), testPaths)
	if x.Kind != quota.KindInternal || !strings.Contains(x.Detail, "boom") || strings.Contains(x.Detail, "CANARY") {
		t.Errorf("unclassified error explained as %+v", x)
	}
}

func TestDuration(t *testing.T) {
	en, fr := i18n.New("en"), i18n.New("fr")
	tests := []struct {
		loc  *i18n.Localizer
		d    time.Duration
		want string
	}{
		{en, 1500 * time.Millisecond, "2s"},
		{en, 59 * time.Second, "59s"},
		{en, 61 * time.Second, "2m"},
		{en, 2*time.Hour + 30*time.Minute, "2h 30m"},
		{fr, 30 * time.Second, "30\u00a0s"},
	}
	for _, tt := range tests {
		if got := Duration(tt.loc, tt.d); got != tt.want {
			t.Errorf("Duration(%s, %v) = %q, want %q", tt.loc.Lang(), tt.d, got, tt.want)
		}
	}
}

// explainFor explains err as the surfaces do: with the description the
// registered platform p gives of itself for paths.
func explainFor(loc *i18n.Localizer, p quota.PlatformID, err error, paths auth.Paths) Explanation {
	for _, d := range all.Descriptions(provider.Deps{Auth: auth.NewStore(paths)}) {
		if d.ID == p {
			return For(loc, d, err, paths)
		}
	}
	return For(loc, provider.Description{ID: p}, err, paths)
}

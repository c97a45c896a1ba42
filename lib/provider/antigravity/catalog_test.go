package antigravity

import (
	"strings"
	"testing"
	"time"

	"github.com/mystatus/mystatus/i18n"
	"github.com/mystatus/mystatus/lib/explain"
	"github.com/mystatus/mystatus/lib/quota"
)

// TestFactCatalog renders the proxy-disabled fact in every language, with
// and without its optional data.
func TestFactCatalog(t *testing.T) {
	if !i18n.Has(FactProxyDisabled) {
		t.Fatalf("catalog lacks %s", FactProxyDisabled)
	}
	datas := []map[string]any{
		{"Reason": "quota_protection", "Since": time.Unix(1772186400, 0).UTC().Format("2006-01-02 15:04")},
		{"Reason": "manual"},
		{},
	}
	for _, lang := range i18n.Languages {
		l := i18n.New(lang)
		for _, d := range datas {
			s := l.T(FactProxyDisabled, d)
			if s == FactProxyDisabled || strings.Contains(s, "<no value>") || strings.Contains(s, "{{") {
				t.Errorf("%s %v: %q", lang, d, s)
			}
			for _, v := range d {
				if !strings.Contains(s, v.(string)) {
					t.Errorf("%s: %q lacks %q", lang, s, v)
				}
			}
		}
	}
}

// TestNameCatalog checks that the family names mystatus gives exist in
// every language and that zh and fr translate them.
func TestNameCatalog(t *testing.T) {
	for _, id := range []string{NameClaudeGPT, NameOther} {
		if !i18n.Has(id) {
			t.Fatalf("catalog lacks %s", id)
		}
		en := i18n.New("en").T(id, nil)
		for _, lang := range []string{"zh", "fr"} {
			if s := i18n.New(lang).T(id, nil); s == id || s == en {
				t.Errorf("%s %s = %q: not translated", lang, id, s)
			}
		}
	}
}

// TestClientErrorExplained checks that an incomplete client override is
// explained as such in every language, never as a bad base URL.
func TestClientErrorExplained(t *testing.T) {
	p := newProvider(homePaths(t.TempDir()), map[string]string{"MYSTATUS_GOOGLE_CLIENT_ID": "x.apps.googleusercontent.com"})
	err := ClientProblem(p.d.Settings)
	if err == nil {
		t.Fatal("no problem reported for an id without a secret")
	}
	for _, lang := range i18n.Languages {
		x := explain.For(i18n.New(lang), p.Describe(), err, p.d.Auth.Paths)
		all := x.Title + x.Meaning + strings.Join(x.Steps, "\n")
		if strings.Contains(all, "/v1/v1") || !strings.Contains(x.Meaning, "MYSTATUS_GOOGLE_CLIENT_SECRET") ||
			!strings.Contains(x.Meaning, "MYSTATUS_GOOGLE_CLIENT_ID") {
			t.Errorf("%s: %+v", lang, x)
		}
	}
	// A project-less answer names the tier.
	x := explain.For(i18n.New("fr"), p.Describe(), &quota.Error{Kind: quota.KindProjectMissing, Reason: "free-tier"}, p.d.Auth.Paths)
	if !strings.Contains(x.Meaning, "free-tier") {
		t.Errorf("project missing: %q lacks the tier", x.Meaning)
	}
}

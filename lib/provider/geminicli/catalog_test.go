package geminicli

import (
	"strings"
	"testing"

	"github.com/mystatus/mystatus/i18n"
	"github.com/mystatus/mystatus/lib/explain"
	"github.com/mystatus/mystatus/lib/quota"
)

// stepKinds are the kinds whose generic steps speak of OpenCode: the
// catalogs give Gemini CLI its own.
var stepKinds = []quota.Kind{
	quota.KindRefreshRevoked, quota.KindUnauthorized, quota.KindTokenExpired, quota.KindFieldMissing,
	quota.KindFileMalformed, quota.KindFileMissing, quota.KindProjectMissing, quota.KindForbidden,
	quota.KindClientMismatch,
}

// TestCatalog: every message of the platform exists in every language,
// translated, and its fix steps name the login file, never OpenCode.
func TestCatalog(t *testing.T) {
	p := newProvider(t, "/home/u", nil)
	d := p.Describe()
	path := CredsPath(p.d)
	for _, id := range []string{"platform.geminicli.name", "platform.geminicli.short", FactRenewed} {
		if !i18n.Has(id) {
			t.Errorf("catalog lacks %s", id)
		}
	}
	for _, lang := range i18n.Languages {
		loc := i18n.New(lang)
		if s := loc.T(FactRenewed, map[string]any{"At": "12:00"}); !strings.Contains(s, "12:00") || strings.Contains(s, "<no value>") {
			t.Errorf("%s: %q", lang, s)
		}
		for _, k := range stepKinds {
			if id := "error." + string(k) + ".steps." + string(ID); !i18n.Has(id) {
				t.Errorf("catalog lacks %s", id)
				continue
			}
			for _, field := range []string{"refresh_token", ""} {
				x := explain.For(loc, d, &quota.Error{Kind: k, Path: path, Field: field}, p.d.Auth.Paths)
				steps := strings.Join(x.Steps, "\n")
				if len(x.Steps) < 2 || strings.Contains(steps, "<no value>") || strings.Contains(steps, "opencode") || !strings.Contains(steps, "`gemini`") {
					t.Errorf("%s %s: %q", lang, k, x.Steps)
				}
				// Every fix but the account's own (a project, a permission)
				// is about the login file: it is named.
				if k != quota.KindForbidden && k != quota.KindProjectMissing && !strings.Contains(steps, path) {
					t.Errorf("%s %s: steps do not name %s: %q", lang, k, path, x.Steps)
				}
			}
		}
		if lang != "en" {
			en := i18n.New("en")
			for _, k := range stepKinds {
				id := "error." + string(k) + ".steps." + string(ID)
				if loc.T(id, map[string]any{}) == en.T(id, map[string]any{}) {
					t.Errorf("%s: %s not translated", lang, id)
				}
			}
		}
	}
}

package antigravity

import (
	"strings"
	"testing"
	"time"

	"github.com/mystatus/mystatus/i18n"
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

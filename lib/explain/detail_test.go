package explain

import (
	"strings"
	"testing"
	"time"

	"github.com/mystatus/mystatus/i18n"
	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/quota"
)

// TestDetailLocalized: a detail in mystatus's own words is shown in the
// user's language (nested parts, numbers and dates too), the upstream part
// verbatim, and the error keeps its English text for logs.
func TestDetailLocalized(t *testing.T) {
	body := `<html>Sign in</html>`
	inner := quota.Detailed(quota.KindMalformed, "detail.json.not_json", nil)
	e := (&quota.Error{Kind: quota.KindMalformed}).With("detail.body", map[string]any{"Why": inner.DetailMsg(), "Body": body})
	big := (&quota.Error{Kind: quota.KindMalformed}).With("detail.http.body_too_large", map[string]any{"Limit": int64(1 << 20)})
	at := time.Date(2023, 11, 14, 22, 13, 20, 0, time.UTC)
	exp := (&quota.Error{Kind: quota.KindTokenExpired}).With("detail.token.expired", map[string]any{"At": at})
	if e.Detail != "not JSON: "+body || big.Detail != "response body larger than 1048576 bytes" ||
		exp.Detail != "expired 2023-11-14T22:13:20Z" {
		t.Fatalf("English details: %q, %q, %q", e.Detail, big.Detail, exp.Detail)
	}
	for _, tt := range []struct {
		lang            string
		body, big, year string
	}{
		{"en", "not JSON: " + body, "1,048,576 bytes", "2023"},
		{"zh", "不是 JSON：" + body, "1,048,576 字节", "2023年"},
		{"fr", "pas du JSON\u00a0: " + body, "1\u202f048\u202f576 octets", "le 14/11/2023 à"},
	} {
		loc := i18n.New(tt.lang)
		if got := explainFor(loc, "openai", e, auth.Paths{}).Detail; got != tt.body {
			t.Errorf("%s: detail %q, want %q", tt.lang, got, tt.body)
		}
		if got := explainFor(loc, "openai", big, auth.Paths{}).Detail; !strings.Contains(got, tt.big) {
			t.Errorf("%s: detail %q lacks %q", tt.lang, got, tt.big)
		}
		if got := explainFor(loc, "anthropic", exp, auth.Paths{}).Detail; !strings.Contains(got, tt.year) {
			t.Errorf("%s: detail %q lacks %q", tt.lang, got, tt.year)
		}
	}
	// Upstream text has no ID and stays as written.
	up := &quota.Error{Kind: quota.KindServerError, Detail: "Internal error encountered."}
	if got := explainFor(i18n.New("zh"), "openai", up, auth.Paths{}).Detail; got != up.Detail {
		t.Errorf("upstream detail changed: %q", got)
	}
}

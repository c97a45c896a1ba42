// Package explain turns a classified failure into what the seed FAQs give
// for every error: a short title, what it means, and the numbered steps
// that fix it, all localized, plus the upstream's own message with
// secrets scrubbed.
//
// # Catalog scheme
//
// For a kind k (a [quota.Kind] value such as "token_expired"):
//
//   - "error.<k>.title"   one line;
//   - "error.<k>.meaning" one or two sentences;
//   - "error.<k>.steps"   the steps, one per line, without numbers (the
//     renderer numbers them).
//
// Steps may be specialised, most specific first:
// "error.<k>.steps.<platform>.<variant>", then "error.<k>.steps.<platform>",
// then "error.<k>.steps". A [quota.Error] Code listed in [CodeMessages]
// ("error.<k>.meaning.<code>", "error.<k>.steps.<code>") wins over both:
// it names a different problem of the same kind. The variant names the
// credential source the error is about: the platform derives it from the
// error's Path ([provider.Description].Variant: "pat" for Copilot's PAT
// file, "manager" for Antigravity-Manager's store, "codex" and
// "claude-code" for the vendor CLIs' logins).
//
// Templates see the [quota.Error] fields (Platform as a localized name,
// Path, Field, Status, Code, URL, RetryAfter and ResetIn as localized
// durations, ResetAt and Since as localized local times, Link, Reason),
// AuthPath (OpenCode's auth.json) and the paths the platform's fixes
// point at ([provider.Description].FixData: PATPath, AntigravityPath,
// ManagerDir, CodexPath, ClaudeCodePath…).
package explain

import (
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mystatus/mystatus/i18n"
	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/httpx"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/quota"
	"github.com/mystatus/mystatus/lib/render"
)

// DetailLen is how much of the upstream's message an explanation keeps.
const DetailLen = 200

// Explanation is one failure explained for a user.
type Explanation struct {
	Kind    quota.Kind `json:"kind"`
	Title   string     `json:"title"`
	Meaning string     `json:"meaning"`
	Steps   []string   `json:"steps"`
	// Detail is the upstream's own message, untranslated, truncated and
	// scrubbed of anything that looks like a secret.
	Detail string `json:"detail,omitempty"`
}

// For localizes err for the platform d describes (the zero Description
// when the failure is not tied to one platform): its fix steps may be the
// variant d.Variant names for the error's path, and their templates see
// d.FixData beside the error's own fields.
func For(loc *i18n.Localizer, d provider.Description, err error, paths auth.Paths) Explanation {
	if err == nil {
		return Explanation{}
	}
	e := quota.AsError(err)
	data := templateData(loc, d.ID, e, paths)
	for k, v := range d.FixData {
		if _, ok := data[k]; !ok {
			data[k] = v
		}
	}
	v := ""
	if d.Variant != nil && e.Path != "" {
		v = d.Variant(e.Path)
	}
	k := e.Kind
	if k == "" {
		k = quota.KindInternal // a classification bug upstream of here
	}
	x := Explanation{
		Kind:    k,
		Title:   loc.T("error."+string(k)+".title", data),
		Meaning: loc.T(codeID("error."+string(k)+".meaning", e.Code), data),
		Steps:   Lines(loc.T(codeID(stepsID(k, d.ID, v), e.Code), data)),
	}
	if e.DetailID != "" && i18n.Has(e.DetailID) {
		// Our own words, their upstream parts already cut: keep the
		// language's spacing (Truncate folds U+00A0 and U+202F), bound
		// the length all the same.
		x.Detail = cut(Scrub(Detail(loc, e.DetailMsg())), DetailLen)
		return x
	}
	detail := e.Detail
	var qe *quota.Error
	if detail == "" && !errors.As(err, &qe) {
		// An unclassified error has no Detail; its text is the only clue.
		detail = err.Error()
	}
	x.Detail = httpx.Truncate(Scrub(detail), DetailLen)
	return x
}

// FixData merges what every platform's fix steps name, for messages about
// no platform in particular (doctor's "nothing configured" steps).
func FixData(ds []provider.Description) map[string]any {
	m := map[string]any{}
	for _, d := range ds {
		for k, v := range d.FixData {
			m[k] = v
		}
	}
	return m
}

// Detail localizes a detail: mystatus's own words (m.ID, a "detail.*"
// message) in loc's language, times as local complements with their
// preposition ("expired {{.At}}", see render.WhenAt), integers in the
// language's number format and nested messages localized in turn;
// upstream text (no ID) verbatim.
func Detail(loc *i18n.Localizer, m quota.Msg) string {
	if m.ID == "" || !i18n.Has(m.ID) {
		return m.Text
	}
	data := make(map[string]any, len(m.Data))
	for k, v := range m.Data {
		switch v := v.(type) {
		case time.Time:
			data[k] = render.WhenAt(loc, v, time.Now(), time.Local)
		case quota.Msg:
			data[k] = Detail(loc, v)
		case int:
			data[k] = render.Number(loc, float64(v), "")
		case int64:
			data[k] = render.Number(loc, float64(v), "")
		default:
			data[k] = v
		}
	}
	return loc.T(m.ID, data)
}

// cut bounds s to about n bytes (a whole rune) plus "…", and to one line.
func cut(s string, n int) string {
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' || r == '\t' }), " ")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// CodeMessages are the quota.Error codes with messages of their own
// ("error.<kind>.meaning.<code>", "error.<kind>.steps.<code>"). Codes are
// listed so that an upstream's own code never picks a message by chance.
var CodeMessages = []string{
	"oauth_client_incomplete", // antigravity.CodeClientIncomplete
	"token_invalidated",       // openai: a 401 for a login revoked server-side
	"token_revoked",           // openai: the same, as Codex names it
}

// codeID specialises a message by the error's Code when the catalogs have
// "<id>.<code>" (e.g. a bad_config that is not about a base URL), and
// keeps id otherwise. For steps, a code message wins over the platform's.
func codeID(id, code string) string {
	if !slices.Contains(CodeMessages, code) {
		return id
	}
	base := id
	if i := strings.Index(id, ".steps"); i >= 0 {
		base = id[:i+len(".steps")]
	}
	if i18n.Has(base + "." + code) {
		return base + "." + code
	}
	return id
}

// stepsID picks the most specific steps message the catalogs define.
func stepsID(k quota.Kind, p quota.PlatformID, v string) string {
	base := "error." + string(k) + ".steps"
	if p != "" {
		if v != "" && i18n.Has(base+"."+string(p)+"."+v) {
			return base + "." + string(p) + "." + v
		}
		if i18n.Has(base + "." + string(p)) {
			return base + "." + string(p)
		}
	}
	return base
}

// templateData is the template data for e's messages.
func templateData(loc *i18n.Localizer, p quota.PlatformID, e *quota.Error, paths auth.Paths) map[string]any {
	d := map[string]any{
		"Platform":   PlatformName(loc, p),
		"Path":       e.Path,
		"Field":      e.Field,
		"Status":     e.Status,
		"Code":       e.Code,
		"URL":        e.URL,
		"Link":       e.Link,
		"Reason":     httpx.Truncate(Scrub(e.Reason), DetailLen),
		"RetryAfter": "",
		"ResetAt":    "",
		"ResetIn":    "",
		"ResetOn":    "",
		"Since":      "",
		"AuthPath":   paths.OpenCodeAuth(),
	}
	if e.RetryAfter > 0 {
		d["RetryAfter"] = Duration(loc, e.RetryAfter)
	}
	now := time.Now()
	if !e.ResetAt.IsZero() {
		d["ResetAt"] = DateTime(loc, e.ResetAt, now)
		d["ResetOn"] = render.WhenAt(loc, e.ResetAt, now, time.Local) // "at 14:35", "le 21/11 à 04:40"
		if in := e.ResetAt.Sub(now); in > 0 {
			d["ResetIn"] = Duration(loc, in)
		}
	}
	if !e.Since.IsZero() {
		d["Since"] = DateTime(loc, e.Since, now)
	}
	return d
}

// PlatformName is the localized name of p ("platform.<id>.name"), the ID
// itself when the catalogs lack it, and a generic word when p is empty.
func PlatformName(loc *i18n.Localizer, p quota.PlatformID) string {
	if p == "" {
		return loc.T("explain.platform.unknown", nil)
	}
	if id := "platform." + string(p) + ".name"; i18n.Has(id) {
		return loc.T(id, nil)
	}
	return string(p)
}

// Lines splits a steps message into its non-empty lines.
func Lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// Scrub removes anything that looks like a credential from s; see
// [quota.Scrub].
func Scrub(s string) string { return quota.Scrub(s) }

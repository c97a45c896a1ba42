package i18n

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
)

func readCatalog(t *testing.T, lang string) map[string]map[string]string {
	t.Helper()
	data, err := os.ReadFile("active." + lang + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatalf("%s: %v", lang, err)
	}
	out := map[string]map[string]string{}
	for id, v := range raw {
		var s string
		if json.Unmarshal(v, &s) == nil {
			out[id] = map[string]string{"other": s}
			continue
		}
		var m map[string]string
		if err := json.Unmarshal(v, &m); err != nil {
			t.Fatalf("%s: %s: %v", lang, id, err)
		}
		delete(m, "description")
		delete(m, "hash")
		out[id] = m
	}
	return out
}

var placeholder = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)

func placeholders(forms map[string]string) []string {
	set := map[string]bool{}
	for _, s := range forms {
		for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
			set[m[1]] = true
		}
	}
	var out []string
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestCatalogsLoad(t *testing.T) {
	if err := LoadError(); err != nil {
		t.Fatal(err)
	}
}

// TestCatalogsComplete fails when a language lacks a message, a plural
// form or a placeholder that English has.
func TestCatalogsComplete(t *testing.T) {
	en := readCatalog(t, "en")
	if len(en) == 0 {
		t.Fatal("empty English catalog")
	}
	for _, lang := range Languages {
		cat := readCatalog(t, lang)
		for id, enForms := range en {
			f, ok := cat[id]
			if !ok {
				t.Errorf("%s: missing message %q", lang, id)
				continue
			}
			plural := len(enForms) > 1 || enForms["one"] != ""
			if plural {
				// go-i18n reports a plural form the language's CLDR rules
				// need but the catalog lacks; the rules come from go-i18n
				// itself, so a new language needs no code change.
				b, _ := bundleFor(lang)
				loc := goi18n.NewLocalizer(b, lang)
				for _, c := range []any{0, 1, 2, 3, 5, 11, 21, 100, "1.5", 1000000} {
					if _, err := loc.Localize(&goi18n.LocalizeConfig{MessageID: id, PluralCount: c, TemplateData: map[string]any{"Count": c}}); err != nil {
						t.Errorf("%s: message %q, count %v: %v", lang, id, c, err)
					}
				}
			} else if strings.TrimSpace(f["other"]) == "" && id != "unit.separator" {
				t.Errorf("%s: message %q is empty", lang, id)
			}
			if got, want := placeholders(f), placeholders(enForms); strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("%s: message %q has placeholders %v, English has %v", lang, id, got, want)
			}
		}
		for id := range cat {
			if _, ok := en[id]; !ok {
				t.Errorf("%s: message %q is not in the English catalog", lang, id)
			}
		}
	}
}

// TestFrenchTypography checks the no-break space (U+00A0, as
// CONTRIBUTING.md says) before high punctuation (: ; ? !) and inside « »
// in French messages.
func TestFrenchTypography(t *testing.T) {
	bad := regexp.MustCompile(`[^\x{00A0}\s/:` + "`" + `\w"'({]([:;?!])(\s|$)| ([:;?!])(\s|$)|«[^\x{00A0}]|[^\x{00A0}]»`)
	for id, f := range readCatalog(t, "fr") {
		for form, s := range f {
			// Ignore code spans, URLs, times and paths.
			clean := regexp.MustCompile("`[^`]*`|https?://\\S+|\\d+:\\d+").ReplaceAllString(s, "")
			clean = regexp.MustCompile(`\{\{[^}]*\}\}`).ReplaceAllString(clean, "X")
			if m := bad.FindString(clean); m != "" {
				t.Errorf("fr: %s (%s): %q lacks a non-breaking space before %q", id, form, s, strings.TrimSpace(m))
			}
		}
	}
}

// TestRenderEveryMessage renders every message in every language with
// sample data: no error text and no "<no value>".
func TestRenderEveryMessage(t *testing.T) {
	en := readCatalog(t, "en")
	for _, lang := range Languages {
		loc := New(lang)
		for id, f := range en {
			data := map[string]any{}
			for _, p := range placeholders(f) {
				data[p] = "X"
			}
			counts := []any{nil}
			if len(f) > 1 || f["one"] != "" {
				counts = []any{0, 1, 2, "1.5", 1000000}
			}
			for _, c := range counts {
				var s string
				if c == nil {
					s = loc.T(id, data)
				} else {
					s = loc.N(id, c, data)
				}
				if strings.Contains(s, "<no value>") || (s == id && id != "unit.separator") {
					t.Errorf("%s: %s renders %q", lang, id, s)
				}
			}
		}
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		explicit string
		env      map[string]string
		want     string
	}{
		{"", nil, "en"},
		{"fr", map[string]string{"MYSTATUS_LANG": "zh"}, "fr"},
		{"", map[string]string{"MYSTATUS_LANG": "zh-CN", "LANG": "fr_FR.UTF-8"}, "zh"},
		{"", map[string]string{"LC_ALL": "zh_CN.UTF-8"}, "zh"},
		{"", map[string]string{"LC_ALL": "C", "LANG": "fr_FR@euro"}, "fr"},
		{"", map[string]string{"LC_MESSAGES": "fr_CA.UTF-8", "LANG": "zh_TW"}, "fr"},
		{"", map[string]string{"LANG": "zh_TW.Big5"}, "zh"},
		{"", map[string]string{"LANGUAGE": "fr:en"}, "fr"},
		{"", map[string]string{"LANG": "de_DE.UTF-8"}, "en"},
		{"POSIX", map[string]string{"LANG": "fr_FR"}, "fr"},
		{"xx-invalid-!!", nil, "en"},
	}
	for _, tt := range tests {
		got := Detect(tt.explicit, func(k string) string { return tt.env[k] })
		if got != tt.want {
			t.Errorf("Detect(%q, %v) = %q, want %q", tt.explicit, tt.env, got, tt.want)
		}
	}
}

// len is the number of entries r remembers.
func (r *remembered) len() int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return len(r.m)
}

// TestMatchRemembers: Match answers as the matcher does, the first time
// and every time after (remembered), and remembers at most matchedSize
// preferences.
func TestMatchRemembers(t *testing.T) {
	want := map[string]string{"": "en", "fr": "fr", "fr_CA.UTF-8": "fr", "zh-Hant-TW": "zh", "zh_CN.UTF-8": "zh",
		"de": "en", "en-GB": "en", "POSIX": "en", "xx-invalid-!!": "en", " FR ": "fr"}
	for range 3 {
		for pref, lang := range want {
			if got := Match(pref); got != lang || got != match(pref) {
				t.Errorf("Match(%q) = %q, want %q (unremembered: %q)", pref, got, lang, match(pref))
			}
		}
	}
	for i := range 3 * matchedSize {
		Match(fmt.Sprintf("x-%d", i))
		n := matched.len()
		if n > matchedSize {
			t.Fatalf("%d preferences remembered, over %d", n, matchedSize)
		}
	}
}

func TestLanguagesFromCatalogFiles(t *testing.T) {
	if strings.Join(Languages, ",") != "en,fr,zh" {
		t.Errorf("Languages = %v", Languages)
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{"zh_CN.UTF-8": "zh-CN", "fr_FR@euro": "fr-FR", "C": "", "": "", "en": "en"} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMissingMessageFallsBack(t *testing.T) {
	if got := New("fr").T("no.such.message", nil); got != "no.such.message" {
		t.Errorf("got %q", got)
	}
}

// TestPlatformNameSpacing: in Chinese a platform name gets a space beside
// Han text when it is Latin and none when it is Han, whatever the message.
func TestPlatformNameSpacing(t *testing.T) {
	tests := []struct{ in, want string }{
		{"OpenCode 保存的\ue000OpenAI\ue001 访问令牌已过期。", "OpenCode 保存的 OpenAI 访问令牌已过期。"},
		{"OpenCode 保存的\ue000智谱\ue001 访问令牌已过期。", "OpenCode 保存的智谱访问令牌已过期。"},
		{"\ue000智谱\ue001 账号额度", "智谱账号额度"},
		{"\ue000GitHub Copilot\ue001 账号额度", "GitHub Copilot 账号额度"},
		{"请求在\ue000Z.ai\ue001 响应之前被中断。", "请求在 Z.ai 响应之前被中断。"},
		{"选择\ue000OpenAI\ue001（ChatGPT Plus/Pro）", "选择 OpenAI（ChatGPT Plus/Pro）"},
		{"登录\ue000智谱\ue001 控制台", "登录智谱控制台"},
		{"无名：\ue000Kimi\ue001", "无名：Kimi"},
		{"\ue000MiniMax（中国大陆）\ue001 账号额度", "MiniMax（中国大陆）账号额度"},
		{"upstream 令牌 已过期", "upstream 令牌 已过期"}, // unmarked text stays verbatim
	}
	for _, tc := range tests {
		if got := spaceName(tc.in); got != tc.want {
			t.Errorf("spaceName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	zh := New("zh")
	for name, want := range map[string]string{"智谱": "智谱账号额度", "OpenAI": "OpenAI 账号额度"} {
		if got := zh.T("title.platform", map[string]any{"Platform": name}); got != want {
			t.Errorf("title.platform %s = %q, want %q", name, got, want)
		}
	}
	data := map[string]any{"Platform": "OpenAI"}
	if New("en").T("title.platform", data); data["Platform"] != "OpenAI" {
		t.Errorf("T changed the caller's data")
	}
	zh.T("title.platform", data)
	if data["Platform"] != "OpenAI" {
		t.Errorf("T changed the caller's data")
	}
}

// LoadError reports a catalog that fails to load.
func LoadError() error {
	for _, l := range Languages {
		if _, err := bundleFor(l); err != nil {
			return err
		}
	}
	return nil
}

// TestMemo checks that remembered renderings are keyed by everything
// that changes the text (the id, the count and its plural form, every
// data value and its type): each call, first or remembered, gives what
// go-i18n renders afresh; and that the memo stays bounded.
func TestMemo(t *testing.T) {
	fr := New("fr")
	cases := []struct {
		name  string
		count any
		id    string
		data  map[string]any
	}{
		{"plural one", 1, "unit.minutes", nil},
		{"plural other", 2, "unit.minutes", nil},
		{"decimal count", "1,5", "unit.minutes", nil},
		{"data value", nil, "line.pct", map[string]any{"Pct": 42}},
		{"other data value", nil, "line.pct", map[string]any{"Pct": 43}},
		{"string data", nil, "line.pct", map[string]any{"Pct": "42"}},
		{"unkeyed type", nil, "line.pct", map[string]any{"Pct": 1.5}},
		{"two keys", nil, "line.period", map[string]any{"Period": "x", "Other": 1}},
	}
	seen := map[string]string{}
	for _, c := range cases {
		var want string
		if c.count != nil {
			want = fr.n(c.id, c.count, nil)
		} else {
			want = fr.t(c.id, c.data)
		}
		for round := range 2 { // the second round is served from the memo
			var got string
			if c.count != nil {
				got = fr.N(c.id, c.count, nil)
			} else {
				got = fr.T(c.id, c.data)
			}
			if got != want {
				t.Errorf("%s, round %d: %q, want %q", c.name, round, got, want)
			}
		}
		if prev, dup := seen[want]; dup && c.name != "string data" {
			t.Errorf("%s renders as %s: %q", c.name, prev, want)
		}
		seen[want] = c.name
	}
	en := New("en")
	for i := range memoSize + 10 {
		en.N("unit.minutes", i, nil)
	}
	n := en.memo.len()
	if n > memoSize {
		t.Errorf("memo holds %d renderings, bound %d", n, memoSize)
	}
	if got, want := en.N("unit.minutes", 5, nil), en.n("unit.minutes", 5, nil); got != want || !strings.Contains(got, "5") {
		t.Errorf("after the memo was emptied: %q, want %q", got, want)
	}
}

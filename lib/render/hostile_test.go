package render

import (
	"encoding/json"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/mystatus/mystatus/i18n"
	"github.com/mystatus/mystatus/lib/quota"
)

// hostile carries terminal controls and out-of-range figures in every
// field of outside origin.
func hostile() quota.Report {
	const evil = "a\x1b[2J\x1b]0;title\x07b\rc\x00d\x7fe\u0085f\u009b31mg\u202eh\ni\x1bPdcs\x1b\\j\x1b"
	nan, inf, big := math.NaN(), math.Inf(1), 1.2e29
	ninf := math.Inf(-1)
	h := time.Hour
	return quota.Report{GeneratedAt: now, Results: []quota.Result{
		{Platform: "openai", Accounts: []quota.Account{{Name: evil, Plan: evil, Period: evil, Windows: []quota.Window{
			{Kind: quota.KindRate, Period: 5 * h, UsedPct: big, ResetAt: now.Add(h)},
			{Kind: quota.KindRate, Period: 7 * 24 * h, UsedPct: -46, ResetAt: now.Add(h)},
			{Kind: quota.KindModel, Name: evil, UsedPct: nan, Scope: evil, Disabled: evil},
			{Kind: quota.KindModel, Name: evil, UsedPct: inf, Compact: true},
			{Kind: quota.KindModel, Name: evil, UsedPct: ninf, Compact: true, Used: &nan, Limit: &big},
			{Kind: quota.KindTokens, UsedPct: 50, Used: &inf, Limit: &big, Unit: "tokens"},
			{Kind: quota.KindBalance, Name: evil, Money: &quota.MoneyFigures{Balance: &quota.Money{Minor: math.MaxInt64, Decimals: 2, Currency: evil}}},
		}, Overage: &nan, Credits: &quota.Credits{Balance: evil, Currency: evil},
			Breakdown: []quota.Usage{{Name: evil, Count: inf}, {Name: evil, Count: 3}},
			Facts:     []quota.Fact{{ID: "line.period", Data: map[string]any{"Period": evil}}}}}},
		{Platform: "zhipu", Err: &quota.Error{Kind: quota.KindServerError, Detail: evil}},
		{Platform: "copilot", Accounts: []quota.Account{{Name: evil, Err: &quota.Error{Kind: quota.KindUnauthorized, Detail: evil}}}},
	}}
}

var (
	pctRE   = regexp.MustCompile(`(-?\d+)\s?%`)
	badText = []string{"NaN", "Inf", "-9223372036854775808", "9223372036854775807", "e+"}
)

// checkPrintable fails on any control character but newline (and the
// colour codes asked for), any out-of-range percentage or garbage number.
func checkPrintable(t *testing.T, what, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Errorf("%s: invalid UTF-8", what)
	}
	for _, r := range s {
		if (r < 0x20 && r != '\n') || r == 0x7f || (r >= 0x80 && r < 0xa0) || (r >= 0x202a && r <= 0x202e) {
			t.Errorf("%s: control character %U in output:\n%q", what, r, s)
			return
		}
	}
	for _, m := range pctRE.FindAllStringSubmatch(s, -1) {
		if n, _ := strconv.Atoi(m[1]); n < 0 || n > 100 {
			t.Errorf("%s: percentage %s out of range", what, m[0])
		}
	}
	for _, b := range badText {
		if strings.Contains(s, b) {
			t.Errorf("%s: %q printed:\n%s", what, b, s)
		}
	}
}

func TestHostileStringsAndFigures(t *testing.T) {
	rep := hostile()
	for _, lang := range i18n.Languages {
		loc := i18n.New(lang)
		for _, term := range []bool{false, true} {
			for _, show := range []string{ShowRemaining, ShowUsed} {
				opts := Options{Now: now, Location: time.UTC, Terminal: term, Show: show}
				checkPrintable(t, lang+" markdown", Markdown(rep, loc, opts))
			}
		}
		checkPrintable(t, lang+" line", Line(rep, loc, Options{Now: now}))
		if _, err := json.Marshal(JSON(rep, loc, Options{Now: now})); err != nil {
			t.Errorf("%s: JSON of out-of-range figures: %v", lang, err)
		}
	}
	if in := rep.Results[0].Accounts[0].Windows[0].UsedPct; in != 1.2e29 {
		t.Errorf("the caller's report was modified (UsedPct %v)", in)
	}
}

func TestClean(t *testing.T) {
	tests := map[string]string{
		"plain":                         "plain",
		"a\x1b[31mred\x1b[0m":           "ared",
		"x\x1b]8;;http://e\x1b\\link":   "xlink",
		"bell\x07 cr\r lf\nnul\x00":     "bell cr lf nul",
		"c1\u009b2J\u0085 ok":           "c12J ok",
		"bidi\u202egnp.exe":             "bidignp.exe",
		"tab\tend\x1b":                  "tab end",
		"日本\x1b(B語":                     "日本語",
		"bad \xff utf8":                 "bad \uFFFD utf8",
		"osc unterminated \x1b]0;rest…": "osc unterminated ",
	}
	for in, want := range tests {
		if got := Clean(in); got != want {
			t.Errorf("Clean(%q) = %q, want %q", in, got, want)
		}
	}
	if got := CleanText("line1\nline2\tx\x1b[K"); got != "line1\nline2\tx" {
		t.Errorf("CleanText = %q", got)
	}
}

func FuzzClean(f *testing.F) {
	for _, s := range []string{"a\x1b[2Jb", "\x1b]0;t\x07", "\u009b\u202e", "\xff\xfe", "x\x1b", "ok"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, multi := range []bool{false, true} {
			c := clean(s, multi)
			if !utf8.ValidString(c) {
				t.Fatalf("invalid UTF-8 from %q", s)
			}
			for _, r := range c {
				if (r < 0x20 && !(multi && (r == '\n' || r == '\t'))) || r == 0x7f || (r >= 0x80 && r < 0xa0) {
					t.Fatalf("control %U survives in %q (from %q)", r, c, s)
				}
			}
			if again := clean(c, multi); again != c {
				t.Fatalf("not idempotent: %q → %q → %q", s, c, again)
			}
		}
	})
}

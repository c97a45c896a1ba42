package render

import (
	"math"
	"testing"
	"time"
	"unicode"

	"golang.org/x/text/width"

	"github.com/mystatus/mystatus/i18n"
	"github.com/mystatus/mystatus/lib/quota"
)

func TestRound(t *testing.T) {
	for in, want := range map[float64]int{2.5: 3, 2.49: 2, -2.5: -2, 0: 0, 99.5: 100, 85.5: 86} {
		if got := Round(in); got != want {
			t.Errorf("Round(%v) = %d, want %d", in, got, want)
		}
	}
}

func TestBar(t *testing.T) {
	tests := []struct {
		pct   float64
		cells int
		want  string
	}{
		{85, 30, "██████████████████████████░░░░"}, // 25.5 rounds up
		{0, 20, "░░░░░░░░░░░░░░░░░░░░"},
		{100, 20, "████████████████████"},
		{-3, 10, "░░░░░░░░░░"},
		{140, 10, "██████████"},
		{50, 10, "█████░░░░░"},
	}
	for _, tt := range tests {
		if got := Bar(tt.pct, tt.cells); got != tt.want {
			t.Errorf("Bar(%v, %d) = %q, want %q", tt.pct, tt.cells, got, tt.want)
		}
	}
}

func TestDuration(t *testing.T) {
	tests := []struct {
		d          time.Duration
		en, zh, fr string
	}{
		{0, "0m", "0分钟", "0\u00a0min"},
		{59 * time.Second, "0m", "0分钟", "0\u00a0min"},
		{60 * time.Second, "1m", "1分钟", "1\u00a0min"},
		{2*time.Hour + 30*time.Minute, "2h 30m", "2小时30分钟", "2\u00a0h 30\u00a0min"},
		{4 * time.Hour, "4h", "4小时", "4\u00a0h"},
		{26 * time.Hour, "1d 2h", "1天2小时", "1\u00a0j 2\u00a0h"},
		{24 * time.Hour, "1d", "1天", "1\u00a0j"},
		{-time.Hour, "0m", "0分钟", "0\u00a0min"},
	}
	for _, tt := range tests {
		for lang, want := range map[string]string{"en": tt.en, "zh": tt.zh, "fr": tt.fr} {
			if got := Duration(i18n.New(lang), tt.d); got != want {
				t.Errorf("%s Duration(%v) = %q, want %q", lang, tt.d, got, want)
			}
		}
	}
}

func TestPeriod(t *testing.T) {
	loc := i18n.New("en")
	tests := map[time.Duration]string{
		5 * time.Hour:         "5-hour",
		12 * time.Hour:        "12-hour",
		24 * time.Hour:        "1-day",
		7 * 24 * time.Hour:    "7-day",
		2628000 * time.Second: "monthly",
		30 * 24 * time.Hour:   "monthly",
		36 * time.Hour:        "36-hour",
		0:                     "",
		30 * time.Minute:      "30-minute",
	}
	for d, want := range tests {
		if got := Period(loc, d); got != want {
			t.Errorf("Period(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestNumber(t *testing.T) {
	tests := []struct {
		v    float64
		unit string
		want string
		fr   string
	}{
		{8.2e6, "tokens", "8.2M", "8,2\u00a0M"}, {40e6, "tokens", "40.0M", "40,0\u00a0M"}, {500, "tokens", "500", "500"},
		{177, "requests", "177", "177"}, {12.345, "", "12.35", "12,35"}, {1.5, "", "1.5", "1,5"},
		{149.5, "requests", "149.5", "149,5"}, {1000, "calls", "1,000", "1\u202f000"},
		{12345, "calls", "12,345", "12\u202f345"}, {-3, "", "-3", "-3"},
		{math.NaN(), "", "–", "–"}, {math.Inf(1), "", "–", "–"}, {1.2e29, "calls", "–", "–"},
	}
	en, fr := i18n.New("en"), i18n.New("fr")
	for _, tt := range tests {
		if got := Number(en, tt.v, tt.unit); got != tt.want {
			t.Errorf("en Number(%v, %q) = %q, want %q", tt.v, tt.unit, got, tt.want)
		}
		if got := Number(fr, tt.v, tt.unit); got != tt.fr {
			t.Errorf("fr Number(%v, %q) = %q, want %q", tt.v, tt.unit, got, tt.fr)
		}
	}
}

func TestMoneyString(t *testing.T) {
	tests := []struct {
		m          quota.Money
		en, zh, fr string
	}{
		{quota.Money{Minor: 4752, Decimals: 2, Currency: "USD"}, "$47.52", "US$47.52", "47,52\u00a0$US"},
		{quota.Money{Minor: 1250, Decimals: 2, Currency: "CNY"}, "CN¥12.50", "￥12.50", "12,50\u00a0CNY"},
		{quota.Money{Minor: 1400000, Decimals: 2, Currency: "EUR"}, "€14,000.00", "€14,000.00", "14\u202f000,00\u00a0€"},
		{quota.Money{Minor: 500, Decimals: 0, Currency: "JPY"}, "¥500", "JP¥500", "500\u00a0JPY"},
		{quota.Money{Minor: -5, Decimals: 2, Currency: "USD"}, "-$0.05", "-US$0.05", "-0,05\u00a0$US"},
		{quota.Money{Minor: 1234, Decimals: 2}, "12.34", "12.34", "12,34"},
		{quota.Money{Minor: 1 << 60, Decimals: 2, Currency: "USD"}, "–", "–", "–"},
	}
	for _, tt := range tests {
		for lang, want := range map[string]string{"en": tt.en, "zh": tt.zh, "fr": tt.fr} {
			if got := MoneyString(i18n.New(lang), tt.m); got != want {
				t.Errorf("%s MoneyString(%+v) = %q, want %q", lang, tt.m, got, want)
			}
		}
	}
	if got := decimalString(quota.Money{Minor: -5, Decimals: 2}); got != "-0.05" {
		t.Errorf("decimalString = %q", got)
	}
}

func TestWhen(t *testing.T) {
	now := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	today := time.Date(2026, 11, 21, 14, 35, 0, 0, time.UTC)
	later := time.Date(2026, 11, 28, 4, 40, 0, 0, time.UTC)
	old := time.Date(2023, 11, 14, 22, 13, 0, 0, time.UTC)
	tests := []struct {
		lang               string
		t                  time.Time
		when, whenAt, noun string
	}{
		{"en", today, "14:35", "at 14:35", "14:35"},
		{"en", later, "Sat Nov 28 04:40", "on Sat Nov 28 at 04:40", "Sat Nov 28 04:40"},
		{"en", old, "Tue Nov 14 2023 22:13", "on Tue Nov 14 2023 at 22:13", "Tue Nov 14 2023 22:13"},
		{"zh", today, "14:35", "14:35", "14:35"},
		{"zh", later, "11月28日 04:40", "11月28日 04:40", "11月28日 04:40"},
		{"zh", old, "2023年11月14日 22:13", "2023年11月14日 22:13", "2023年11月14日 22:13"},
		{"fr", today, "14:35", "à 14:35", "14:35"},
		{"fr", later, "28/11 04:40", "le 28/11 à 04:40", "le 28/11 à 04:40"},
		{"fr", old, "14/11/2023 22:13", "le 14/11/2023 à 22:13", "le 14/11/2023 à 22:13"},
	}
	for _, tt := range tests {
		loc := i18n.New(tt.lang)
		if got := When(loc, tt.t, now, time.UTC); got != tt.when {
			t.Errorf("%s When(%v) = %q, want %q", tt.lang, tt.t, got, tt.when)
		}
		if got := WhenNoun(loc, tt.t, now, time.UTC); got != tt.noun {
			t.Errorf("%s WhenNoun(%v) = %q, want %q", tt.lang, tt.t, got, tt.noun)
		}
		if got := WhenAt(loc, tt.t, now, time.UTC); got != tt.whenAt {
			t.Errorf("%s WhenAt(%v) = %q, want %q", tt.lang, tt.t, got, tt.whenAt)
		}
	}
}

// TestCellWidthFastPath checks the runes cellWidth counts without the width
// table: none of them is East Asian Wide or Fullwidth.
func TestCellWidthFastPath(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if !(r < 0x1100 || (r >= 0x2580 && r <= 0x259f)) {
			continue
		}
		if k := width.LookupRune(r).Kind(); k == width.EastAsianWide || k == width.EastAsianFullwidth {
			t.Fatalf("U+%04X is wide, but cellWidth counts it as one cell", r)
		}
	}
	for s, want := range map[string]int{"": 0, "abc": 3, "███░░": 5, "中文": 4, "５": 2, "a中b": 4, "\x1b[31mab\x1b[0m": 2, "é": 1} {
		if got := cellWidth(s); got != want {
			t.Errorf("cellWidth(%q) = %d, want %d", s, got, want)
		}
	}
}

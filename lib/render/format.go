package render

import (
	"math"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/currency"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"
	"golang.org/x/text/width"

	"github.com/mystatus/mystatus/i18n"
	"github.com/mystatus/mystatus/lib/quota"
)

// Bar widths: window rows and compact (per-model) rows.
const (
	WideBar    = 30
	CompactBar = 20
)

// Round rounds half up (2.5 → 3, −2.5 → −2), as the original plugin did.
func Round(x float64) int {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0
	}
	return int(math.Floor(x + 0.5))
}

// Clamp limits a percentage to 0..100.
func Clamp(p float64) float64 {
	switch {
	case math.IsNaN(p) || p < 0:
		return 0
	case p > 100:
		return 100
	}
	return p
}

// Bar draws a bar of width cells, filled ("█") for pct percent and empty
// ("░") for the rest; pct is clamped to 0..100 and rounded half up.
func Bar(pct float64, cells int) string {
	filled := Round(Clamp(pct) / 100 * float64(cells))
	if filled > cells {
		filled = cells
	}
	return strings.Repeat("█", filled) + strings.Repeat("░", cells-filled)
}

// Duration renders d in whole minutes with the language's units: "2h 30m",
// "2小时30分钟", "2 h 30 min". Seconds are dropped; under a minute is "0m".
func Duration(loc *i18n.Localizer, d time.Duration) string {
	if d < 0 {
		d = 0
	}
	total := int64(d / time.Minute)
	days, hours, mins := total/(24*60), (total/60)%24, total%60
	var parts []string
	if days > 0 {
		parts = append(parts, loc.N("unit.days", int(days), nil))
	}
	if hours > 0 {
		parts = append(parts, loc.N("unit.hours", int(hours), nil))
	}
	if mins > 0 || len(parts) == 0 {
		parts = append(parts, loc.N("unit.minutes", int(mins), nil))
	}
	return strings.Join(parts, loc.T("unit.separator", nil))
}

// Period renders a window length as used inside labels: "5-hour",
// "7-day", "monthly" (or the language's equivalent). Lengths that are not
// whole days and under three days are shown in hours; 28 to 31.5 days is
// a month.
func Period(loc *i18n.Localizer, d time.Duration) string {
	const day = 24 * time.Hour
	switch {
	case d <= 0:
		return ""
	case d < time.Hour:
		return loc.N("period.minutes", Round(d.Minutes()), nil)
	case d%day != 0 && d < 3*day:
		return loc.N("period.hours", Round(d.Hours()), nil)
	case d >= 28*day && d <= 31*day+12*time.Hour:
		return loc.T("period.month", nil)
	}
	return loc.N("period.days", Round(d.Hours()/24), nil)
}

// When renders an absolute time in the report's time zone as it stands in
// parentheses or after a preposition of the message: the time alone when
// it is today ("14:35"), else the date and time ("Wed Jan 28 14:35",
// "1月28日 14:35", "28/01 14:35"), with the year when it is not the
// current one ("Tue Nov 14 2023 22:13", "2023年11月14日 22:13",
// "14/11/2023 22:13"). The layouts are catalog messages.
func When(loc *i18n.Localizer, t, now time.Time, tz *time.Location) string {
	if tz == nil {
		tz = time.Local
	}
	lt, ln := t.In(tz), now.In(tz)
	switch {
	case lt.Year() == ln.Year() && lt.YearDay() == ln.YearDay():
		return lt.Format(loc.T("layout.time", nil))
	case lt.Year() == ln.Year():
		return lt.Format(loc.T("layout.datetime", nil))
	}
	return lt.Format(loc.T("render.layout.datetime_year", nil))
}

// WhenNoun renders an absolute time as a noun phrase, for messages that
// put their own preposition before it ("since {{.Since}}"): like [When],
// but a French date gets its article ("depuis le 21/11 à 04:40"; today
// "depuis 04:40").
func WhenNoun(loc *i18n.Localizer, t, now time.Time, tz *time.Location) string {
	if tz == nil {
		tz = time.Local
	}
	lt, ln := t.In(tz), now.In(tz)
	tm := lt.Format(loc.T("layout.time", nil))
	if lt.Year() == ln.Year() && lt.YearDay() == ln.YearDay() {
		return tm
	}
	layout := "render.layout.date"
	if lt.Year() != ln.Year() {
		layout = "render.layout.date_year"
	}
	return loc.T("render.when.noun_date", map[string]any{"Date": lt.Format(loc.T(layout, nil)), "Time": tm})
}

// WhenAt renders an absolute time as a complement of a verb, with the
// language's preposition and article: "at 14:35" / "on Wed Jan 28 at
// 14:35"; "à 14:35" / "le 28/01 à 14:35"; Chinese needs none ("14:35",
// "1月28日 14:35"). For messages such as "resets {{.ResetOn}}".
func WhenAt(loc *i18n.Localizer, t, now time.Time, tz *time.Location) string {
	if tz == nil {
		tz = time.Local
	}
	lt, ln := t.In(tz), now.In(tz)
	tm := lt.Format(loc.T("layout.time", nil))
	if lt.Year() == ln.Year() && lt.YearDay() == ln.YearDay() {
		return loc.T("render.when.at_time", map[string]any{"Time": tm})
	}
	layout := "render.layout.date"
	if lt.Year() != ln.Year() {
		layout = "render.layout.date_year"
	}
	return loc.T("render.when.at_date", map[string]any{"Date": lt.Format(loc.T(layout, nil)), "Time": tm})
}

// Number renders a count in the language's number format (x/text, CLDR
// data): integers without decimals, large token counts in millions with one
// decimal ("8.2M", "8,2 M"), other values with up to two decimals ("149.5",
// "149,5"). See [formatDecimal] for grouping. A value that is not finite or
// too large to be a count (1e15 and up) renders as "–": such figures are
// upstream garbage, never a number to print.
func Number(loc *i18n.Localizer, v float64, unit string) string {
	if !finiteCount(v) {
		return "–"
	}
	if unit == "tokens" && math.Abs(v) >= 1e6 {
		return loc.T("render.millions", map[string]any{"N": formatDecimal(loc, v/1e6, 1, 1)})
	}
	if v == math.Trunc(v) {
		return formatDecimal(loc, v, 0, 0)
	}
	return formatDecimal(loc, v, 0, 2)
}

// finiteCount reports whether v is a figure that can be printed.
func finiteCount(v float64) bool {
	return !math.IsNaN(v) && !math.IsInf(v, 0) && math.Abs(v) < 1e15
}

var printers sync.Map // language code → *message.Printer

func printer(loc *i18n.Localizer) *message.Printer {
	if p, ok := printers.Load(loc.Lang()); ok {
		return p.(*message.Printer)
	}
	p, _ := printers.LoadOrStore(loc.Lang(), message.NewPrinter(language.Make(loc.Lang())))
	return p.(*message.Printer)
}

// formatDecimal formats v with between minFrac and maxFrac decimals in
// the language's format, thousands grouped as CLDR says for it ("1,000",
// "1 000"; en, zh and fr group from four digits on). French groups with a
// narrow no-break space (U+202F), the current CLDR separator; x/text's data
// still has the older no-break space.
func formatDecimal(loc *i18n.Localizer, v float64, minFrac, maxFrac int) string {
	opts := []number.Option{number.MinFractionDigits(minFrac), number.MaxFractionDigits(maxFrac)}
	s := printer(loc).Sprint(number.Decimal(v, opts...))
	if loc.Lang() == "fr" {
		s = strings.ReplaceAll(s, "\u00a0", "\u202f")
	}
	return s
}

// MoneyString renders an amount with its currency in the language's format:
// "$47.52" (en), "US$47.52" (zh), "47,52 $US" (fr); the currency's CLDR
// symbol, before the number in English and Chinese and after it in French.
// An amount without a currency is the number alone; an unknown code is
// shown as the code. The amount is exact: minor units are formatted with
// the currency's decimals, and an amount beyond 2^53 minor units (no real
// balance) renders as "–".
func MoneyString(loc *i18n.Localizer, m quota.Money) string {
	if m.Minor > 1<<53 || m.Minor < -(1<<53) || m.Decimals < 0 || m.Decimals > 6 {
		return "–"
	}
	neg := m.Minor < 0
	v := m.Float()
	if neg {
		v = -v
	}
	amount := formatDecimal(loc, v, m.Decimals, m.Decimals)
	sym := currencySymbol(loc, m.Currency)
	var s string
	switch {
	case sym == "":
		s = amount
	case loc.Lang() == "fr":
		s = amount + "\u00a0" + sym
	default:
		if r, _ := utf8.DecodeLastRuneInString(sym); unicode.IsLetter(r) {
			sym += " " // "CHF 12.00"
		}
		s = sym + amount
	}
	if neg {
		s = "-" + s
	}
	return s
}

func currencySymbol(loc *i18n.Localizer, code string) string {
	code = strings.TrimSpace(code)
	if code == "" {
		return ""
	}
	u, err := currency.ParseISO(code)
	if err != nil {
		return Clean(code)
	}
	return printer(loc).Sprint(currency.Symbol(u))
}

// cellWidth is the display width of s (East Asian wide runes count 2).
func cellWidth(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b { // colour codes take no cell
			s = s[:i] + s[i+escapeLen(s[i:]):]
			i--
		}
	}
	for _, r := range s {
		// Nothing below U+1100 (the first East Asian Wide block) is wide,
		// nor are the block elements the bars are drawn with: skipping the
		// width table for them halves a large report's table layout.
		if r < 0x1100 || (r >= 0x2580 && r <= 0x259f) {
			n++
			continue
		}
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

// pad right-pads s with spaces to n display cells (at least one space).
func pad(s string, n int) string {
	w := cellWidth(s)
	if w >= n {
		return s + " "
	}
	return s + strings.Repeat(" ", n-w)
}

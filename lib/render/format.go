package render

import (
	"math"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/width"

	"github.com/mystatus/mystatus/i18n"
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

// When renders an absolute time in the report's time zone: the time alone
// when it is today, else the date and time, using the catalog layouts.
func When(loc *i18n.Localizer, t, now time.Time, tz *time.Location) string {
	if tz == nil {
		tz = time.Local
	}
	lt, ln := t.In(tz), now.In(tz)
	if lt.Year() == ln.Year() && lt.YearDay() == ln.YearDay() {
		return lt.Format(loc.T("layout.time", nil))
	}
	return lt.Format(loc.T("layout.datetime", nil))
}

// Number renders a count: integers without decimals, large token counts
// in millions with one decimal ("8.2M"), other values with up to two
// decimals.
func Number(v float64, unit string) string {
	if unit == "tokens" && math.Abs(v) >= 1e6 {
		return strconv.FormatFloat(v/1e6, 'f', 1, 64) + "M"
	}
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatInt(int64(v), 10)
	}
	s := strconv.FormatFloat(v, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s
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

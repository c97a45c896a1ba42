// Package render turns a [quota.Report] into the localized markdown report
// and into the versioned JSON document. It is pure: no I/O, no clock (the
// time comes in [Options]), no network.
package render

import (
	"fmt"
	"strings"
	"time"

	"github.com/mystatus/mystatus/i18n"
	"github.com/mystatus/mystatus/lib/quota"
)

// HighUsage is the share used (percent) from which a window is flagged.
const HighUsage = 80

// Show values.
const (
	ShowRemaining = "remaining"
	ShowUsed      = "used"
)

// Explanation is a failure explained for the user.
type Explanation struct {
	Kind    quota.Kind
	Title   string
	Meaning string
	Steps   []string
	Detail  string
}

// Explainer explains one failure of platform p in the localizer's language.
type Explainer func(loc *i18n.Localizer, p quota.PlatformID, err error) Explanation

// Options control rendering.
type Options struct {
	// Now is the reference time for countdowns.
	Now time.Time
	// Location is the time zone of absolute times (time.Local when nil).
	Location *time.Location
	// Show is ShowRemaining (default) or ShowUsed.
	Show string
	// Color adds ANSI colours (only for terminals).
	Color bool
	// Explain explains failures; when nil only the kind's title and the
	// upstream detail are shown.
	Explain Explainer
}

func (o Options) explain(loc *i18n.Localizer, p quota.PlatformID, err error) Explanation {
	if o.Explain != nil {
		return o.Explain(loc, p, err)
	}
	e := quota.AsError(err)
	return Explanation{Kind: e.Kind, Title: loc.T("error."+string(e.Kind)+".title", nil), Detail: e.Detail}
}

// PlatformName is the localized name of a platform.
func PlatformName(loc *i18n.Localizer, id quota.PlatformID) string {
	return loc.T("platform."+string(id)+".name", nil)
}

// WindowLabel is the localized label of a window.
func WindowLabel(loc *i18n.Localizer, w quota.Window) string {
	period := Period(loc, w.Period)
	data := map[string]any{"Period": period, "Name": w.Name}
	switch w.Kind {
	case quota.KindModel:
		if period == "" {
			return w.Name
		}
		return loc.T("window.model", data)
	case quota.KindPremium, quota.KindChat, quota.KindCompletions, quota.KindExtraUsage:
		return loc.T("window."+string(w.Kind), data)
	}
	id := "window." + string(w.Kind)
	if period == "" {
		id += ".any"
	}
	return loc.T(id, data)
}

// ANSI colours.
const (
	green  = "\x1b[32m"
	yellow = "\x1b[33m"
	red    = "\x1b[31m"
	bold   = "\x1b[1m"
	reset  = "\x1b[0m"
)

type writer struct {
	b    strings.Builder
	loc  *i18n.Localizer
	opts Options
}

func (w *writer) line(s string) { w.b.WriteString(s); w.b.WriteByte('\n') }
func (w *writer) blank()        { w.b.WriteByte('\n') }

func (w *writer) color(c, s string) string {
	if !w.opts.Color {
		return s
	}
	return c + s + reset
}

// Markdown renders the report.
func Markdown(rep quota.Report, loc *i18n.Localizer, opts Options) string {
	if opts.Show == "" {
		opts.Show = ShowRemaining
	}
	w := &writer{loc: loc, opts: opts}
	if rep.Demo {
		w.line(loc.T("demo.banner", nil))
		w.blank()
	}
	if len(rep.Results) == 0 {
		w.empty(rep)
		return strings.TrimRight(w.b.String(), "\n") + "\n"
	}
	type failure struct {
		p       quota.PlatformID
		account string
		err     error
	}
	var fails []failure
	first := true
	for _, res := range rep.Results {
		if res.Err != nil {
			fails = append(fails, failure{res.Platform, "", res.Err})
			continue
		}
		var ok []quota.Account
		for _, a := range res.Accounts {
			if a.Err != nil {
				fails = append(fails, failure{res.Platform, a.Name, a.Err})
				continue
			}
			ok = append(ok, a)
		}
		if len(ok) == 0 {
			continue
		}
		if !first {
			w.blank()
		}
		first = false
		w.line("## " + loc.T("title.platform", map[string]any{"Platform": PlatformName(loc, res.Platform)}))
		multi := len(res.Accounts) > 1
		for i, a := range ok {
			w.blank()
			if multi {
				w.line("### " + w.accountName(a))
				w.blank()
				if a.Plan != "" {
					w.line(loc.T("label.plan", map[string]any{"Plan": a.Plan}))
					w.blank()
				}
			} else {
				w.accountLine(a)
				w.blank()
			}
			w.account(a)
			_ = i
		}
	}
	if len(fails) > 0 {
		if !first {
			w.blank()
		}
		w.line(w.color(red, loc.T("failures.title", nil)))
		for _, f := range fails {
			w.blank()
			x := opts.explain(loc, f.p, f.err)
			who := PlatformName(loc, f.p)
			if f.account != "" {
				who = loc.T("failures.who_account", map[string]any{"Platform": who, "Account": f.account})
			}
			w.line(loc.T("failures.item", map[string]any{"Who": who, "Title": x.Title}))
			if x.Meaning != "" {
				w.line(x.Meaning)
			}
			for i, s := range x.Steps {
				w.line(fmt.Sprintf("%d. %s", i+1, s))
			}
			if x.Detail != "" {
				w.line(loc.T("failures.detail", map[string]any{"Detail": strings.ReplaceAll(x.Detail, "`", "'")}))
			}
		}
	}
	return strings.TrimRight(w.b.String(), "\n") + "\n"
}

func (w *writer) accountName(a quota.Account) string {
	if a.Name == "" {
		return w.loc.T("label.unknown", nil)
	}
	return a.Name
}

func (w *writer) accountLine(a quota.Account) {
	v := w.accountName(a)
	if a.Plan != "" {
		v += " (" + a.Plan + ")"
	}
	w.line(pad(w.loc.T("label.account", nil), 16) + v)
}

// account renders the windows and details of one account.
func (w *writer) account(a quota.Account) {
	loc, now := w.loc, w.opts.Now
	if len(a.Windows) == 0 {
		w.line(loc.T("line.no_data", nil))
	}
	var warnings []string
	inCompact := false
	labels := make([]string, len(a.Windows))
	for i, win := range a.Windows {
		labels[i] = WindowLabel(loc, win)
	}
	// Compact rows of one block share the label column width.
	widths := make([]int, len(a.Windows))
	for i := 0; i < len(a.Windows); {
		j, widest := i, 0
		for ; j < len(a.Windows) && a.Windows[j].Compact == a.Windows[i].Compact; j++ {
			widest = max(widest, cellWidth(labels[j]))
		}
		for k := i; k < j; k++ {
			widths[k] = max(widest+2, 16)
		}
		i = j
	}
	for i, win := range a.Windows {
		label := labels[i]
		if win.Compact {
			if i > 0 && !inCompact {
				w.blank()
			}
			inCompact = true
			// A reset shared with the account is said once, below.
			if win.ResetAt.Equal(a.ResetAt) {
				win.ResetAt = time.Time{}
			}
			w.line(w.compactRow(label, widths[i], win))
		} else {
			if i > 0 {
				w.blank()
			}
			inCompact = false
			w.wideWindow(label, win)
		}
		switch {
		case win.Exhausted():
			msg := loc.T("warn.exhausted", map[string]any{"Window": label})
			if !win.ResetAt.IsZero() {
				msg = loc.T("warn.exhausted_until", map[string]any{"Window": label, "In": Duration(loc, win.ResetAt.Sub(now))})
			}
			warnings = append(warnings, w.color(red, msg))
		case !win.Unlimited && !win.NoData && win.UsedPct >= HighUsage:
			warnings = append(warnings, w.color(yellow, loc.T("warn.high", map[string]any{"Window": label, "Pct": Round(Clamp(win.RemainingPct()))})))
		}
	}
	if a.LimitReached {
		warnings = append(warnings, w.color(red, loc.T("warn.limit_reached", nil)))
	}
	var details []string
	if a.Overage != nil && *a.Overage > 0 {
		details = append(details, loc.N("line.overage", Number(*a.Overage, ""), nil))
	}
	if a.Credits != nil {
		if a.Credits.Unlimited {
			details = append(details, loc.T("line.credits_unlimited", nil))
		} else {
			details = append(details, loc.T("line.credits", map[string]any{"Balance": strings.TrimSpace(a.Credits.Balance + " " + a.Credits.Currency)}))
		}
	}
	if !a.ResetAt.IsZero() {
		details = append(details, w.resetLine("line.account_resets", a.ResetAt))
	}
	if a.Period != "" {
		details = append(details, loc.T("line.period", map[string]any{"Period": a.Period}))
	}
	for _, f := range a.Facts {
		details = append(details, w.fact(f))
	}
	if len(details) > 0 {
		w.blank()
		for _, d := range details {
			w.line(d)
		}
	}
	if len(a.Breakdown) > 0 {
		w.blank()
		w.line(loc.T("line.breakdown", nil))
		for _, u := range a.Breakdown {
			w.line("  " + loc.T("line.breakdown_item", map[string]any{"Name": u.Name, "Count": Number(u.Count, u.Unit)}))
		}
	}
	if len(warnings) > 0 {
		w.blank()
		for _, s := range warnings {
			w.line(s)
		}
	}
}

// fact renders an extra line, formatting times in its data.
func (w *writer) fact(f quota.Fact) string {
	data := make(map[string]any, len(f.Data))
	for k, v := range f.Data {
		if t, ok := v.(time.Time); ok {
			v = When(w.loc, t, w.opts.Now, w.opts.Location)
		}
		data[k] = v
	}
	return w.loc.T(f.ID, data)
}

func (w *writer) pct(win quota.Window) (bar float64, text string) {
	loc := w.loc
	if w.opts.Show == ShowUsed {
		return win.UsedPct, loc.T("line.used_pct", map[string]any{"Pct": Round(win.UsedPct)})
	}
	return win.RemainingPct(), loc.T("line.remaining", map[string]any{"Pct": Round(win.RemainingPct())})
}

func (w *writer) barColor(win quota.Window) string {
	switch left := win.RemainingPct(); {
	case left <= 0:
		return red
	case left < 100-HighUsage:
		return yellow
	}
	return green
}

func (w *writer) wideWindow(label string, win quota.Window) {
	loc := w.loc
	w.line(w.color(bold, label))
	switch {
	case win.Unlimited:
		w.line(loc.T("line.unlimited", nil))
	case win.NoData:
		w.line(loc.T("line.no_data", nil))
	default:
		b, text := w.pct(win)
		w.line(w.color(w.barColor(win), Bar(b, WideBar)) + " " + text)
		if win.Used != nil && win.Limit != nil {
			w.line(loc.T("line.used_counts", map[string]any{"Used": Number(*win.Used, win.Unit), "Limit": Number(*win.Limit, win.Unit)}))
		}
	}
	if !win.ResetAt.IsZero() {
		w.line(w.resetLine("line.resets", win.ResetAt))
	}
}

func (w *writer) compactRow(label string, width int, win quota.Window) string {
	loc := w.loc
	row := pad(label, width)
	switch {
	case win.Unlimited:
		return row + loc.T("line.unlimited", nil)
	case win.NoData:
		return row + loc.T("line.no_data", nil)
	}
	b, _ := w.pct(win)
	p := Round(win.RemainingPct())
	if w.opts.Show == ShowUsed {
		p = Round(win.UsedPct)
	}
	row += w.color(w.barColor(win), Bar(b, CompactBar)) + " " + loc.T("line.pct", map[string]any{"Pct": p})
	if win.Used != nil && win.Limit != nil {
		row += " (" + Number(*win.Used, win.Unit) + "/" + Number(*win.Limit, win.Unit) + ")"
	}
	if !win.ResetAt.IsZero() {
		row += " · " + w.resetShort(win.ResetAt)
	}
	return row
}

func (w *writer) resetShort(at time.Time) string {
	d := at.Sub(w.opts.Now)
	if d <= 0 {
		return w.loc.T("line.reset_due", nil)
	}
	return w.loc.T("line.resets_short", map[string]any{"In": Duration(w.loc, d)})
}

func (w *writer) resetLine(id string, at time.Time) string {
	d := at.Sub(w.opts.Now)
	if d <= 0 {
		return w.loc.T("line.reset_due", nil)
	}
	return w.loc.T(id, map[string]any{"In": Duration(w.loc, d), "At": When(w.loc, at, w.opts.Now, w.opts.Location)})
}

// empty renders the report when no platform is configured.
func (w *writer) empty(rep quota.Report) {
	loc := w.loc
	w.line("## " + loc.T("empty.title", nil))
	w.blank()
	w.line(loc.T("empty.intro", nil))
	w.blank()
	for _, info := range rep.Supported {
		var where []string
		for _, s := range info.Sources {
			id := "empty.source"
			if s.What == "" {
				id = "empty.source_path"
			}
			where = append(where, loc.T(id, map[string]any{"What": s.What, "Path": s.Path}))
		}
		w.line(loc.T("empty.platform", map[string]any{"Platform": PlatformName(loc, info.ID), "Where": strings.Join(where, loc.T("empty.or", nil))}))
	}
	w.blank()
	w.line(loc.T("empty.hint", nil))
}

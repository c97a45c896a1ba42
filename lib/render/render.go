// Package render turns a [quota.Report] into the localized markdown report
// and into the versioned JSON document. It is pure: no I/O, no clock (the
// time comes in [Options]), no network.
//
// The markdown comes in two forms of the same content:
//
//   - the agent form (the default): CommonMark/GFM in which every window,
//     compact row, warning, detail and usage line is its own block, table
//     row or list item, so that an agent's chat renders it as laid out
//     (consecutive plain lines would merge into one paragraph there);
//   - the terminal form ([Options.Terminal]): the same report laid out for
//     a fixed-width terminal, with aligned columns and no table pipes or
//     list markers, for people who read it raw.
package render

import (
	"math"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mystatus/mystatus/i18n"
	"github.com/mystatus/mystatus/lib/pace"
	"github.com/mystatus/mystatus/lib/quota"
)

// HighUsage is the share used (percent) from which a window is flagged.
const HighUsage = 80

// LowBalance is the share of a money limit left (percent) below which a
// balance window (quota.KindBalance with a limit) is flagged as low: the
// same 20 % as [HighUsage]. A balance without a limit has nothing to be
// a share of: it is flagged only when it is used up (zero or less), since
// what counts as "low" in money depends on the user's spending.
const LowBalance = 100 - HighUsage

// DefaultLowMoney is the default of [Options].LowMoney: a prepaid balance
// under 5 of its currency (5 US dollars, 5 yuan) is flagged as low, about
// what a day of heavy agent use costs on a pay-as-you-go API.
const DefaultLowMoney = 5

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
	// Terminal selects the terminal form: aligned plain lines for a
	// fixed-width terminal. The default is the agent form, CommonMark/GFM
	// that renders block by block in a chat (see the package doc). Both
	// carry the same content.
	Terminal bool
	// Explain explains failures; when nil only the kind's title and the
	// upstream detail are shown.
	Explain Explainer
	// LowMoney is the amount, in a balance's own currency (major units),
	// below which a balance without a limit is flagged as low; 0 flags it
	// only when used up. The surfaces pass the low_balance setting
	// (MYSTATUS_LOW_BALANCE), [DefaultLowMoney] when unset.
	LowMoney float64
}

func (o Options) explain(loc *i18n.Localizer, p quota.PlatformID, err error) Explanation {
	var x Explanation
	if o.Explain != nil {
		x = o.Explain(loc, p, err)
	} else {
		e := quota.AsError(err)
		x = Explanation{Kind: e.Kind, Title: loc.T("error."+string(e.Kind)+".title", nil), Detail: e.Detail}
	}
	// Titles, meanings and steps may quote upstream text through their
	// templates; the detail is upstream text.
	x.Title, x.Meaning, x.Detail = Clean(x.Title), CleanText(x.Meaning), Clean(x.Detail)
	steps := make([]string, len(x.Steps))
	for i, s := range x.Steps {
		steps[i] = Clean(s)
	}
	x.Steps = steps
	return x
}

// PlatformName is the localized name of a platform.
func PlatformName(loc *i18n.Localizer, id quota.PlatformID) string {
	return loc.T("platform."+string(id)+".name", nil)
}

// windowName is the name shown for a window: the translation of NameID
// when the catalogs have it, else the upstream Name.
func windowName(loc *i18n.Localizer, w quota.Window) string {
	if w.NameID != "" && i18n.Has(w.NameID) {
		return loc.T(w.NameID, nil)
	}
	return Clean(w.Name)
}

// WindowLabel is the localized label of a window.
func WindowLabel(loc *i18n.Localizer, w quota.Window) string {
	period := Period(loc, w.Period)
	name := windowName(loc, w)
	data := map[string]any{"Period": period, "Name": name}
	switch w.Kind {
	case quota.KindModel:
		if period == "" {
			return name
		}
		return loc.T("window.model", data)
	case quota.KindPremium, quota.KindChat, quota.KindCompletions, quota.KindExtraUsage:
		return loc.T("window."+string(w.Kind), data)
	case quota.KindBalance:
		if name != "" {
			return name
		}
		return loc.T("render.window.balance", nil)
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

// String is what was written, ending in exactly one newline; a slice of
// the builder's bytes where it already ends in one or more (a large
// report is not copied once more).
func (w *writer) String() string {
	s := w.b.String()
	t := strings.TrimRight(s, "\n")
	if len(t) < len(s) {
		return s[:len(t)+1]
	}
	return t + "\n"
}

func (w *writer) color(c, s string) string {
	if !w.opts.Color {
		return s
	}
	return c + s + reset
}

// text is a string of outside origin as it goes into the report: control
// characters removed and, in the agent form, markdown syntax escaped so
// that a name cannot turn into a link, emphasis or a table cell boundary.
func (w *writer) text(s string) string {
	s = Clean(s)
	if w.opts.Terminal {
		return s
	}
	return escapeMarkdown(s)
}

// Markdown renders the report.
func Markdown(rep quota.Report, loc *i18n.Localizer, opts Options) string {
	if opts.Show == "" {
		opts.Show = ShowRemaining
	}
	rep = normalize(rep)
	if opts.Now.IsZero() {
		opts.Now = rep.GeneratedAt
	}
	w := &writer{loc: loc, opts: opts}
	if rep.Demo {
		w.line(loc.T("demo.banner", nil))
		w.blank()
	}
	if len(rep.Results) == 0 {
		w.empty(rep)
		return w.String()
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
		w.accounts(ok, len(res.Accounts) > 1)
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
				who = loc.T("failures.who_account", map[string]any{"Platform": who, "Account": w.text(f.account)})
			}
			w.failure(loc.T("failures.item", map[string]any{"Who": who, "Title": x.Title}), x)
		}
	}
	return w.String()
}

// parallelAccounts is the number of a platform's accounts from which
// they are rendered on every core: an account's block costs tens of µs
// (500 Google accounts: ~35 ms on one core, at the end of the report's
// critical path), a goroutine about one.
const parallelAccounts = 64

// cores is runtime.GOMAXPROCS; the tests vary it to compare a parallel
// rendering with the serial one.
var cores = runtime.GOMAXPROCS

// accounts renders a platform's accounts in order, each under its name
// (multi) or its account line. Many accounts are split into one run per
// core, each rendered into its own writer, then joined in order: accounts
// share nothing while rendering but the localizer, which is safe for
// concurrent use.
func (w *writer) accounts(as []quota.Account, multi bool) {
	runs := min(cores(0), len(as)/(parallelAccounts/2))
	if len(as) < parallelAccounts || runs < 2 {
		for _, a := range as {
			w.accountBlock(a, multi)
		}
		return
	}
	parts := make([]writer, runs)
	var wg sync.WaitGroup
	for i := range parts {
		lo, hi := i*len(as)/runs, (i+1)*len(as)/runs
		p := &parts[i]
		p.loc, p.opts = w.loc, w.opts
		wg.Go(func() {
			for _, a := range as[lo:hi] {
				p.accountBlock(a, multi)
			}
		})
	}
	wg.Wait()
	n := 0
	for i := range parts {
		n += parts[i].b.Len()
	}
	w.b.Grow(n)
	for i := range parts {
		w.b.WriteString(parts[i].b.String())
	}
}

// accountBlock renders one account: a blank line, its heading or account
// line, then its windows and details.
func (w *writer) accountBlock(a quota.Account, multi bool) {
	loc := w.loc
	w.blank()
	if multi {
		w.line("### " + w.accountName(a))
		w.blank()
		if a.Plan != "" {
			w.line(loc.T("label.plan", map[string]any{"Plan": w.text(a.Plan)}))
			w.blank()
		}
	} else {
		w.accountLine(a)
		w.blank()
	}
	w.account(a)
}

// failure renders one explained failure. In the agent form it is one
// list item holding its title, meaning, ordered steps and detail; in the
// terminal form, plain lines.
func (w *writer) failure(head string, x Explanation) {
	detail := ""
	if x.Detail != "" {
		detail = w.loc.T("failures.detail", map[string]any{"Detail": strings.ReplaceAll(x.Detail, "`", "'")})
	}
	if w.opts.Terminal {
		w.line(head)
		if x.Meaning != "" {
			w.line(x.Meaning)
		}
		for i, s := range x.Steps {
			w.line(strconv.Itoa(i+1) + ". " + s)
		}
		if detail != "" {
			w.line(detail)
		}
		return
	}
	const indent = "  "
	w.line("- " + head)
	if x.Meaning != "" {
		w.blank()
		for _, l := range strings.Split(x.Meaning, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				w.line(indent + l + hardBreak)
			}
		}
		trimHardBreak(&w.b)
	}
	if len(x.Steps) > 0 {
		w.blank()
		for i, s := range x.Steps {
			w.line(indent + strconv.Itoa(i+1) + ". " + s)
		}
	}
	if detail != "" {
		w.blank()
		w.line(indent + detail)
	}
}

// hardBreak ends a line inside a paragraph with a CommonMark hard line
// break (two spaces): the line stays a line when rendered and the raw
// text reads the same.
const hardBreak = "  "

// trimHardBreak removes the hard break after the last line of a block
// (a trailing hard break means nothing there).
func trimHardBreak(b *strings.Builder) {
	s := b.String()
	if strings.HasSuffix(s, hardBreak+"\n") {
		s = strings.TrimSuffix(s, hardBreak+"\n") + "\n"
		b.Reset()
		b.WriteString(s)
	}
}

func (w *writer) accountName(a quota.Account) string {
	if Clean(a.Name) == "" {
		return w.loc.T("label.unknown", nil)
	}
	return w.text(a.Name)
}

func (w *writer) accountLine(a quota.Account) {
	v := w.accountName(a)
	if a.Plan != "" {
		v = w.loc.T("render.account_plan", map[string]any{"Account": v, "Plan": w.text(a.Plan)})
	}
	label := w.loc.T("label.account", nil)
	if w.opts.Terminal {
		w.line(pad(label, 16) + v)
		return
	}
	w.line(strings.TrimRight(label, " ") + labelGap(w.loc) + v)
}

// labelGap separates a label ending in a colon from its value: nothing
// after a full-width colon, a space otherwise.
func labelGap(loc *i18n.Localizer) string {
	if strings.HasSuffix(loc.T("label.account", nil), "：") {
		return ""
	}
	return " "
}

// account renders the windows and details of one account.
func (w *writer) account(a quota.Account) {
	loc := w.loc
	if len(a.Windows) == 0 {
		w.line(loc.T("line.no_data", nil))
	}
	var warnings []string
	labels := make([]string, len(a.Windows))
	shown := make([]string, len(a.Windows))
	for i, win := range a.Windows {
		labels[i] = w.label(win)
		shown[i] = w.marked(labels[i], win)
	}
	for i := 0; i < len(a.Windows); {
		if i > 0 {
			w.blank()
		}
		if !a.Windows[i].Compact {
			w.wideWindow(shown[i], a.Windows[i])
			i++
			continue
		}
		j := i
		for j < len(a.Windows) && a.Windows[j].Compact {
			j++
		}
		rows := make([]quota.Window, 0, j-i)
		for _, win := range a.Windows[i:j] {
			// A reset shared with the account is said once, below.
			if win.ResetAt.Equal(a.ResetAt) {
				win.ResetAt = time.Time{}
			}
			rows = append(rows, win)
		}
		w.compactRows(shown[i:j], rows)
		i = j
	}
	for i, win := range a.Windows {
		if s := w.warning(labels[i], win); s != "" {
			warnings = append(warnings, s)
		}
		if e := w.pace(win); e.Status == pace.RunsOut && !win.Exhausted() {
			warnings = append(warnings, w.color(yellow, loc.T("render.warn.runs_out", map[string]any{"Window": labels[i], "Before": Duration(loc, e.RunsOutBeforeReset)})))
		}
	}
	if a.LimitReached {
		warnings = append(warnings, w.color(red, loc.T("warn.limit_reached", nil)))
	}
	var details []string
	if a.Overage != nil && *a.Overage > 0 {
		details = append(details, loc.N("line.overage", pluralCount(*a.Overage), map[string]any{"Count": Number(loc, *a.Overage, "")}))
	}
	if a.Credits != nil {
		if a.Credits.Unlimited {
			details = append(details, loc.T("line.credits_unlimited", nil))
		} else {
			details = append(details, loc.T("line.credits", map[string]any{"Balance": w.text(strings.TrimSpace(a.Credits.Balance + " " + a.Credits.Currency))}))
		}
	}
	if !a.ResetAt.IsZero() {
		details = append(details, w.resetLine("line.account_resets", a.ResetAt))
	}
	if a.Period != "" {
		details = append(details, loc.T("line.period", map[string]any{"Period": w.text(a.Period)}))
	}
	for _, f := range a.Facts {
		details = append(details, w.fact(f))
	}
	if len(details) > 0 {
		w.blank()
		for _, d := range details {
			w.item(d)
		}
	}
	if len(a.Breakdown) > 0 {
		w.blank()
		w.breakdown(a.Breakdown)
	}
	// Warnings come last, each its own paragraph: they are what the
	// reader must not miss, and a list here would merge with the details.
	for _, s := range warnings {
		w.blank()
		w.line(s)
	}
}

// item writes one detail line: a list item in the agent form.
func (w *writer) item(s string) {
	if w.opts.Terminal {
		w.line(s)
		return
	}
	w.line("- " + s)
}

// breakdown renders the usage breakdown: a two-column table in the agent
// form, an indented list under its title in the terminal form.
func (w *writer) breakdown(us []quota.Usage) {
	loc := w.loc
	if w.opts.Terminal {
		w.line(loc.T("line.breakdown", nil))
		for _, u := range us {
			w.line("  " + loc.T("line.breakdown_item", map[string]any{"Name": Clean(u.Name), "Count": Number(loc, u.Count, u.Unit)}))
		}
		return
	}
	t := table{head: []string{loc.T("render.col.model", nil), loc.T("render.col.usage", nil)}, right: []bool{false, true}}
	for _, u := range us {
		t.rows = append(t.rows, []string{w.text(u.Name), Number(loc, u.Count, u.Unit)})
	}
	t.writeTo(&w.b)
}

// label is the label of a window as shown in rows and warnings.
func (w *writer) label(win quota.Window) string {
	l := WindowLabel(w.loc, win)
	if !w.opts.Terminal {
		l = escapeMarkdown(l)
	}
	return l
}

// marked is a window's label as shown on its own row: with the mark of
// the limit that binds now and the scope it applies to.
func (w *writer) marked(label string, win quota.Window) string {
	if win.Active {
		label = w.loc.T("render.active", map[string]any{"Label": label})
	}
	return label
}

// warning is the warning a window calls for, or "".
func (w *writer) warning(label string, win quota.Window) string {
	loc, now := w.loc, w.opts.Now
	if win.Kind == quota.KindBalance || pureBalance(win) {
		switch balanceState(win, w.opts.LowMoney) {
		case balanceEmpty:
			return w.color(red, loc.T("render.warn.balance_empty", map[string]any{"Window": label}))
		case balanceLow:
			amount := loc.T("line.pct", map[string]any{"Pct": Round(Clamp(win.RemainingPct()))})
			if left, ok := balanceLeft(win.Money); ok {
				amount = MoneyString(loc, left)
			}
			return w.color(yellow, loc.T("render.warn.low_balance", map[string]any{"Window": label, "Left": amount}))
		}
		return ""
	}
	switch {
	case win.Exhausted():
		if !win.ResetAt.IsZero() {
			return w.color(red, loc.T("warn.exhausted_until", map[string]any{"Window": label, "In": Duration(loc, win.ResetAt.Sub(now))}))
		}
		return w.color(red, loc.T("warn.exhausted", map[string]any{"Window": label}))
	case hasShare(win) && win.UsedPct >= HighUsage:
		return w.color(yellow, loc.T("warn.high", map[string]any{"Window": label, "Pct": Round(Clamp(win.RemainingPct()))}))
	}
	return ""
}

// moneyLines are the money figures of a window: what was used of what,
// or what is left, then how a balance splits.
func (w *writer) moneyLines(m *quota.MoneyFigures) []string {
	if m == nil {
		return nil
	}
	loc := w.loc
	ms := func(x *quota.Money) string { return MoneyString(loc, *x) }
	var out []string
	switch {
	case m.Used != nil && m.Limit != nil:
		out = append(out, loc.T("render.money.used_of", map[string]any{"Used": ms(m.Used), "Limit": ms(m.Limit)}))
	case m.Balance != nil && m.Limit != nil:
		out = append(out, loc.T("render.money.left_of", map[string]any{"Left": ms(m.Balance), "Limit": ms(m.Limit)}))
	case m.Balance != nil:
		out = append(out, loc.T("render.money.left", map[string]any{"Left": ms(m.Balance)}))
	case m.Used != nil:
		out = append(out, loc.T("render.money.used", map[string]any{"Used": ms(m.Used)}))
	case m.Limit != nil:
		out = append(out, loc.T("render.money.limit", map[string]any{"Limit": ms(m.Limit)}))
	}
	if m.Used != nil && m.Limit != nil && m.Balance != nil {
		out = append(out, loc.T("render.money.left", map[string]any{"Left": ms(m.Balance)}))
	}
	var split []string
	if m.Granted != nil {
		split = append(split, loc.T("render.money.granted", map[string]any{"Amount": ms(m.Granted)}))
	}
	switch {
	case m.ToppedUp != nil && m.ToppedUp.Minor < 0:
		// A cash balance below zero is a debt (Moonshot's overdraft):
		// "CN¥31.15 owed", not "-CN¥31.15 topped up".
		owed := *m.ToppedUp
		owed.Minor = -owed.Minor
		split = append(split, loc.T("render.money.owed", map[string]any{"Amount": ms(&owed)}))
	case m.ToppedUp != nil:
		split = append(split, loc.T("render.money.topped_up", map[string]any{"Amount": ms(m.ToppedUp)}))
	}
	if len(split) > 0 {
		out = append(out, strings.Join(split, loc.T("render.list_sep", nil)))
	}
	return out
}

// extraLines are the scope and the disabled reason of a window, verbatim
// from the platform and marked as such (a code span).
func (w *writer) extraLines(win quota.Window) []string {
	var out []string
	if s := Clean(win.Scope); s != "" {
		out = append(out, w.loc.T("render.scope", map[string]any{"Scope": codeSpan(s)}))
	}
	if s := Clean(win.Disabled); s != "" {
		out = append(out, w.loc.T("render.disabled", map[string]any{"Reason": codeSpan(s)}))
	}
	return out
}

// pace estimates the pace of a window at the report's time.
func (w *writer) pace(win quota.Window) pace.Estimate {
	if !hasShare(win) {
		return pace.Estimate{}
	}
	return pace.Of(win, w.opts.Now)
}

// paceText is the pace phrase of a window, where it matters: ahead of
// pace, or projected to run out before the reset. Nothing for a window on
// pace, without an estimate, or already used up (its warning says so).
func (w *writer) paceText(win quota.Window) string {
	if win.Exhausted() {
		return ""
	}
	loc := w.loc
	switch e := w.pace(win); e.Status {
	case pace.Ahead:
		used, elapsed := Round(e.UsedPct), Round(e.ElapsedPct)
		if used <= elapsed {
			// Barely ahead: "28 % used with 28 % gone" would read as a
			// contradiction; the JSON keeps the status.
			return ""
		}
		return loc.T("render.pace.ahead", map[string]any{"Used": used, "Elapsed": elapsed})
	case pace.RunsOut:
		return loc.T("render.pace.runs_out", map[string]any{"In": Duration(loc, e.RunsOutAt.Sub(w.opts.Now)), "Before": Duration(loc, e.RunsOutBeforeReset)})
	}
	return ""
}

// codeSpan quotes verbatim text as a code span (backticks inside become
// apostrophes so the span cannot be closed early).
func codeSpan(s string) string { return "`" + strings.ReplaceAll(s, "`", "'") + "`" }

// pluralCount is the plural operand of a count.
func pluralCount(v float64) any {
	if v == math.Trunc(v) && math.Abs(v) < 1<<53 {
		return int64(v)
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// fact renders an extra line. Times in its data become noun phrases
// ([WhenNoun]): fact messages put their preposition before them.
func (w *writer) fact(f quota.Fact) string {
	data := make(map[string]any, len(f.Data))
	for k, v := range f.Data {
		switch x := v.(type) {
		case time.Time:
			v = WhenNoun(w.loc, x, w.opts.Now, w.opts.Location)
		case string:
			v = w.text(x)
		}
		data[k] = v
	}
	return w.loc.T(f.ID, data)
}

func (w *writer) pct(win quota.Window) (bar float64, text string) {
	loc := w.loc
	if w.opts.Show == ShowUsed {
		return win.UsedPct, loc.T("line.used_pct", map[string]any{"Pct": Round(Clamp(win.UsedPct))})
	}
	return win.RemainingPct(), loc.T("line.remaining", map[string]any{"Pct": Round(Clamp(win.RemainingPct()))})
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

// wideWindow renders a window as a block of lines: the label, the bar and
// percentage, counts and the reset. In the agent form the lines are one
// paragraph joined by hard breaks, so one window is one block.
func (w *writer) wideWindow(label string, win quota.Window) {
	loc := w.loc
	var lines []string
	if w.opts.Terminal {
		lines = append(lines, w.color(bold, label))
	} else {
		lines = append(lines, "**"+label+"**")
	}
	switch {
	case win.Unlimited:
		lines = append(lines, loc.T("line.unlimited", nil))
	case win.NoData:
		lines = append(lines, loc.T("line.no_data", nil))
	case pureBalance(win):
	default:
		b, text := w.pct(win)
		lines = append(lines, w.color(w.barColor(win), Bar(b, WideBar))+" "+text)
		if win.Used != nil && win.Limit != nil && win.Money == nil {
			lines = append(lines, loc.T("line.used_counts", map[string]any{"Used": Number(loc, *win.Used, win.Unit), "Limit": Number(loc, *win.Limit, win.Unit)}))
		}
	}
	if !win.Unlimited && !win.NoData {
		lines = append(lines, w.moneyLines(win.Money)...)
	}
	lines = append(lines, w.extraLines(win)...)
	if p := w.paceText(win); p != "" {
		lines = append(lines, p)
	}
	if !win.ResetAt.IsZero() {
		lines = append(lines, w.resetLine("line.resets", win.ResetAt))
	}
	sep := "\n"
	if !w.opts.Terminal {
		sep = hardBreak + "\n"
	}
	w.line(strings.Join(lines, sep))
}

// compactRows renders a run of compact windows: aligned rows in the
// terminal form, a GFM table in the agent form.
func (w *writer) compactRows(labels []string, wins []quota.Window) {
	loc := w.loc
	cells := make([][]string, len(wins))
	resets := false
	for i, win := range wins {
		cells[i] = []string{labels[i], w.compactValue(win), ""}
		if !win.ResetAt.IsZero() {
			cells[i][2] = w.resetShort(win.ResetAt)
			if !w.opts.Terminal {
				// Under a "Reset" column header, "in 2h" says it all.
				cells[i][2] = w.resetIn(win.ResetAt)
			}
			resets = true
		}
	}
	if w.opts.Terminal {
		widest := 0
		for _, l := range labels {
			widest = max(widest, cellWidth(l))
		}
		for _, c := range cells {
			row := pad(c[0], max(widest+2, 16)) + c[1]
			if c[2] != "" {
				row += " · " + c[2]
			}
			w.line(row)
		}
		return
	}
	col := "render.col.remaining"
	if w.opts.Show == ShowUsed {
		col = "render.col.used"
	}
	t := table{head: []string{loc.T("render.col.quota", nil), loc.T(col, nil)}}
	if resets {
		t.head = append(t.head, loc.T("render.col.resets", nil))
	}
	for _, c := range cells {
		t.rows = append(t.rows, c[:len(t.head)])
	}
	t.writeTo(&w.b)
}

// compactValue is the bar, percentage and counts of a compact row.
func (w *writer) compactValue(win quota.Window) string {
	loc := w.loc
	var parts []string
	switch {
	case win.Unlimited:
		parts = append(parts, loc.T("line.unlimited", nil))
	case win.NoData:
		parts = append(parts, loc.T("line.no_data", nil))
	case pureBalance(win):
	default:
		b, _ := w.pct(win)
		p := Round(Clamp(win.RemainingPct()))
		if w.opts.Show == ShowUsed {
			p = Round(Clamp(win.UsedPct))
		}
		pct := loc.T("line.pct", map[string]any{"Pct": p})
		if win.Used != nil && win.Limit != nil && win.Money == nil {
			pct = loc.T("render.pct_counts", map[string]any{"Pct": pct, "Used": Number(loc, *win.Used, win.Unit), "Limit": Number(loc, *win.Limit, win.Unit)})
		}
		parts = append(parts, w.color(w.barColor(win), Bar(b, CompactBar))+" "+pct)
	}
	if !win.Unlimited && !win.NoData {
		parts = append(parts, w.moneyLines(win.Money)...)
	}
	parts = append(parts, w.extraLines(win)...)
	s := strings.Join(parts, " · ")
	// A row has no room for the pace phrase: a window projected to run
	// out is marked, and its warning below the rows says the rest.
	if !win.Exhausted() && w.pace(win).Status == pace.RunsOut {
		s += " " + PaceMarker
	}
	return s
}

func (w *writer) resetShort(at time.Time) string {
	d := at.Sub(w.opts.Now)
	if d <= 0 {
		return w.loc.T("line.reset_due", nil)
	}
	return w.loc.T("line.resets_short", map[string]any{"In": Duration(w.loc, d)})
}

// resetIn is the countdown of a table cell: "in 2h 30m".
func (w *writer) resetIn(at time.Time) string {
	d := at.Sub(w.opts.Now)
	if d <= 0 {
		return w.loc.T("line.reset_due", nil)
	}
	return w.loc.T("render.reset_in", map[string]any{"In": Duration(w.loc, d)})
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
			where = append(where, loc.T(id, map[string]any{"What": Clean(s.What), "Path": strings.ReplaceAll(Clean(s.Path), "`", "'")}))
		}
		w.line(loc.T("empty.platform", map[string]any{"Platform": PlatformName(loc, info.ID), "Where": strings.Join(where, loc.T("empty.or", nil))}))
	}
	w.blank()
	w.line(loc.T("empty.hint", nil))
}

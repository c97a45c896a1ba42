package render

import (
	_ "embed"
	"strconv"
	"strings"
	"time"

	"github.com/mystatus/mystatus/i18n"
	"github.com/mystatus/mystatus/lib/quota"
)

// SchemaVersion is the version of the JSON document; it changes only when
// a field is removed or changes meaning (adding fields keeps it).
const SchemaVersion = 1

//go:embed report.schema.json
var schema []byte

// Schema returns the JSON Schema (draft 2020-12) of [Document].
func Schema() []byte { return schema }

// Document is the JSON form of a report (CLI --json, MCP structuredContent,
// native mystatus/report). See report.schema.json.
type Document struct {
	SchemaVersion int            `json:"schemaVersion"`
	GeneratedAt   time.Time      `json:"generatedAt"`
	Locale        string         `json:"locale"`
	Demo          bool           `json:"demo"`
	Platforms     []PlatformDoc  `json:"platforms"`
	Supported     []SupportedDoc `json:"supported,omitempty"`
	Summary       SummaryDoc     `json:"summary"`
	// Markdown is the localized markdown report; set only in MCP
	// structuredContent, for clients that show the model nothing else.
	Markdown string `json:"markdown,omitempty"`
}

// SummaryDoc gives the headline figures.
type SummaryDoc struct {
	// Failed is true when any platform or account failed (exit code 1).
	Failed bool `json:"failed"`
	// LowestRemainingPercent is the lowest remaining percentage over all
	// windows with a share; absent when no window has one.
	LowestRemainingPercent *float64 `json:"lowestRemainingPercent,omitempty"`
}

// PlatformDoc is one platform's result.
type PlatformDoc struct {
	ID         string       `json:"id"`
	Name       string       `json:"name"`
	Status     string       `json:"status"` // ok | partial | error
	DurationMs int64        `json:"durationMs"`
	Cached     bool         `json:"cached"`
	Error      *ErrorDoc    `json:"error,omitempty"`
	Accounts   []AccountDoc `json:"accounts"`
}

// AccountDoc is one account.
type AccountDoc struct {
	Name         string      `json:"name"`
	Plan         string      `json:"plan,omitempty"`
	Source       string      `json:"source,omitempty"`
	Status       string      `json:"status"` // ok | error
	LimitReached bool        `json:"limitReached"`
	Windows      []WindowDoc `json:"windows"`
	Credits      *CreditsDoc `json:"credits,omitempty"`
	Overage      *float64    `json:"overage,omitempty"`
	Breakdown    []UsageDoc  `json:"breakdown,omitempty"`
	Period       string      `json:"period,omitempty"`
	ResetsAt     *time.Time  `json:"resetsAt,omitempty"`
	Notes        []string    `json:"notes,omitempty"`
	Error        *ErrorDoc   `json:"error,omitempty"`
}

// WindowDoc is one window. Percentages are clamped to 0..100 and absent
// when the window has no share (unlimited, no data, a balance without a
// limit); absent rather than null, so that the schema needs no type union.
type WindowDoc struct {
	Kind             string     `json:"kind"`
	Label            string     `json:"label"`
	Name             string     `json:"name,omitempty"`
	PeriodSeconds    int64      `json:"periodSeconds,omitempty"`
	UsedPercent      *float64   `json:"usedPercent,omitempty"`
	RemainingPercent *float64   `json:"remainingPercent,omitempty"`
	Used             *float64   `json:"used,omitempty"`
	Limit            *float64   `json:"limit,omitempty"`
	Unit             string     `json:"unit,omitempty"`
	ResetsAt         *time.Time `json:"resetsAt,omitempty"`
	Unlimited        bool       `json:"unlimited"`
	NoData           bool       `json:"noData"`
	Exhausted        bool       `json:"exhausted"`
	// Money holds the money figures of the window, when it has any.
	Money *MoneyFiguresDoc `json:"money,omitempty"`
	// LowBalance is true for a balance flagged as low (see LowBalance).
	LowBalance bool `json:"lowBalance,omitempty"`
	// Active is true for the limit the platform says binds now.
	Active bool `json:"active,omitempty"`
	// Scope is what the limit applies to, verbatim from the platform.
	Scope string `json:"scope,omitempty"`
	// Disabled is the platform's reason the allowance is off, verbatim.
	Disabled string `json:"disabled,omitempty"`
	// ElapsedPercent, Pace, PaceStatus and ProjectedExhaustion are the
	// pace estimate (lib/pace), present only when one is made: the window
	// has a share, a length and a reset, and at least 5 % of it has passed.
	ElapsedPercent *float64 `json:"elapsedPercent,omitempty"`
	// Pace is the used share over the elapsed share: 1 is an even spread.
	Pace *float64 `json:"pace,omitempty"`
	// PaceStatus is on_pace, ahead (above 1, yet lasting to the reset) or
	// runs_out (projected to run out before the reset, or used up).
	PaceStatus string `json:"paceStatus,omitempty"`
	// ProjectedExhaustion is when the window is projected to be used up at
	// this pace; present when the pace is above 1.
	ProjectedExhaustion *time.Time `json:"projectedExhaustion,omitempty"`
}

// MoneyFiguresDoc are the money amounts of a window.
type MoneyFiguresDoc struct {
	Used     *MoneyDoc `json:"used,omitempty"`
	Limit    *MoneyDoc `json:"limit,omitempty"`
	Balance  *MoneyDoc `json:"balance,omitempty"`
	Granted  *MoneyDoc `json:"granted,omitempty"`
	ToppedUp *MoneyDoc `json:"toppedUp,omitempty"`
}

// MoneyDoc is an exact amount: Amount is the decimal string ("47.52"),
// Minor and Decimals the same amount in minor units, Display the amount
// formatted in the document's language ("$47.52", "47,52 $US").
type MoneyDoc struct {
	Amount   string `json:"amount"`
	Minor    int64  `json:"minor"`
	Decimals int    `json:"decimals"`
	Currency string `json:"currency,omitempty"`
	Display  string `json:"display"`
}

func moneyDoc(loc *i18n.Localizer, m *quota.Money) *MoneyDoc {
	if m == nil {
		return nil
	}
	return &MoneyDoc{Amount: decimalString(*m), Minor: m.Minor, Decimals: m.Decimals, Currency: Clean(m.Currency), Display: MoneyString(loc, *m)}
}

// decimalString writes minor units as an exact decimal ("-0.05").
func decimalString(m quota.Money) string {
	neg := m.Minor < 0
	u := uint64(m.Minor)
	if neg {
		u = uint64(-m.Minor)
	}
	s := strconv.FormatUint(u, 10)
	if d := m.Decimals; d > 0 {
		if len(s) <= d {
			s = strings.Repeat("0", d-len(s)+1) + s
		}
		s = s[:len(s)-d] + "." + s[len(s)-d:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// CreditsDoc is a balance.
type CreditsDoc struct {
	Balance   string `json:"balance,omitempty"`
	Currency  string `json:"currency,omitempty"`
	Unlimited bool   `json:"unlimited"`
}

// UsageDoc is a breakdown line.
type UsageDoc struct {
	Name  string  `json:"name"`
	Count float64 `json:"count"`
	Unit  string  `json:"unit,omitempty"`
}

// ErrorDoc is an explained failure.
type ErrorDoc struct {
	Kind          string     `json:"kind"`
	Title         string     `json:"title"`
	Meaning       string     `json:"meaning,omitempty"`
	Steps         []string   `json:"steps,omitempty"`
	Detail        string     `json:"detail,omitempty"`
	Status        int        `json:"status,omitempty"`
	RetryAfterSec int64      `json:"retryAfterSeconds,omitempty"`
	ResetsAt      *time.Time `json:"resetsAt,omitempty"`
}

// SupportedDoc describes a platform (listed when nothing is configured).
type SupportedDoc struct {
	ID         string      `json:"id"`
	Name       string      `json:"name"`
	Configured bool        `json:"configured"`
	Sources    []SourceDoc `json:"sources"`
}

// SourceDoc is a credential location.
type SourceDoc struct {
	Path string `json:"path"`
	What string `json:"what"`
}

// JSON builds the document of rep in the localizer's language.
func JSON(rep quota.Report, loc *i18n.Localizer, opts Options) Document {
	rep = normalize(rep)
	if opts.Now.IsZero() {
		opts.Now = rep.GeneratedAt
	}
	// Notes are plain text in the document: no markdown escapes.
	plain := opts
	plain.Terminal, plain.Color = true, false
	lw := &writer{loc: loc, opts: plain}
	d := Document{SchemaVersion: SchemaVersion, GeneratedAt: rep.GeneratedAt.UTC(), Locale: loc.Lang(), Demo: rep.Demo,
		Platforms: []PlatformDoc{}}
	var lowest *float64
	for _, res := range rep.Results {
		pd := PlatformDoc{ID: string(res.Platform), Name: PlatformName(loc, res.Platform), Status: "ok",
			DurationMs: res.Duration.Milliseconds(), Cached: res.Cached, Accounts: []AccountDoc{}}
		if res.Err != nil {
			pd.Status = "error"
			pd.Error = errorDoc(loc, opts, res.Platform, res.Err)
		}
		failed := 0
		for _, a := range res.Accounts {
			ad := AccountDoc{Name: a.Name, Plan: a.Plan, Source: a.Source, Status: "ok", LimitReached: a.LimitReached,
				Windows: []WindowDoc{}, Overage: a.Overage, Period: a.Period}
			if a.Err != nil {
				ad.Status = "error"
				ad.Error = errorDoc(loc, opts, res.Platform, a.Err)
				failed++
			}
			for _, win := range a.Windows {
				wd := WindowDoc{Kind: string(win.Kind), Label: WindowLabel(loc, win), Name: win.Name,
					PeriodSeconds: int64(win.Period / time.Second), Used: win.Used, Limit: win.Limit, Unit: win.Unit,
					Unlimited: win.Unlimited, NoData: win.NoData, Exhausted: win.Exhausted() || (a.LimitReached && win.UsedPct >= 100),
					Active: win.Active, Scope: win.Scope, Disabled: win.Disabled}
				if m := win.Money; m != nil {
					wd.Money = &MoneyFiguresDoc{Used: moneyDoc(loc, m.Used), Limit: moneyDoc(loc, m.Limit), Balance: moneyDoc(loc, m.Balance),
						Granted: moneyDoc(loc, m.Granted), ToppedUp: moneyDoc(loc, m.ToppedUp)}
					wd.LowBalance = (win.Kind == quota.KindBalance || pureBalance(win)) && balanceState(win, opts.LowMoney) == balanceLow
				}
				if e := lw.pace(win); e.Known {
					el, pc := e.ElapsedPct, e.Pace
					wd.ElapsedPercent, wd.Pace, wd.PaceStatus = &el, &pc, e.Status.String()
					if !e.RunsOutAt.IsZero() {
						t := e.RunsOutAt.UTC()
						wd.ProjectedExhaustion = &t
					}
				}
				if hasShare(win) {
					u, r := win.UsedPct, win.RemainingPct()
					wd.UsedPercent, wd.RemainingPercent = &u, &r
					if lowest == nil || r < *lowest {
						rr := r
						lowest = &rr
					}
				}
				if !win.ResetAt.IsZero() {
					t := win.ResetAt.UTC()
					wd.ResetsAt = &t
				}
				ad.Windows = append(ad.Windows, wd)
			}
			if a.Credits != nil {
				ad.Credits = &CreditsDoc{Balance: a.Credits.Balance, Currency: a.Credits.Currency, Unlimited: a.Credits.Unlimited}
			}
			for _, u := range a.Breakdown {
				ad.Breakdown = append(ad.Breakdown, UsageDoc{Name: u.Name, Count: u.Count, Unit: u.Unit})
			}
			if !a.ResetAt.IsZero() {
				t := a.ResetAt.UTC()
				ad.ResetsAt = &t
			}
			for _, f := range a.Facts {
				ad.Notes = append(ad.Notes, lw.fact(f))
			}
			pd.Accounts = append(pd.Accounts, ad)
		}
		if pd.Status == "ok" && failed > 0 {
			pd.Status = "partial"
			if failed == len(res.Accounts) {
				pd.Status = "error"
			}
		}
		d.Platforms = append(d.Platforms, pd)
	}
	for _, info := range rep.Supported {
		sd := SupportedDoc{ID: string(info.ID), Name: PlatformName(loc, info.ID), Configured: info.Configured, Sources: []SourceDoc{}}
		for _, s := range info.Sources {
			sd.Sources = append(sd.Sources, SourceDoc{Path: s.Path, What: s.What})
		}
		d.Supported = append(d.Supported, sd)
	}
	d.Summary = SummaryDoc{Failed: rep.Failed(), LowestRemainingPercent: lowest}
	return d
}

func errorDoc(loc *i18n.Localizer, opts Options, p quota.PlatformID, err error) *ErrorDoc {
	x := opts.explain(loc, p, err)
	e := quota.AsError(err)
	ed := &ErrorDoc{Kind: string(x.Kind), Title: x.Title, Meaning: x.Meaning, Steps: x.Steps, Detail: x.Detail,
		Status: e.Status, RetryAfterSec: int64(e.RetryAfter / time.Second)}
	if ed.Kind == "" {
		ed.Kind = string(e.Kind)
	}
	if !e.ResetAt.IsZero() {
		t := e.ResetAt.UTC()
		ed.ResetsAt = &t
	}
	return ed
}

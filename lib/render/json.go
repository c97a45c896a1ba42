package render

import (
	_ "embed"
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
	// windows with data, or null.
	LowestRemainingPercent *float64 `json:"lowestRemainingPercent"`
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

// WindowDoc is one window.
type WindowDoc struct {
	Kind             string     `json:"kind"`
	Label            string     `json:"label"`
	Name             string     `json:"name,omitempty"`
	PeriodSeconds    int64      `json:"periodSeconds,omitempty"`
	UsedPercent      *float64   `json:"usedPercent"`
	RemainingPercent *float64   `json:"remainingPercent"`
	Used             *float64   `json:"used,omitempty"`
	Limit            *float64   `json:"limit,omitempty"`
	Unit             string     `json:"unit,omitempty"`
	ResetsAt         *time.Time `json:"resetsAt,omitempty"`
	Unlimited        bool       `json:"unlimited"`
	NoData           bool       `json:"noData"`
	Exhausted        bool       `json:"exhausted"`
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
					Unlimited: win.Unlimited, NoData: win.NoData, Exhausted: win.Exhausted() || (a.LimitReached && win.UsedPct >= 100)}
				if !win.Unlimited && !win.NoData {
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
			w := &writer{loc: loc, opts: opts}
			for _, f := range a.Facts {
				ad.Notes = append(ad.Notes, w.fact(f))
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

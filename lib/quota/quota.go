package quota

import (
	"context"
	"errors"
	"time"
)

// PlatformID names a supported platform. The values are stable: they appear
// in `--only`, in the JSON output and in catalog message IDs. Each
// platform's package defines its own (openai.ID); the registry
// (lib/provider/all) is the one list.
type PlatformID string

// WindowKind says what a [Window] meters. The renderer turns kind, period
// and name into a localized label, so providers never produce text.
type WindowKind string

// Window kinds.
const (
	// KindRate is a rolling usage limit labelled by its duration
	// ("5-hour limit", "7-day limit").
	KindRate WindowKind = "rate"
	// KindTokens is a token allowance over a period ("5-hour token limit").
	KindTokens WindowKind = "tokens"
	// KindCredits is a credit allowance over a period.
	KindCredits WindowKind = "credits"
	// KindTools is a tool/MCP call allowance over a period ("MCP monthly quota").
	KindTools WindowKind = "tools"
	// KindModel is a per-model or per-family limit; Name holds the model or
	// family display name and Period the window length when known.
	KindModel WindowKind = "model"
	// KindPremium, KindChat and KindCompletions are GitHub Copilot quotas.
	KindPremium     WindowKind = "premium"
	KindChat        WindowKind = "chat"
	KindCompletions WindowKind = "completions"
	// KindExtraUsage is pay-as-you-go usage beyond the plan (Anthropic).
	KindExtraUsage WindowKind = "extra_usage"
	// KindBalance is money: a prepaid balance or a spend against a money
	// cap (OpenRouter credits, DeepSeek balance, Anthropic extra usage in
	// currency). Its figures are in Window.Money, not Used/Limit.
	KindBalance WindowKind = "balance"
)

// Money is an exact amount in a currency, kept in minor units so that no
// float rounding reaches the report ("4752" with 2 decimals is 47.52).
type Money struct {
	// Minor is the amount in minor units (cents for USD).
	Minor int64
	// Decimals is the number of decimal places of Minor (2 for USD, 0 for JPY).
	Decimals int
	// Currency is the ISO 4217 code ("USD", "CNY"); empty when the platform
	// does not say.
	Currency string
}

// Float returns the amount in major units (for ratios only, never display).
func (m Money) Float() float64 {
	f := float64(m.Minor)
	for i := 0; i < m.Decimals; i++ {
		f /= 10
	}
	return f
}

// MoneyFigures are the money amounts of a window: what was spent against an
// optional cap, or a balance left (optionally out of a limit).
type MoneyFigures struct {
	// Used is the amount spent in the window, when known.
	Used *Money
	// Limit is the cap of the window (a monthly spend limit, a credit
	// limit), when known.
	Limit *Money
	// Balance is what is left to spend (a prepaid balance), when known.
	Balance *Money
	// Granted and ToppedUp split a balance where the platform does
	// (DeepSeek, Moonshot vouchers vs cash); optional.
	Granted, ToppedUp *Money
}

// Window is one metered allowance of an account.
type Window struct {
	// Kind, Period and Name describe the window for labelling.
	Kind   WindowKind
	Period time.Duration // zero when the platform does not say
	Name   string        // verbatim upstream name (model, family, bucket); never translated
	// NameID is the catalog message id of a name mystatus itself gives
	// (e.g. a catch-all model family); the renderer translates it and
	// falls back to Name. Upstream names stay in Name and are never ids.
	NameID string

	// UsedPct is the share used, 0..100 (it may exceed the range upstream;
	// the renderer clamps bars but shows the number).
	UsedPct float64
	// Used and Limit are absolute counts when the platform gives them.
	Used, Limit *float64
	// Unit names what Used and Limit count: "tokens", "requests", "calls", "credits".
	Unit string
	// ResetAt is when the window resets; zero when unknown.
	ResetAt time.Time
	// Unlimited marks an allowance without a cap (no bar is drawn).
	Unlimited bool
	// NoData marks a window the platform lists without any quota figure;
	// it is shown as "no data", never as 100 %.
	NoData bool
	// Compact asks for the narrow (20 cells) row layout used for model lists.
	Compact bool
	// Money holds money figures (KindBalance, or KindExtraUsage when the
	// platform reports currency amounts); nil otherwise.
	Money *MoneyFigures
	// Active marks the limit the platform says binds right now (Anthropic
	// limits[].is_active); the renderer marks it.
	Active bool
	// Scope names what the limit applies to beyond Name, verbatim from the
	// platform (e.g. a surface such as "claude_code"); empty when global.
	Scope string
	// Disabled holds the platform's reason when the allowance is switched
	// off (Anthropic extra_usage.disabled_reason); verbatim, never translated.
	Disabled string
}

// RemainingPct is 100 − UsedPct, not clamped.
func (w Window) RemainingPct() float64 { return 100 - w.UsedPct }

// Exhausted reports whether nothing is left in the window.
func (w Window) Exhausted() bool { return !w.Unlimited && !w.NoData && w.UsedPct >= 100 }

// Usage is one line of a usage breakdown (for example requests per model).
type Usage struct {
	Name  string
	Count float64
	Unit  string
}

// Credits is a prepaid or granted balance.
type Credits struct {
	Balance   string // as the platform reports it, e.g. "12.50"
	Unlimited bool
	Currency  string
}

// Fact is an extra localized line about an account: a catalog message ID
// and its template data. Values must never hold secrets.
type Fact struct {
	ID   string
	Data map[string]any
}

// Account is one account's quota as reported by a platform.
type Account struct {
	// Name identifies the account for humans: an e-mail, a login or a
	// masked key. Never a secret.
	Name string
	// Plan is the plan or tier as the platform names it ("plus", "pro").
	Plan string
	// Windows in display order.
	Windows []Window
	// LimitReached is the platform's own "limit reached" flag.
	LimitReached bool
	// Credits, Overage, Breakdown, Period and ResetAt are optional details.
	Credits   *Credits
	Overage   *float64
	Breakdown []Usage
	Period    string    // billing period, e.g. "2026-01"
	ResetAt   time.Time // account-wide reset (Copilot quota reset date)
	// Facts are extra localized lines, rendered after the windows.
	Facts []Fact
	// Source tells where the account came from when a platform has several
	// credential stores (e.g. "antigravity-manager").
	Source string
	// Identity is the account as the platform knows it (an account id, a
	// normalised e-mail), when the answer says; the report shows the same
	// identity once, though two credential stores led to it. Never shown.
	Identity string
	// Err is this account's failure; when set, Windows are usually empty.
	Err error
}

// Result is the outcome of one platform in a report.
type Result struct {
	Platform PlatformID
	Accounts []Account
	// Err is a platform-level failure (credentials unreadable, ...).
	Err error
	// Duration is how long the platform took.
	Duration time.Duration
	// Cached tells that the accounts came from the host's cache.
	Cached bool
}

// Failed reports whether the platform or any of its accounts failed.
func (r Result) Failed() bool {
	if r.Err != nil {
		return true
	}
	for _, a := range r.Accounts {
		if a.Err != nil {
			return true
		}
	}
	return false
}

// Report is a whole run: the results of every configured platform in the
// fixed platform order.
type Report struct {
	GeneratedAt time.Time
	Results     []Result
	// Supported lists every platform with where its credentials come
	// from; the renderer uses it when nothing is configured.
	Supported []Info
	// Demo marks a report made from built-in fake platforms.
	Demo bool
}

// Failed reports whether any platform or account failed.
func (r Report) Failed() bool {
	for _, res := range r.Results {
		if res.Failed() {
			return true
		}
	}
	return false
}

// Source is one place a platform reads credentials from.
type Source struct {
	// Path is the resolved file or directory path (or an environment
	// variable name when Env is set).
	Path string
	// What names what is read there, e.g. `auth.json key "openai"`.
	What string
}

// Info describes a platform without any network access.
type Info struct {
	ID         PlatformID
	Sources    []Source
	Configured bool
}

// Target is one account a provider can query. Discover returns targets
// without network access; Fetch queries one.
type Target struct {
	// Key identifies the account for caching and coalescing. It must be
	// stable for the same credentials and must not contain secrets.
	Key string
	// Name is the human name of the account (e-mail, masked key).
	Name string
	// Err, when set, is reported for this account without calling Fetch
	// (a disabled account, a missing project id).
	Err error
	// Data is provider-private (the credentials to use).
	Data any
}

// Provider is one platform.
type Provider interface {
	// ID returns the platform identifier.
	ID() PlatformID
	// Info reports where credentials come from and whether any exist.
	// It must not touch the network.
	Info() Info
	// Discover lists the accounts to query. It returns ErrNotConfigured
	// when the platform has no credentials at all. It must not touch the
	// network.
	Discover(ctx context.Context) ([]Target, error)
	// Fetch queries one account. It must honour ctx.
	Fetch(ctx context.Context, t Target) (Account, error)
}

// ErrNotConfigured means the platform has no credentials on this machine.
// It is not a failure: the platform is simply left out of the report.
var ErrNotConfigured = errors.New("platform not configured")

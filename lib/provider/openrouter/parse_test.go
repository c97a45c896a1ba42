package openrouter

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mystatus/mystatus/internal/providertest"
	"github.com/mystatus/mystatus/lib/quota"
)

// now is the fixed clock of every test: a Friday.
var now = time.Date(2026, 1, 30, 12, 0, 0, 0, time.UTC)

// pct and sub compute at run time, as the parser does (constants fold
// exactly and may differ in the last bit).
func pct(used, total float64) float64 { return used / total * 100 }
func sub(a, b float64) float64        { return a - b }

func usd(cents int64) *quota.Money { return &quota.Money{Minor: cents, Decimals: 2, Currency: "USD"} }

var (
	feb1  = time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	jan31 = time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC)
	month = 31 * 24 * time.Hour // January
)

func TestParseKey(t *testing.T) {
	tests := []struct {
		file  string
		want  []quota.Window
		facts []quota.Fact
		kind  quota.Kind
		code  string
	}{
		// Real bodies (see testdata/SOURCES.md).
		{file: "key_docs_monthly.json", want: []quota.Window{{Kind: quota.KindBalance, NameID: NameKeyLimitMonthly, Period: month, ResetAt: feb1,
			UsedPct: 25.5, Money: &quota.MoneyFigures{Limit: usd(10000), Balance: usd(7450), Used: usd(2550)}}},
			facts: []quota.Fact{{ID: FactKeyExpires, Data: map[string]any{"At": time.Date(2027, 12, 31, 23, 59, 59, 0, time.UTC)}}}},
		{file: "key_monthly_codexbar.json", want: []quota.Window{{Kind: quota.KindBalance, NameID: NameKeyLimitMonthly, Period: month, ResetAt: feb1,
			UsedPct: pct(sub(500, 454.542594979), 500), Money: &quota.MoneyFigures{Limit: usd(50000), Balance: usd(45454), Used: usd(4546)}}}},
		// Spent past the limit: used up, the balance negative.
		{file: "key_negative_remaining_codexbar.json", want: []quota.Window{{Kind: quota.KindBalance, NameID: NameKeyLimitMonthly, Period: month, ResetAt: feb1,
			UsedPct: 100, Money: &quota.MoneyFigures{Limit: usd(50000), Balance: usd(-500), Used: usd(50500)}}}},
		// No limit: what the key spent.
		{file: "key_free_openusage.json", want: []quota.Window{{Kind: quota.KindBalance, NameID: NameKeySpend, Unlimited: true,
			Money: &quota.MoneyFigures{Used: usd(0)}}}},
		// A limit without limit_remaining and without a reset: usage is what it spent.
		{file: "key_limit_no_remaining_openusage.json", want: []quota.Window{{Kind: quota.KindBalance, NameID: NameKeyLimit,
			UsedPct: 5.25, Money: &quota.MoneyFigures{Limit: usd(10000), Balance: usd(9475), Used: usd(525)}}}},
		{file: "err_401_missing_auth.json", kind: quota.KindUnauthorized, code: "401"},
		{file: "err_401_user_not_found.json", kind: quota.KindUnauthorized, code: "401"},
		{file: "err_403_management_only.json", kind: quota.KindForbidden, code: "403"},
		{file: "err_429_rate_limit.json", kind: quota.KindRateLimited, code: "429"},
		{file: "err_500_server.json", kind: quota.KindServerError, code: "500"},
		// Invented shapes (see SOURCES.md).
		{file: "key_daily_weekly_invented.json", want: []quota.Window{{Kind: quota.KindBalance, NameID: NameKeyLimitDaily, Period: 24 * time.Hour, ResetAt: jan31,
			UsedPct: 75, Money: &quota.MoneyFigures{Limit: usd(200), Balance: usd(50), Used: usd(150)}}}},
		{file: "html.html", kind: quota.KindMalformed},
		{file: "credits_docs.json", kind: quota.KindMalformed}, // no data.usage or limit: nothing to show
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := parseKey(providertest.Fixture(t, tt.file), now)
			if tt.file == "credits_docs.json" {
				// A credits body has a data object but no key figures.
				if err != nil || got.Windows != nil {
					t.Fatalf("account %s, error %v", show(got), err)
				}
				return
			}
			if !providertest.ParsedFile(t, got, err, tt.kind, tt.code) {
				return
			}
			if !reflect.DeepEqual(got.Windows, tt.want) || !reflect.DeepEqual(got.Facts, tt.facts) {
				t.Errorf("account =\n%s\nwant\n%s", show(got), show(quota.Account{Windows: tt.want, Facts: tt.facts}))
			}
		})
	}
}

func TestParseCredits(t *testing.T) {
	tests := []struct {
		file string
		want quota.Window
		kind quota.Kind
	}{
		{file: "credits_docs.json", want: quota.Window{Kind: quota.KindBalance, NameID: NameCredits,
			Money: &quota.MoneyFigures{Balance: usd(7475), Used: usd(2575)}}},
		{file: "credits_openusage.json", want: quota.Window{Kind: quota.KindBalance, NameID: NameCredits,
			Money: &quota.MoneyFigures{Balance: usd(9927), Used: usd(17820)}}},
		{file: "credits_remaining_balance_openusage.json", want: quota.Window{Kind: quota.KindBalance, NameID: NameCredits,
			Money: &quota.MoneyFigures{Balance: usd(9475), Used: usd(525)}}},
		// A key body has no credit figures.
		{file: "key_negative_remaining_codexbar.json", kind: quota.KindMalformed},
		// Nothing ever bought nor spent: nothing to show.
		{file: "credits_empty.json"},
		{file: "err_403_management_only.json", kind: quota.KindForbidden},
		{file: "err_401_user_not_found.json", kind: quota.KindUnauthorized},
		{file: "key_docs_monthly.json", kind: quota.KindMalformed},
		{file: "html.html", kind: quota.KindMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, ok, err := parseCredits(providertest.Fixture(t, tt.file))
			if tt.kind != "" {
				if k := quota.KindOf(err); k != tt.kind || got.Money != nil || ok {
					t.Fatalf("kind %s (%v), window %+v; want %s", k, err, got, tt.kind)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if ok != (tt.want.Money != nil) || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("window =\n%s\nwant\n%s", showWindow(got), showWindow(tt.want))
			}
		})
	}
}

// Spent past what was bought: a negative balance, shown as it is.
func TestNegativeBalance(t *testing.T) {
	w, ok, err := parseCredits([]byte(`{"data":{"total_credits":10,"total_usage":12.5}}`))
	if err != nil || !ok || w.Money.Balance.Minor != -250 || w.Money.Used.Minor != 1250 {
		t.Fatalf("window %s, %v, %v", showWindow(w), ok, err)
	}
}

func TestParseKeyShapes(t *testing.T) {
	tests := []struct {
		name, body string
		want       []quota.Window
		bad        string // text the malformed error names
	}{
		{name: "weekly from usage_weekly", body: `{"data":{"limit":"10","limit_reset":"weekly","usage":99,"usage_weekly":2.5}}`,
			want: []quota.Window{{Kind: quota.KindBalance, NameID: NameKeyLimitWeekly, Period: 7 * 24 * time.Hour,
				ResetAt: time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC), UsedPct: 25,
				Money: &quota.MoneyFigures{Limit: usd(1000), Balance: usd(750), Used: usd(250)}}}},
		{name: "limit without figures", body: `{"data":{"limit":10}}`,
			want: []quota.Window{{Kind: quota.KindBalance, NameID: NameKeyLimit, NoData: true, Money: &quota.MoneyFigures{Limit: usd(1000)}}}},
		{name: "zero limit", body: `{"data":{"limit":0,"limit_remaining":0}}`,
			want: []quota.Window{{Kind: quota.KindBalance, NameID: NameKeyLimit, UsedPct: 100,
				Money: &quota.MoneyFigures{Limit: usd(0), Balance: usd(0), Used: usd(0)}}}},
		{name: "unknown reset", body: `{"data":{"limit":10,"limit_remaining":5,"limit_reset":"hourly"}}`,
			want: []quota.Window{{Kind: quota.KindBalance, NameID: NameKeyLimit, UsedPct: 50,
				Money: &quota.MoneyFigures{Limit: usd(1000), Balance: usd(500), Used: usd(500)}}}},
		{name: "remaining above limit", body: `{"data":{"limit":10,"limit_remaining":12}}`,
			want: []quota.Window{{Kind: quota.KindBalance, NameID: NameKeyLimit,
				Money: &quota.MoneyFigures{Limit: usd(1000), Balance: usd(1200), Used: usd(0)}}}},
		{name: "nothing", body: `{"data":{"label":"x"}}`},
		{name: "text limit", body: `{"data":{"limit":"lots"}}`, bad: "data.limit"},
		{name: "huge usage", body: `{"data":{"usage":1e300}}`, bad: "data.usage"},
		{name: "NaN remaining", body: `{"data":{"limit":1,"limit_remaining":"NaN"}}`, bad: "data.limit_remaining"},
		{name: "data not an object", body: `{"data":[1]}`, bad: "data"},
		{name: "top array", body: `[1]`, bad: ""},
		{name: "deep", body: strings.Repeat(`{"data":`, 300) + strings.Repeat("}", 300), bad: ""},
		{name: "unknown error code", body: `{"error":{"code":418,"message":"teapot"}}`, bad: "teapot"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := parseKey([]byte(tt.body), now)
			if tt.want == nil && tt.name != "nothing" {
				e := quota.AsError(err)
				if e == nil || e.Kind != quota.KindMalformed || !strings.Contains(e.Detail, tt.bad) || a.Windows != nil {
					t.Fatalf("error = %#v, account %s; want malformed naming %q", e, show(a), tt.bad)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(a.Windows, tt.want) {
				t.Errorf("windows = %s\nwant %s", show(a), show(quota.Account{Windows: tt.want}))
			}
		})
	}
}

func TestResetWindow(t *testing.T) {
	sunday := time.Date(2026, 2, 1, 23, 59, 0, 0, time.UTC)
	for _, tt := range []struct {
		reset       string
		at          time.Time
		start, next time.Time
	}{
		{"weekly", sunday, time.Date(2026, 1, 26, 0, 0, 0, 0, time.UTC), time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC)},
		{"weekly", time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC), time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC), time.Date(2026, 2, 9, 0, 0, 0, 0, time.UTC)},
		{"monthly", time.Date(2026, 12, 31, 23, 0, 0, 0, time.UTC), time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)},
		// A local clock is read in UTC.
		{"daily", time.Date(2026, 3, 1, 1, 0, 0, 0, time.FixedZone("CET", 3600)), time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)},
	} {
		start, next, ok := resetWindow(tt.reset, tt.at)
		if !ok || !start.Equal(tt.start) || !next.Equal(tt.next) {
			t.Errorf("%s at %v: %v .. %v, want %v .. %v", tt.reset, tt.at, start, next, tt.start, tt.next)
		}
	}
	if _, _, ok := resetWindow("", now); ok {
		t.Error("no reset gave a window")
	}
}

// show prints an account for a failure message.
var show = providertest.Show

func showWindow(w quota.Window) string {
	m := w.Money
	w.Money = nil
	s := fmt.Sprintf("%+v", w)
	if m != nil {
		d := func(x *quota.Money) any {
			if x == nil {
				return nil
			}
			return *x
		}
		s += fmt.Sprintf(" used=%v limit=%v balance=%v", d(m.Used), d(m.Limit), d(m.Balance))
	}
	return s
}

func seeds(f *testing.F) {
	for _, b := range providertest.Fixtures(f) {
		f.Add(b)
	}
}

func checkMoney(t *testing.T, w quota.Window) {
	t.Helper()
	if math.IsNaN(w.UsedPct) || w.UsedPct < 0 || w.UsedPct > 100 || w.Period < 0 || w.Money == nil {
		t.Fatalf("bad window %s", showWindow(w))
	}
	for _, m := range []*quota.Money{w.Money.Used, w.Money.Limit, w.Money.Balance} {
		if m != nil && (m.Minor > 3e14 || m.Minor < -3e14 || m.Currency != "USD" || m.Decimals != 2) {
			t.Fatalf("bad money %+v", *m)
		}
	}
}

func FuzzParseKey(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		a, err := parseKey(body, now)
		if providertest.ParseFailed(t, a, err) {
			return
		}
		for _, w := range a.Windows {
			checkMoney(t, w)
		}
	})
}

func FuzzParseCredits(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		w, ok, err := parseCredits(body)
		if !ok {
			if err == nil && w.Money == nil {
				return
			}
			if w.Money != nil {
				t.Fatalf("error %v with a value %s", err, showWindow(w))
			}
			if k := quota.KindOf(err); k == quota.KindInternal || k == "" {
				t.Fatalf("unclassified error %v", err)
			}
			return
		}
		checkMoney(t, w)
	})
}

package render

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mystatus/mystatus/i18n"
	"github.com/mystatus/mystatus/internal/testkit"
	"github.com/mystatus/mystatus/lib/quota"
	"github.com/rogpeppe/go-internal/diff"
)

var now = time.Date(2026, 1, 23, 15, 0, 0, 0, time.UTC)

func f(v float64) *float64 { return &v }

func money(minor int64, cur string) *quota.Money {
	return &quota.Money{Minor: minor, Decimals: 2, Currency: cur}
}

// sample is a report exercising every kind of row.
func sample() quota.Report {
	h := time.Hour
	return quota.Report{GeneratedAt: now, Results: []quota.Result{
		{Platform: "openai", Accounts: []quota.Account{{Name: "user@example.com", Plan: "plus", Windows: []quota.Window{
			{Kind: quota.KindRate, Period: 5 * h, UsedPct: 37, ResetAt: now.Add(2*h + 45*time.Minute)},
			{Kind: quota.KindRate, Period: 7 * 24 * h, UsedPct: 12.4, ResetAt: now.Add(4*24*h + 23*h + 43*time.Minute)},
		}, Credits: &quota.Credits{Balance: "12.50", Currency: "USD"}}}},
		{Platform: "anthropic", Accounts: []quota.Account{{Name: "dev@example.com", Plan: "max", Windows: []quota.Window{
			{Kind: quota.KindRate, Period: 5 * h, UsedPct: 48, ResetAt: now.Add(90 * time.Minute), Active: true},
			{Kind: quota.KindRate, Period: 7 * 24 * h, UsedPct: 30, ResetAt: now.Add(5 * 24 * h), Scope: "claude_code"},
			{Kind: quota.KindExtraUsage, Money: &quota.MoneyFigures{Used: money(4752, "USD"), Limit: money(14000, "USD")}, Disabled: "out_of_credits"},
			{Kind: quota.KindBalance, Money: &quota.MoneyFigures{Balance: money(1250, "CNY"), Granted: money(250, "CNY"), ToppedUp: money(1000, "CNY")}},
			{Kind: quota.KindBalance, Name: "Prepaid credits", Money: &quota.MoneyFigures{Balance: money(800, "USD"), Limit: money(5000, "USD")}},
		}}}},
		{Platform: "zhipu", Accounts: []quota.Account{{Name: "a1b2****Z123", Plan: "pro", Windows: []quota.Window{
			{Kind: quota.KindTokens, Period: 5 * h, UsedPct: 21, Used: f(8.2e6), Limit: f(40e6), Unit: "tokens", ResetAt: now.Add(3*h + 12*time.Minute)},
			{Kind: quota.KindTokens, Period: 7 * 24 * h, UsedPct: 85, ResetAt: now.Add(3 * 24 * h)},
			{Kind: quota.KindTools, Period: 30 * 24 * h, UsedPct: 8, Used: f(83), Limit: f(1000), Unit: "calls", ResetAt: now.Add(20 * 24 * h)},
		}, Breakdown: []quota.Usage{{Name: "search-prime", Count: 60, Unit: "calls"}, {Name: "web-reader", Count: 23, Unit: "calls"}}}}},
		{Platform: "antigravity", Accounts: []quota.Account{
			{Name: "a@gmail.com", Windows: []quota.Window{
				{Kind: quota.KindModel, Name: "Gemini Pro", Compact: true, UsedPct: 40, ResetAt: now.Add(4*h + 59*time.Minute)},
				{Kind: quota.KindModel, Name: "Claude", Compact: true, UsedPct: 100, ResetAt: now.Add(2*24*h + 9*h)},
				{Kind: quota.KindModel, Name: "Gemini Flash", Compact: true, NoData: true},
				{Kind: quota.KindModel, Name: "Other", NameID: "antigravity.family.other", Compact: true, UsedPct: 10, ResetAt: now.Add(4*h + 59*time.Minute)},
			}, Facts: []quota.Fact{{ID: "antigravity.proxy_disabled", Data: map[string]any{"Reason": "manual", "Since": now.Add(-2*24*h - 10*h)}}}},
			{Name: "b@gmail.com", Err: &quota.Error{Kind: quota.KindProjectMissing}},
		}},
		{Platform: "copilot", Accounts: []quota.Account{{Name: "@octocat", Plan: "pro", Windows: []quota.Window{
			{Kind: quota.KindPremium, Compact: true, UsedPct: 59, Used: f(177), Limit: f(300), Unit: "requests"},
			{Kind: quota.KindChat, Compact: true, Unlimited: true},
		}, Overage: f(3), Period: "2026-01", Breakdown: []quota.Usage{{Name: "Claude Sonnet 4.5", Count: 120}}}}},
		{Platform: "zai", Err: &quota.Error{Kind: quota.KindUnauthorized, Code: "401", Detail: "token expired or incorrect"}},
	}}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	testkit.GoldenString(t, filepath.Join("testdata", name), got)
}

func TestMarkdownGolden(t *testing.T) {
	for _, lang := range i18n.Languages {
		for _, show := range []string{ShowRemaining, ShowUsed} {
			got := Markdown(sample(), i18n.New(lang), Options{Now: now, Location: time.UTC, Show: show})
			if strings.Contains(got, "<no value>") {
				t.Errorf("%s: template data missing:\n%s", lang, got)
			}
			golden(t, "report."+show+"."+lang+".golden.md", got)
		}
		term := Markdown(sample(), i18n.New(lang), Options{Now: now, Location: time.UTC, Terminal: true})
		golden(t, "report.terminal."+lang+".golden.md", term)
	}
}

func TestMarkdownEmptyGolden(t *testing.T) {
	rep := quota.Report{GeneratedAt: now, Supported: []quota.Info{
		{ID: "openai", Sources: []quota.Source{{Path: "/home/u/.local/share/opencode/auth.json", What: `"openai"`}}},
		{ID: "antigravity", Sources: []quota.Source{{Path: "/home/u/.config/opencode/antigravity-accounts.json"}, {Path: "/home/u/.antigravity_tools/accounts", What: "Antigravity-Manager *.json"}}},
	}}
	for _, lang := range i18n.Languages {
		golden(t, "empty."+lang+".golden.md", Markdown(rep, i18n.New(lang), Options{Now: now, Location: time.UTC}))
	}
}

func TestLine(t *testing.T) {
	got := Line(sample(), i18n.New("en"), Options{Now: now})
	want := "OpenAI 63% · Claude 16% · Zhipu 15%⏳ · Google 0%! · Copilot 41% · Z.ai –!"
	if got != want {
		t.Errorf("Line = %q, want %q", got, want)
	}
	if got := Line(quota.Report{}, i18n.New("en"), Options{}); got != "no AI plan configured" {
		t.Errorf("empty Line = %q", got)
	}
}

func TestColorOnlyWhenAsked(t *testing.T) {
	plain := Markdown(sample(), i18n.New("en"), Options{Now: now, Location: time.UTC})
	if strings.Contains(plain, "\x1b[") {
		t.Error("escape codes without Color")
	}
	colored := Markdown(sample(), i18n.New("en"), Options{Now: now, Location: time.UTC, Color: true})
	if !strings.Contains(colored, "\x1b[") {
		t.Error("no escape codes with Color")
	}
}

func TestJSONDocument(t *testing.T) {
	doc := JSON(sample(), i18n.New("fr"), Options{Now: now})
	if doc.SchemaVersion != SchemaVersion || doc.Locale != "fr" || !doc.Summary.Failed {
		t.Fatalf("header: %+v", doc)
	}
	if got := *doc.Summary.LowestRemainingPercent; got != 0 {
		t.Errorf("lowest remaining = %v, want 0", got)
	}
	statuses := map[string]string{}
	for _, p := range doc.Platforms {
		statuses[p.ID] = p.Status
	}
	want := map[string]string{"openai": "ok", "zhipu": "ok", "antigravity": "partial", "copilot": "ok", "zai": "error"}
	for id, s := range want {
		if statuses[id] != s {
			t.Errorf("%s status %q, want %q", id, statuses[id], s)
		}
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "report.fr.golden.json", string(b)+"\n")

	// The committed example of the README is the sample in English.
	ex, err := json.MarshalIndent(JSON(sample(), i18n.New("en"), Options{Now: now}), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "../report.example.json", string(ex)+"\n")
}

// TestSchemaCoversDocument checks that every property the document emits
// is declared in the committed schema (the e2e module validates fully).
func TestSchemaCoversDocument(t *testing.T) {
	var s map[string]any
	if err := json.Unmarshal(Schema(), &s); err != nil {
		t.Fatal(err)
	}
	declared := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if props, ok := x["properties"].(map[string]any); ok {
				for k := range props {
					declared[k] = true
				}
			}
			for _, c := range x {
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	walk(s)
	b, _ := json.Marshal(JSON(sample(), i18n.New("en"), Options{Now: now}))
	var doc any
	json.Unmarshal(b, &doc)
	var check func(v any)
	check = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, c := range x {
				if !declared[k] {
					t.Errorf("property %q is not in report.schema.json", k)
				}
				check(c)
			}
		case []any:
			for _, c := range x {
				check(c)
			}
		}
	}
	check(doc)
}

func TestBalanceWarnings(t *testing.T) {
	loc := i18n.New("en")
	usd := func(minor int64) *quota.Money { return money(minor, "USD") }
	cny := func(minor int64) *quota.Money { return money(minor, "CNY") }
	tests := []struct {
		name string
		win  quota.Window
		low  float64 // Options.LowMoney
		want string
	}{
		{"balance left, no limit, no threshold", quota.Window{Kind: quota.KindBalance, Money: &quota.MoneyFigures{Balance: usd(1)}}, 0, ""},
		{"under the threshold", quota.Window{Kind: quota.KindBalance, Money: &quota.MoneyFigures{Balance: usd(499)}}, 5, "⚠️ Low balance: Balance has only $4.99 left"},
		{"at the threshold", quota.Window{Kind: quota.KindBalance, Money: &quota.MoneyFigures{Balance: usd(500)}}, 5, ""},
		{"in its own currency", quota.Window{Kind: quota.KindBalance, Money: &quota.MoneyFigures{Balance: cny(1250)}}, 20, "⚠️ Low balance: Balance has only CN¥12.50 left"},
		{"zero stays used up", quota.Window{Kind: quota.KindBalance, Money: &quota.MoneyFigures{Balance: usd(0)}}, 5, "⛔ Balance: no balance left"},
		{"balance zero, no limit", quota.Window{Kind: quota.KindBalance, Money: &quota.MoneyFigures{Balance: usd(0)}}, 0, "⛔ Balance: no balance left"},
		{"balance negative", quota.Window{Kind: quota.KindBalance, Money: &quota.MoneyFigures{Balance: usd(-300)}}, 0, "⛔ Balance: no balance left"},
		{"21 % of the limit left", quota.Window{Kind: quota.KindBalance, Money: &quota.MoneyFigures{Balance: usd(2100), Limit: usd(10000)}}, 5, ""},
		{"19 % left", quota.Window{Kind: quota.KindBalance, Money: &quota.MoneyFigures{Balance: usd(1900), Limit: usd(10000)}}, 5, "⚠️ Low balance: Balance has only $19.00 left"},
		{"spent to the cap", quota.Window{Kind: quota.KindBalance, Money: &quota.MoneyFigures{Used: usd(10000), Limit: usd(10000)}}, 5, "⛔ Balance: no balance left"},
		{"spent 85 %", quota.Window{Kind: quota.KindBalance, Money: &quota.MoneyFigures{Used: usd(8500), Limit: usd(10000)}}, 5, "⚠️ Low balance: Balance has only $15.00 left"},
	}
	for _, tt := range tests {
		w := &writer{loc: loc, opts: Options{Now: now, LowMoney: tt.low}}
		win := normalizeWindow(tt.win)
		if got := w.warning(WindowLabel(loc, win), win); got != tt.want {
			t.Errorf("%s: warning %q, want %q", tt.name, got, tt.want)
		}
		rep := quota.Report{GeneratedAt: now, Results: []quota.Result{{Platform: "openai", Accounts: []quota.Account{{Windows: []quota.Window{tt.win}}}}}}
		doc := JSON(rep, loc, Options{Now: now, LowMoney: tt.low})
		if low := doc.Platforms[0].Accounts[0].Windows[0].LowBalance; low != strings.Contains(tt.want, "Low balance") {
			t.Errorf("%s: JSON lowBalance %v", tt.name, low)
		}
	}
}

func TestWindowName(t *testing.T) {
	for lang, want := range map[string]string{"en": "Other models", "zh": "其他模型"} {
		w := quota.Window{Kind: quota.KindModel, Name: "Other", NameID: "antigravity.family.other"}
		if got := WindowLabel(i18n.New(lang), w); got != want {
			t.Errorf("%s label %q, want %q", lang, got, want)
		}
	}
	w := quota.Window{Kind: quota.KindModel, Name: "Other", NameID: "no.such.message"}
	if got := WindowLabel(i18n.New("fr"), w); got != "Other" {
		t.Errorf("unknown NameID: label %q, want the Name", got)
	}
}

func TestPacePhrase(t *testing.T) {
	loc := i18n.New("en")
	h, day := time.Hour, 24*time.Hour
	win := func(period time.Duration, used float64, left time.Duration) quota.Window {
		w := quota.Window{Kind: quota.KindRate, Period: period, UsedPct: used}
		if left != 0 {
			w.ResetAt = now.Add(left)
		}
		return w
	}
	tests := []struct {
		name        string
		w           quota.Window
		phrase      string
		warns, mark bool
	}{
		{"just reset", win(5*h, 3, 5*h-time.Minute), "", false, false},
		{"half way, on pace", win(5*h, 40, 150*time.Minute), "", false, false},
		{"pace exactly 1", win(5*h, 50, 150*time.Minute), "", false, false},
		{"half way, runs out", win(5*h, 80, 150*time.Minute), "At this pace it runs out in 37m, 1h 52m before the reset", true, true},
		{"nearly over, ahead", win(5*h, 93, 30*time.Minute), "Ahead of pace: 93% used with 90% of the window gone", false, false},
		// Ahead by less than the rounding: no "97% used with 97% gone".
		{"barely ahead", win(5*h, 97, 10*time.Minute), "", false, false},
		{"exhausted", win(5*h, 100, h), "", false, false},
		{"no reset", win(5*h, 90, 0), "", false, false},
		{"30-day window", win(30*day, 60, 20*day), "At this pace it runs out in 6d 16h, 13d 8h before the reset", true, true},
	}
	for _, tt := range tests {
		w := &writer{loc: loc, opts: Options{Now: now}}
		if got := w.paceText(tt.w); got != tt.phrase {
			t.Errorf("%s: phrase %q, want %q", tt.name, got, tt.phrase)
		}
		rep := quota.Report{GeneratedAt: now, Results: []quota.Result{{Platform: "openai", Accounts: []quota.Account{{Name: "x", Windows: []quota.Window{tt.w}}}}}}
		md := Markdown(rep, loc, Options{Now: now, Location: time.UTC})
		if got := strings.Contains(md, "⏳"); got != tt.warns {
			t.Errorf("%s: run-out warning %v, want %v:\n%s", tt.name, got, tt.warns, md)
		}
		if got := strings.Contains(Line(rep, loc, Options{Now: now}), PaceMarker); got != tt.mark {
			t.Errorf("%s: line marker %v, want %v", tt.name, got, tt.mark)
		}
		doc := JSON(rep, loc, Options{Now: now})
		wd := doc.Platforms[0].Accounts[0].Windows[0]
		if (tt.phrase != "") != (wd.ProjectedExhaustion != nil) && tt.name != "exhausted" && tt.name != "barely ahead" {
			t.Errorf("%s: projectedExhaustion %v with phrase %q", tt.name, wd.ProjectedExhaustion, tt.phrase)
		}
	}
}

// A balance split names a negative cash part as a debt, in every language.
func TestMoneySplitOwed(t *testing.T) {
	m := &quota.MoneyFigures{Balance: money(1250, "CNY"), Granted: money(1250, "CNY"), ToppedUp: money(-3115, "CNY")}
	want := map[string]string{"en": "CN¥12.50 granted, CN¥31.15 owed", "fr": "12,50\u00a0CNY offerts, 31,15\u00a0CNY à rembourser", "zh": "赠送 ￥12.50，欠费 ￥31.15"}
	for _, lang := range i18n.Languages {
		w := &writer{loc: i18n.New(lang), opts: Options{Now: now}}
		lines := w.moneyLines(m)
		if got := lines[len(lines)-1]; got != want[lang] {
			t.Errorf("%s: %q, want %q", lang, got, want[lang])
		}
	}
	m.ToppedUp = money(300, "CNY")
	w := &writer{loc: i18n.New("en"), opts: Options{Now: now}}
	if lines := w.moneyLines(m); lines[len(lines)-1] != "CN¥12.50 granted, CN¥3.00 topped up" {
		t.Errorf("positive cash: %q", lines)
	}
}

// TestManyAccountsRenderInParallelAsInSeries renders a platform with many
// accounts (every kind of window and detail of the sample, renamed) split
// over 1 to 5 runs, in both forms and every language: the parallel
// renderings are byte for byte the serial one. Under -race it also checks
// the runs share nothing unsafely (the localizer's memo among them).
func TestManyAccountsRenderInParallelAsInSeries(t *testing.T) {
	var pool []quota.Account
	for _, res := range sample().Results {
		for _, a := range res.Accounts {
			if a.Err == nil {
				pool = append(pool, a)
			}
		}
	}
	var accounts []quota.Account
	for i := range 3*parallelAccounts + 7 {
		a := pool[i%len(pool)]
		a.Name = fmt.Sprintf("user%03d@example.com", i)
		accounts = append(accounts, a)
	}
	rep := quota.Report{GeneratedAt: now, Results: []quota.Result{{Platform: "antigravity", Accounts: accounts}}}
	defer func(c func(int) int) { cores = c }(cores)
	for _, lang := range []string{"en", "fr", "zh"} {
		for _, terminal := range []bool{false, true} {
			opts := Options{Now: now, Location: time.UTC, Terminal: terminal}
			cores = func(int) int { return 1 }
			serial := Markdown(rep, i18n.New(lang), opts)
			if n := strings.Count(serial, "user"); n < len(accounts) {
				t.Fatalf("%s: %d account names in the serial rendering, want %d", lang, n, len(accounts))
			}
			for runs := 2; runs <= 5; runs++ {
				cores = func(int) int { return runs }
				if got := Markdown(rep, i18n.New(lang), opts); got != serial {
					t.Fatalf("%s terminal=%v, %d runs: the rendering differs from the serial one\n%s", lang, terminal, runs, diff.Diff("serial", []byte(serial), "parallel", []byte(got)))
				}
			}
		}
	}
}

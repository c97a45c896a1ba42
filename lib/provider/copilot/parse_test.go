package copilot

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mystatus/mystatus/lib/quota"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func f64(v float64) *float64 { return &v }

func TestParsePAT(t *testing.T) {
	const path = "/cfg/opencode/copilot-quota-token.json"
	tests := []struct {
		name  string
		data  string
		want  pat
		kind  quota.Kind
		field string
		inErr string
	}{
		{name: "ok", data: `{"token":"github_pat_CANARY_1","username":"octocat","tier":"pro"}`,
			want: pat{path: path, token: "github_pat_CANARY_1", username: "octocat", tier: "pro", limit: 300}},
		{name: "tier case and at-sign", data: `{"token":"github_pat_CANARY_1","username":"@octocat","tier":"Pro+"}`,
			want: pat{path: path, token: "github_pat_CANARY_1", username: "octocat", tier: "pro+", limit: 1500}},
		{name: "enterprise", data: `{"token":"t_CANARY","username":"a-b","tier":"enterprise"}`,
			want: pat{path: path, token: "t_CANARY", username: "a-b", tier: "enterprise", limit: 1000}},
		{name: "missing tier", data: `{"token":"github_pat_CANARY_1","username":"octocat"}`,
			kind: quota.KindFieldMissing, field: "tier", inErr: "missing"},
		{name: "unknown tier", data: `{"token":"github_pat_CANARY_1","username":"octocat","tier":"gold"}`,
			kind: quota.KindFieldMissing, field: "tier", inErr: "free, pro, pro+, business, enterprise"},
		{name: "empty token", data: `{"token":"  ","username":"octocat","tier":"pro"}`,
			kind: quota.KindFieldMissing, field: "token", inErr: "empty"},
		{name: "numeric username", data: `{"token":"x_CANARY","username":42,"tier":"pro"}`,
			kind: quota.KindFieldMissing, field: "username", inErr: "not a string"},
		{name: "username with slash", data: `{"token":"x_CANARY","username":"a/../b","tier":"pro"}`,
			kind: quota.KindFieldMissing, field: "username"},
		{name: "null token", data: `{"token":null,"username":"octocat","tier":"pro"}`,
			kind: quota.KindFieldMissing, field: "token"},
		{name: "array", data: `[]`, kind: quota.KindFileMalformed},
		{name: "not json", data: `{"token":`, kind: quota.KindFileMalformed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parsePAT(path, []byte(tc.data))
			if tc.kind == "" {
				if err != nil || got != tc.want {
					t.Fatalf("got %+v, %v; want %+v", got, err, tc.want)
				}
				return
			}
			e := quota.AsError(err)
			if e == nil || e.Kind != tc.kind || e.Field != tc.field || e.Path != path || !strings.Contains(e.Detail, tc.inErr) {
				t.Fatalf("got %#v; want kind %s field %q detail ~%q", e, tc.kind, tc.field, tc.inErr)
			}
			if strings.Contains(e.Error(), "CANARY") {
				t.Fatalf("error leaks the token: %v", e)
			}
		})
	}
}

func TestParseBilling(t *testing.T) {
	pro := pat{username: "octocat", tier: "pro", limit: 300}
	tests := []struct {
		file string
		want quota.Account
	}{
		{file: "billing_pat.json", want: quota.Account{
			Name: "@octocat", Plan: "pro",
			Windows: []quota.Window{{Kind: quota.KindPremium, Compact: true, Used: f64(193.83), Limit: f64(300),
				Unit: "requests", UsedPct: 193.83 / 300 * 100, ResetAt: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}},
			Breakdown: []quota.Usage{
				{Name: "Claude Sonnet 4.5", Count: 130.33, Unit: "requests"},
				{Name: "GPT-5", Count: 45, Unit: "requests"},
				{Name: "Gemini 2.5 Pro", Count: 12, Unit: "requests"},
				{Name: "o3", Count: 3, Unit: "requests"},
				{Name: "GPT-4.1", Count: 2.5, Unit: "requests"},
			},
			Period:  "2026-11",
			ResetAt: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
		}},
		{file: "billing_year_only.json", want: quota.Account{
			Name: "@octocat", Plan: "pro",
			Windows: []quota.Window{{Kind: quota.KindPremium, Compact: true, Used: f64(1600.5), Unit: "requests", NoData: true}},
			Breakdown: []quota.Usage{
				{Name: "Claude Sonnet 4.5", Count: 1210, Unit: "requests"},
				{Name: "GPT-5", Count: 390.5, Unit: "requests"},
			},
			Period: "2026",
		}},
		{file: "billing_empty.json", want: quota.Account{
			Name: "@octocat", Plan: "pro",
			Windows: []quota.Window{{Kind: quota.KindPremium, Compact: true, Used: f64(0), Limit: f64(300),
				Unit: "requests", ResetAt: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)}},
			Period:  "2026-01",
			ResetAt: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC),
		}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			got, err := parseBilling(readTestdata(t, tc.file), pro)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(norm(got), norm(tc.want)) {
				t.Fatalf("got  %s\nwant %s", dump(got), dump(tc.want))
			}
		})
	}
}

func TestParseBillingOverLimit(t *testing.T) {
	body := `{"timePeriod":{"year":2026,"month":3},"usageItems":[{"sku":"Copilot Premium Request","model":"GPT-5","grossQuantity":75}]}`
	got, err := parseBilling([]byte(body), pat{username: "u", tier: "free", limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	// Never above 100 %: the excess is the overage.
	if w := got.Windows[0]; w.UsedPct != 100 || *w.Used != 75 || got.Overage == nil || *got.Overage != 25 || got.Period != "2026-03" {
		t.Fatalf("got %+v overage %v period %q", w, got.Overage, got.Period)
	}
}

// A report without a whole month (a year, a day, no period) is not
// measured against the monthly allowance.
func TestParseBillingNotAMonth(t *testing.T) {
	for _, tp := range []string{`{"year":2026}`, `{"year":2026,"month":3,"day":4}`, `{}`, `{"year":2026,"month":13}`} {
		body := `{"timePeriod":` + tp + `,"usageItems":[{"sku":"Copilot Premium Request","model":"GPT-5","grossQuantity":750}]}`
		got, err := parseBilling([]byte(body), pat{username: "u", tier: "pro", limit: 300})
		if err != nil {
			t.Fatal(err)
		}
		w := got.Windows[0]
		if !w.NoData || w.Limit != nil || w.UsedPct != 0 || *w.Used != 750 || got.Overage != nil || !w.ResetAt.IsZero() {
			t.Errorf("%s: got %s", tp, dump(got))
		}
	}
}

func TestParseBillingMalformed(t *testing.T) {
	for _, body := range []string{``, `{}`, `[]`, `{"usageItems":{}}`, `<html>`,
		`{"usageItems":[{"sku":"Copilot Premium Request","grossQuantity":"NaN"}]}`,
		`{"usageItems":[{"sku":"Copilot Premium Request","grossQuantity":1e300}]}`,
		strings.Repeat(`{"usageItems":`, 200),
	} {
		if _, err := parseBilling([]byte(body), pat{limit: 300}); quota.KindOf(err) != quota.KindMalformed {
			t.Errorf("%q: got %v, want malformed", body, err)
		}
	}
}

func TestParseUser(t *testing.T) {
	dec1 := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	mar1 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	apr1 := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	apr24 := time.Date(2026, 4, 24, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		file string
		want quota.Account
	}{
		{file: "user_paid.json", want: quota.Account{
			Name: "octocat", Plan: "individual", ResetAt: dec1,
			Windows: []quota.Window{
				{Kind: quota.KindPremium, Compact: true, Unit: "requests", Used: f64(228.9), Limit: f64(300), UsedPct: 228.9 / 3, ResetAt: dec1},
				{Kind: quota.KindChat, Compact: true, Unit: "requests", Used: f64(125), Limit: f64(1000), UsedPct: 12.5, ResetAt: dec1},
				{Kind: quota.KindCompletions, Compact: true, Unit: "requests", Used: f64(2000), Limit: f64(4000), UsedPct: 50, ResetAt: dec1},
			},
		}},
		{file: "user_unlimited_chat.json", want: quota.Account{
			Name: "GitHub Copilot", Plan: "business", ResetAt: dec1,
			Windows: []quota.Window{
				{Kind: quota.KindPremium, Compact: true, Unit: "requests", Used: f64(120), Limit: f64(300), UsedPct: 40, ResetAt: dec1},
				{Kind: quota.KindChat, Compact: true, Unit: "requests", Unlimited: true, ResetAt: dec1},
				{Kind: quota.KindCompletions, Compact: true, Unit: "requests", Unlimited: true, ResetAt: dec1},
			},
		}},
		// Real bodies (testdata/SOURCES.md). quota_remaining wins over the
		// rounded remaining: 1500 − 1054.25 = 445.75 used.
		{file: "user_pro_plus_doc.json", want: quota.Account{
			Name: "username", Plan: "individual_pro", ResetAt: mar1,
			Windows: []quota.Window{
				{Kind: quota.KindPremium, Compact: true, Unit: "requests", Used: f64(445.75), Limit: f64(1500), UsedPct: 445.75 / 1500 * 100, ResetAt: mar1},
				{Kind: quota.KindChat, Compact: true, Unit: "requests", Unlimited: true, ResetAt: mar1},
				{Kind: quota.KindCompletions, Compact: true, Unit: "requests", Unlimited: true, ResetAt: mar1},
			},
		}},
		{file: "user_pro_plus_iota31.json", want: quota.Account{
			Name: "iota31", Plan: "individual_pro", ResetAt: mar1,
			Windows: []quota.Window{
				{Kind: quota.KindPremium, Compact: true, Unit: "requests", Used: f64(1026.33), Limit: f64(1500), UsedPct: 1026.33 / 1500 * 100, ResetAt: mar1},
				{Kind: quota.KindChat, Compact: true, Unit: "requests", Unlimited: true, ResetAt: mar1},
				{Kind: quota.KindCompletions, Compact: true, Unit: "requests", Unlimited: true, ResetAt: mar1},
			},
		}},
		// Over quota (remaining −1, percent_remaining −0.33): 0 % left and
		// an overage of 1; the reset comes from quota_reset_date_utc alone.
		{file: "user_over_quota_issue110.json", want: quota.Account{
			Name: "GitHub Copilot", ResetAt: apr1, Overage: f64(1),
			Windows: []quota.Window{
				{Kind: quota.KindPremium, Compact: true, Unit: "requests", Used: f64(300), Limit: f64(300), UsedPct: 100, ResetAt: apr1},
			},
		}},
		// Org seat on token-based billing: placeholders, not unlimited
		// premium requests.
		{file: "user_business_placeholder_issue839.json", want: quota.Account{
			Name: "GitHub Copilot", Plan: "business",
			Windows: []quota.Window{
				{Kind: quota.KindPremium, Compact: true, Unit: "credits", NoData: true},
				{Kind: quota.KindChat, Compact: true, Unit: "credits", Unlimited: true},
				{Kind: quota.KindCompletions, Compact: true, Unit: "credits", Unlimited: true},
			},
		}},
		{file: "user_free_limited.json", want: quota.Account{
			Name: "testuser", Plan: "individual", ResetAt: apr24,
			Windows: []quota.Window{
				{Kind: quota.KindChat, Compact: true, Unit: "requests", Used: f64(240), Limit: f64(500), UsedPct: 48, ResetAt: apr24},
				{Kind: quota.KindCompletions, Compact: true, Unit: "requests", Used: f64(673), Limit: f64(4000), UsedPct: 673.0 / 4000 * 100, ResetAt: apr24},
			},
		}},
		// Invented: the newer snapshot fields on a personal plan.
		{file: "user_newer_snapshot_fields.json", want: quota.Account{
			Name: "octocat", Plan: "individual_pro", ResetAt: dec1,
			Windows: []quota.Window{
				{Kind: quota.KindPremium, Compact: true, Unit: "credits", Used: f64(592.5), Limit: f64(1500), UsedPct: 592.5 / 1500 * 100,
					ResetAt: time.Unix(1798761600, 0).UTC()},
				{Kind: quota.KindChat, Compact: true, Unit: "requests", Unlimited: true, ResetAt: dec1},
			},
		}},
		{file: "user_exhausted.json", want: quota.Account{
			Name: "octocat", Plan: "individual_pro", ResetAt: dec1, Overage: f64(12),
			Windows: []quota.Window{
				{Kind: quota.KindPremium, Compact: true, Unit: "requests", Used: f64(300), Limit: f64(300), UsedPct: 100, ResetAt: dec1},
				{Kind: quota.KindChat, Compact: true, Unit: "requests", Unlimited: true, ResetAt: dec1},
			},
		}},
		{file: "user_free.json", want: quota.Account{
			Name: "octocat", Plan: "individual", ResetAt: time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC),
			Windows: []quota.Window{
				{Kind: quota.KindChat, Compact: true, Unit: "requests", Used: f64(90), Limit: f64(500), UsedPct: 18,
					ResetAt: time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)},
				{Kind: quota.KindCompletions, Compact: true, Unit: "requests", Used: f64(400), Limit: f64(4000), UsedPct: 10,
					ResetAt: time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)},
			},
		}},
		{file: "user_org_placeholder.json", want: quota.Account{
			Name: "GitHub Copilot", Plan: "enterprise", ResetAt: dec1,
			Windows: []quota.Window{{Kind: quota.KindPremium, Compact: true, Unit: "requests", NoData: true, ResetAt: dec1}},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			got, err := parseUser(readTestdata(t, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(norm(got), norm(tc.want)) {
				t.Fatalf("got  %s\nwant %s", dump(got), dump(tc.want))
			}
		})
	}
}

// dump prints an account with its pointer fields resolved.
func dump(a quota.Account) string {
	var b strings.Builder
	b.WriteString(a.Name + " " + a.Plan + " " + a.ResetAt.String())
	if a.Overage != nil {
		b.WriteString(" overage=" + ftoa(*a.Overage))
	}
	for _, w := range a.Windows {
		b.WriteString("\n  " + string(w.Kind) + " pct=" + ftoa(w.UsedPct))
		if w.Used != nil {
			b.WriteString(" used=" + ftoa(*w.Used))
		}
		if w.Limit != nil {
			b.WriteString(" limit=" + ftoa(*w.Limit))
		}
		b.WriteString(" reset=" + w.ResetAt.String())
		if w.Unlimited {
			b.WriteString(" unlimited")
		}
		if w.NoData {
			b.WriteString(" nodata")
		}
	}
	return b.String()
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// norm rounds the float fields of a so that table values written as
// decimals compare equal to computed ones.
func norm(a quota.Account) quota.Account {
	r := func(f float64) float64 { return math.Round(f*1e6) / 1e6 }
	ws := make([]quota.Window, len(a.Windows))
	for i, w := range a.Windows {
		w.UsedPct = r(w.UsedPct)
		if w.Used != nil {
			w.Used = f64(r(*w.Used))
		}
		if w.Limit != nil {
			w.Limit = f64(r(*w.Limit))
		}
		ws[i] = w
	}
	a.Windows = ws
	return a
}

func TestParseUserMalformed(t *testing.T) {
	for _, body := range []string{``, `[]`, `{}`, `{"login":"x"}`, `"str"`, `<!DOCTYPE html>`,
		`{"quota_snapshots":{"premium_interactions":{"entitlement":300,"quota_remaining":"NaN"}}}`,
		`{"quota_snapshots":{"premium_interactions":{"entitlement":300,"percent_remaining":140}}}`,
		`{"quota_snapshots":{"premium_interactions":{"entitlement":300,"quota_remaining":301}}}`,
		`{"quota_snapshots":{"premium_interactions":{"entitlement":-5,"remaining":1}}}`,
		`{"quota_snapshots":{"chat":{"entitlement":1e300,"remaining":1}}}`,
		`{"quota_snapshots":{"premium_interactions":{"entitlement":300,"remaining":3,"overage_count":-2}}}`,
		`{"access_type_sku":"free_limited_copilot","monthly_quotas":{"chat":500},"limited_user_quotas":{"chat":600}}`,
		strings.Repeat(`{"quota_snapshots":`, 200),
	} {
		if _, err := parseUser([]byte(body)); quota.KindOf(err) != quota.KindMalformed {
			t.Errorf("%q: got %v, want malformed", body, err)
		}
	}
}

func TestParseToken(t *testing.T) {
	tok, exp, err := parseToken(readTestdata(t, "token_v2.json"))
	if err != nil || !strings.HasPrefix(tok, "tid=CANARY-copilot-session-0001") || !exp.Equal(time.Unix(1795432800, 0)) {
		t.Fatalf("got %q %v %v", tok, exp, err)
	}
	for _, body := range []string{`{}`, `{"token":""}`, `{"token":5}`, `nope`} {
		if _, _, err := parseToken([]byte(body)); quota.KindOf(err) != quota.KindMalformed {
			t.Errorf("%q: got %v, want malformed", body, err)
		}
	}
}

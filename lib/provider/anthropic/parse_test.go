package anthropic

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mystatus/mystatus/lib/quota"
)

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func usd(minor int64) *quota.Money { return &quota.Money{Minor: minor, Decimals: 2, Currency: "USD"} }
func cur(minor int64, c string) *quota.Money {
	return &quota.Money{Minor: minor, Decimals: 2, Currency: c}
}

// TestParseUsageRecorded runs over every recorded body (SOURCES.md) and
// asserts the figures a user must see, read off the body by hand.
func TestParseUsageRecorded(t *testing.T) {
	h5 := 5 * time.Hour
	tests := []struct {
		file string
		want []quota.Window
	}{
		// limits[] is the source of truth; five_hour/seven_day mirror
		// session/weekly_all and are not shown twice; Fable lives only
		// in limits[]; the active limit is the 5-hour one.
		{"usage_limits_fable.json", []quota.Window{
			{Kind: quota.KindRate, Period: h5, UsedPct: 58, Active: true, ResetAt: ts("2026-07-14T21:39:59.791719Z")},
			{Kind: quota.KindRate, Period: week, UsedPct: 58, ResetAt: ts("2026-07-15T12:59:59.791744Z")},
			{Kind: quota.KindModel, Period: week, Name: "Fable", UsedPct: 49, ResetAt: ts("2026-07-15T12:59:59.792150Z")},
		}},
		// Out of credits: €10.77 spent, no cap, switched off by the
		// platform; the weekly limit binds.
		{"usage_out_of_credits_eur.json", []quota.Window{
			{Kind: quota.KindRate, Period: h5, UsedPct: 6, ResetAt: ts("2026-07-26T04:10:00.157569Z")},
			{Kind: quota.KindRate, Period: week, UsedPct: 65, Active: true, ResetAt: ts("2026-07-28T07:00:00.157592Z")},
			{Kind: quota.KindModel, Period: week, Name: "Fable", UsedPct: 36, ResetAt: ts("2026-07-28T07:00:00.157890Z")},
			{Kind: quota.KindExtraUsage, Disabled: "out_of_credits", NoData: true, Money: &quota.MoneyFigures{Used: cur(1077, "EUR")}},
		}},
		// A work account: no plan windows, a spent $1,000 grant under a
		// codename, $2,119.26 of $5,000.00 extra usage; the dormant
		// nimbus_quill bucket (0 %, no reset, no money) is left out.
		{"usage_work_account.json", []quota.Window{
			{Kind: quota.KindBalance, NameID: NameCreditGrant, UsedPct: 100, ResetAt: ts("2026-09-22T18:55:57.572982Z"),
				Money: &quota.MoneyFigures{Used: usd(100000), Limit: usd(100000), Balance: usd(0)}},
			{Kind: quota.KindExtraUsage, UsedPct: 42.3852, Money: &quota.MoneyFigures{Used: usd(211926), Limit: usd(500000)}},
		}},
		// Extra usage switched off by the user: not shown.
		{"usage_capture_2026-09-03.json", []quota.Window{
			{Kind: quota.KindRate, Period: h5, UsedPct: 24, ResetAt: ts("2026-09-03T22:30:00.134085Z")},
			{Kind: quota.KindRate, Period: week, UsedPct: 83, Active: true, ResetAt: ts("2026-09-04T12:00:00.134101Z")},
			{Kind: quota.KindModel, Period: week, Name: "Fable", UsedPct: 36, ResetAt: ts("2026-09-04T12:00:00.134259Z")},
		}},
		{"usage_enterprise_dollars.json", []quota.Window{
			{Kind: quota.KindBalance, NameID: NameCreditGrant, UsedPct: 1.2999999999999998e-06, ResetAt: ts("2026-09-21T07:09:14.289383Z"),
				Money: &quota.MoneyFigures{Used: usd(0), Limit: usd(100000), Balance: usd(100000)}},
			{Kind: quota.KindBalance, NameID: NameCreditGrant, ResetAt: ts("2026-09-02T06:59:59Z"),
				Money: &quota.MoneyFigures{Used: usd(0), Limit: usd(2500000), Balance: usd(2500000)}},
			{Kind: quota.KindExtraUsage, Money: &quota.MoneyFigures{Used: usd(0), Limit: usd(5000)}},
		}},
		{"usage_out_of_credits_nzd.json", []quota.Window{
			{Kind: quota.KindRate, Period: h5},
			{Kind: quota.KindRate, Period: week, UsedPct: 100, Active: true, ResetAt: ts("2026-09-13T11:59:59.968827Z")},
			{Kind: quota.KindModel, Period: week, Name: "Fable", UsedPct: 29, ResetAt: ts("2026-09-13T11:59:59.969130Z")},
			{Kind: quota.KindExtraUsage, Disabled: "out_of_credits", NoData: true, Money: &quota.MoneyFigures{Used: cur(0, "NZD")}},
		}},
		// iguana_necktie carries dollars: $146.87 of $250.00 left
		// $103.13, expiring 2026-11-05.
		{"usage_iguana_gbp.json", []quota.Window{
			{Kind: quota.KindRate, Period: h5, UsedPct: 84, Active: true},
			{Kind: quota.KindRate, Period: week, UsedPct: 11},
			{Kind: quota.KindModel, Period: week, Name: "Fable", UsedPct: 3},
			{Kind: quota.KindBalance, NameID: NameCreditGrant, UsedPct: 58.749594, ResetAt: ts("2026-11-05T07:59:00Z"),
				Money: &quota.MoneyFigures{Used: usd(14687), Limit: usd(25000), Balance: usd(10313)}},
			{Kind: quota.KindExtraUsage, Disabled: "out_of_credits", NoData: true, Money: &quota.MoneyFigures{Used: cur(0, "GBP")}},
		}},
		// $1,095.63 of $1,500.00: minor units, never "109563 / 150000".
		{"usage_enterprise_spend.json", []quota.Window{
			{Kind: quota.KindExtraUsage, UsedPct: 73.042, Money: &quota.MoneyFigures{Used: usd(109563), Limit: usd(150000)}},
		}},
		// Before limits[]: per-model weekly keys; null ones are absent.
		{"usage_legacy.json", []quota.Window{
			{Kind: quota.KindRate, Period: h5, UsedPct: 24, ResetAt: ts("2026-01-02T19:59:59.600956Z")},
			{Kind: quota.KindRate, Period: week, UsedPct: 36, ResetAt: ts("2026-01-08T06:59:59.600974Z")},
			{Kind: quota.KindModel, Period: week, Name: "Sonnet", UsedPct: 1, ResetAt: ts("2026-01-08T14:59:59.600981Z")},
		}},
		// An unknown seven_day_<codename> with a figure gets a name of
		// ours, never "Omelette".
		{"usage_omelette.json", []quota.Window{
			{Kind: quota.KindRate, Period: h5},
			{Kind: quota.KindRate, Period: week, UsedPct: 18, ResetAt: ts("2026-05-05T12:00:01Z")},
			{Kind: quota.KindModel, Period: week, NameID: NameOther, UsedPct: 5},
			{Kind: quota.KindModel, Period: week, Name: "Sonnet", UsedPct: 2, ResetAt: ts("2026-05-05T12:00:00Z")},
		}},
		// Invented: null resets, a model window without a figure, extra
		// usage without a cap.
		{"usage_idle.json", []quota.Window{
			{Kind: quota.KindRate, Period: h5},
			{Kind: quota.KindRate, Period: week, UsedPct: 100, ResetAt: ts("2026-11-25T10:00:00Z")},
			{Kind: quota.KindModel, Period: week, Name: "Opus", NoData: true},
			{Kind: quota.KindExtraUsage, Unlimited: true, Money: &quota.MoneyFigures{Used: cur(0, "EUR")}},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			body := readTestdata(t, tc.file)
			got, err := parseUsage(body, "Claude")
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != "Claude" {
				t.Errorf("name %q", got.Name)
			}
			if !reflect.DeepEqual(got.Windows, tc.want) {
				t.Fatalf("windows\n got %s\nwant %s", dump(got.Windows), dump(tc.want))
			}
			checkInvariants(t, body, got)
		})
	}
}

// checkInvariants holds for every body: no codename reaches a name, no
// percentage leaves 0..100.
func checkInvariants(t *testing.T, body []byte, a quota.Account) {
	t.Helper()
	for _, w := range a.Windows {
		if w.UsedPct < 0 || w.UsedPct > 100 || w.UsedPct != w.UsedPct {
			t.Errorf("percentage out of range in %+v", w)
		}
		for _, code := range []string{"iguana", "necktie", "omelette", "cinder", "amber", "nimbus", "tangelo", "_"} {
			if strings.Contains(strings.ToLower(w.Name+w.Scope), code) {
				t.Errorf("codename %q in %+v", code, w)
			}
		}
		if w.Used != nil || w.Limit != nil {
			t.Errorf("money as counts in %+v", w)
		}
	}
}

func dump(ws []quota.Window) string {
	var b strings.Builder
	for _, w := range ws {
		m := w.Money
		w.Money = nil
		fmt.Fprintf(&b, "\n  %+v", w)
		if m != nil {
			for _, v := range []*quota.Money{m.Used, m.Limit, m.Balance} {
				if v != nil {
					fmt.Fprintf(&b, " %+v", *v)
				} else {
					b.WriteString(" -")
				}
			}
		}
	}
	return b.String()
}

func TestParseUsageEdgeCases(t *testing.T) {
	tests := []struct {
		name, body string
		want       []quota.Window
	}{
		{"percent out of range is no data", `{"limits":[{"kind":"session","percent":150},{"kind":"weekly_all","percent":-5},{"kind":"weekly_scoped","percent":"30","scope":{"model":{"display_name":"Opus"}}},{"kind":"weekly_scoped","percent":12,"scope":{"model":{"display_name":"Fable"}}}]}`,
			[]quota.Window{{Kind: quota.KindRate, Period: 5 * time.Hour, NoData: true}, {Kind: quota.KindRate, Period: week, NoData: true},
				{Kind: quota.KindModel, Period: week, Name: "Opus", NoData: true}, {Kind: quota.KindModel, Period: week, Name: "Fable", UsedPct: 12}}},
		{"legacy utilization not a percentage", `{"five_hour":{"utilization":"12"},"seven_day":{"utilization":null}}`,
			[]quota.Window{{Kind: quota.KindRate, Period: 5 * time.Hour, NoData: true}, {Kind: quota.KindRate, Period: week, NoData: true}}},
		{"surface scope, object or string", `{"limits":[{"kind":"weekly_scoped","percent":2,"scope":{"model":null,"surface":{"id":null,"display_name":"Cowork"}}},{"kind":"weekly_scoped","percent":12,"scope":{"model":null,"surface":"claude_code"}}],"seven_day_cowork":{"utilization":2}}`,
			[]quota.Window{{Kind: quota.KindRate, Period: week, Scope: "Cowork", UsedPct: 2}, {Kind: quota.KindRate, Period: week, Scope: "claude_code", UsedPct: 12}}},
		{"model and surface", `{"limits":[{"kind":"weekly_scoped","percent":9,"scope":{"model":{"id":"claude-opus-5","display_name":null},"surface":"cli"},"is_active":true}]}`,
			[]quota.Window{{Kind: quota.KindModel, Period: week, Name: "claude-opus-5", Scope: "cli", UsedPct: 9, Active: true}}},
		{"unknown kind and scope", `{"limits":[{"kind":"monthly_special","group":"monthly","percent":7},{"kind":"weekly_scoped","percent":55,"scope":{"bucket":"nimbus_quill"}}]}`,
			[]quota.Window{{Kind: quota.KindModel, NameID: NameOther, UsedPct: 7}, {Kind: quota.KindModel, Period: week, NameID: NameOther, UsedPct: 55}}},
		{"limits junk entries", `{"limits":["junk",5,null,{}],"five_hour":{"utilization":10}}`,
			[]quota.Window{{Kind: quota.KindModel, NameID: NameOther, NoData: true}, {Kind: quota.KindRate, Period: 5 * time.Hour, UsedPct: 10}}},
		{"legacy opus mirrored by limits", `{"limits":[{"kind":"weekly_scoped","percent":54,"scope":{"model":{"display_name":"Sonnet"}}}],"seven_day_sonnet":{"utilization":54},"seven_day_opus":{"utilization":70}}`,
			[]quota.Window{{Kind: quota.KindModel, Period: week, Name: "Sonnet", UsedPct: 54}, {Kind: quota.KindModel, Period: week, Name: "Opus", UsedPct: 70}}},
		{"spend over the cap", `{"five_hour":null,"extra_usage":{"is_enabled":true,"monthly_limit":2000,"used_credits":6114,"currency":"usd","decimal_places":2}}`,
			[]quota.Window{{Kind: quota.KindExtraUsage, UsedPct: 100, Money: &quota.MoneyFigures{Used: usd(6114), Limit: usd(2000)}}}},
		{"spend limit reached, odd decimals and currency", `{"five_hour":null,"extra_usage":{"is_enabled":false,"spend_limit_reached":true,"monthly_limit":5000,"used_credits":5000,"utilization":100,"currency":"€uro","decimal_places":2.5}}`,
			[]quota.Window{{Kind: quota.KindExtraUsage, Disabled: "spend_limit_reached", UsedPct: 100, Money: &quota.MoneyFigures{Used: &quota.Money{Minor: 5000, Decimals: 2}, Limit: &quota.Money{Minor: 5000, Decimals: 2}}}}},
		{"absurd money", `{"five_hour":null,"extra_usage":{"is_enabled":true,"monthly_limit":1e300,"used_credits":-1,"currency":"JPY","decimal_places":0}}`,
			[]quota.Window{{Kind: quota.KindExtraUsage, Unlimited: true, Money: &quota.MoneyFigures{}}}},
		{"spend block only", `{"five_hour":null,"spend":{"used":{"amount_minor":4001,"currency":"EUR","exponent":2},"limit":{"amount_minor":4000,"currency":"EUR","exponent":2},"percent":100,"enabled":true}}`,
			[]quota.Window{{Kind: quota.KindExtraUsage, UsedPct: 100, Money: &quota.MoneyFigures{Used: cur(4001, "EUR"), Limit: cur(4000, "EUR")}}}},
		{"names are cleaned", `{"limits":[{"kind":"weekly_scoped","percent":1,"scope":{"model":{"display_name":"  Fa\u0000ble\u001b[31m   X  "}}}]}`,
			[]quota.Window{{Kind: quota.KindModel, Period: week, Name: "Fable[31m X", UsedPct: 1}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseUsage([]byte(tc.body), "Claude")
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Windows, tc.want) {
				t.Fatalf("windows\n got %s\nwant %s", dump(got.Windows), dump(tc.want))
			}
		})
	}
}

func TestParseUsageEmail(t *testing.T) {
	got, err := parseUsage([]byte(`{"five_hour":null,"seven_day":null,"account":{"email_address":"dev@example.com"}}`), "Claude")
	if err != nil || got.Name != "dev@example.com" || len(got.Windows) != 0 {
		t.Fatalf("got %+v, %v", got, err)
	}
}

func TestParseUsageMalformed(t *testing.T) {
	deep := strings.Repeat(`{"a":`, 200) + "1" + strings.Repeat("}", 200)
	for _, body := range []string{``, `{}`, `[]`, `null`, `{"error":"x"}`, `<html>`, `{"limits":` + deep + `}`} {
		if _, err := parseUsage([]byte(body), "Claude"); quota.KindOf(err) != quota.KindMalformed {
			t.Errorf("%.40q: got %v, want malformed", body, err)
		}
	}
	// Every figure on another scale: an error naming the field.
	for body, detail := range map[string]string{
		`{"limits":[{"kind":"session","percent":150},{"kind":"weekly_all","percent":-5}]}`: "limits.0.percent=150",
		`{"five_hour":{"utilization":1e999},"seven_day":{"utilization":100.5}}`:            "five_hour.utilization=1e999",
		`{"five_hour":null,"seven_day":{"utilization":2500}}`:                              "seven_day.utilization=2500",
	} {
		_, err := parseUsage([]byte(body), "Claude")
		if qe := quota.AsError(err); quota.KindOf(err) != quota.KindMalformed || !strings.Contains(qe.Detail, detail) {
			t.Errorf("%s: got %v, want malformed naming %s", body, err, detail)
		}
	}
}

func TestParseProfile(t *testing.T) {
	tests := []struct {
		body string
		want profile
	}{
		{string(readTestdata(t, "profile_max.json")), profile{email: "max@example.com", plan: "max 5x", id: "max@example.com"}},
		{string(readTestdata(t, "profile_measured.json")), profile{email: "person@example.com", plan: "max 5x",
			id: "00000000-0000-0000-0000-000000000001/00000000-0000-0000-0000-000000000002"}},
		{`{"account":{"has_claude_pro":true,"email":"not an email"}}`, profile{plan: "pro"}},
		{`{"account":{"email":"a@b.c"},"organization":{"organization_type":"claude_team"}}`, profile{email: "a@b.c", plan: "team", id: "a@b.c"}},
		{`{"account":{"email":"Ann@B.c","uuid":"0d2f9a4e-5b6c-4d7e-8f90-1a2b3c4d5e6f"},"organization":{"uuid":"9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b"}}`,
			profile{email: "Ann@B.c", id: "0d2f9a4e-5b6c-4d7e-8f90-1a2b3c4d5e6f/9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b"}},
		{`{"account":{"email":"Ann@B.c","uuid":"..."}}`, profile{email: "Ann@B.c", id: "ann@b.c"}},
		{`<html>`, profile{}},
		{strings.Repeat("[", 300), profile{}},
	}
	for _, tc := range tests {
		if got := parseProfile([]byte(tc.body)); got != tc.want {
			t.Errorf("%.40q: got %+v, want %+v", tc.body, got, tc.want)
		}
	}
}

// Every recorded usage body is asserted by a table here (usage_bad.json
// by TestUpstreamErrors).
func TestEveryUsageFixtureAsserted(t *testing.T) {
	var src string
	for _, f := range []string{"parse_test.go", "anthropic_test.go", "claudecode_test.go"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		src += string(b)
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, f := range files {
		if !strings.Contains(src, `"`+filepath.Base(f)+`"`) {
			t.Errorf("%s is not asserted", f)
		}
	}
}

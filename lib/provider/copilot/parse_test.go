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
	body := `{"timePeriod":{"year":2026},"usageItems":[{"sku":"Copilot Premium Request","model":"GPT-5","grossQuantity":75}]}`
	got, err := parseBilling([]byte(body), pat{username: "u", tier: "free", limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	if w := got.Windows[0]; w.UsedPct != 150 || *w.Used != 75 || !w.ResetAt.IsZero() || got.Period != "2026" {
		t.Fatalf("got %+v period %q", w, got.Period)
	}
}

func TestParseBillingMalformed(t *testing.T) {
	for _, body := range []string{``, `{}`, `[]`, `{"usageItems":{}}`, `<html>`} {
		if _, err := parseBilling([]byte(body), pat{limit: 300}); quota.KindOf(err) != quota.KindMalformed {
			t.Errorf("%q: got %v, want malformed", body, err)
		}
	}
}

func TestParseUser(t *testing.T) {
	dec1 := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		file string
		want quota.Account
	}{
		{file: "user_paid.json", want: quota.Account{
			Name: "octocat", Plan: "individual", ResetAt: dec1,
			Windows: []quota.Window{
				{Kind: quota.KindPremium, Compact: true, Unit: "requests", Used: f64(229), Limit: f64(300), UsedPct: 100 - 23.7, ResetAt: dec1},
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
		{file: "user_exhausted.json", want: quota.Account{
			Name: "octocat", Plan: "individual_pro", ResetAt: dec1, Overage: f64(12),
			Windows: []quota.Window{
				{Kind: quota.KindPremium, Compact: true, Unit: "requests", Used: f64(301), Limit: f64(300), UsedPct: 100.3333, ResetAt: dec1},
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
	for _, body := range []string{``, `[]`, `{}`, `{"login":"x"}`, `"str"`, `<!DOCTYPE html>`} {
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

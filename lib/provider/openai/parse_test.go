package openai

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mystatus/mystatus/lib/httpx"
	"github.com/mystatus/mystatus/lib/quota"
)

// now is the fixed clock of every test.
var now = time.Date(2026, 1, 23, 12, 0, 0, 0, time.UTC)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func rate(period time.Duration, used float64, reset time.Time) quota.Window {
	return quota.Window{Kind: quota.KindRate, Period: period, UsedPct: used, ResetAt: reset}
}

func model(name string, period time.Duration, used float64, reset time.Time) quota.Window {
	return quota.Window{Kind: quota.KindModel, Name: name, Period: period, UsedPct: used, ResetAt: reset}
}

func resets(n int) []quota.Fact {
	return []quota.Fact{{ID: FactResetCredits, Data: map[string]any{"Count": n}}}
}

const (
	h5   = 5 * time.Hour
	d7   = 7 * 24 * time.Hour
	secs = time.Second
)

func TestParseUsage(t *testing.T) {
	tests := []struct {
		file string
		want quota.Account
		kind quota.Kind // expected error kind, empty for success
	}{
		{file: "usage_normal.json", want: quota.Account{Plan: "plus", Windows: []quota.Window{
			rate(h5, 37, now.Add(9912*secs)),
			rate(d7, 12.4, time.Unix(1769600000, 0)),
		}}},
		// The weekly window sits in the primary slot: it must stay a
		// 7-day window, not become a "5-hour" one.
		{file: "usage_weekly_only.json", want: quota.Account{Plan: "plus", Windows: []quota.Window{
			rate(d7, 64, time.Unix(1769369600, 0)),
		}}},
		{file: "usage_team_30d.json", want: quota.Account{Name: "member@example.com", Plan: "team", Windows: []quota.Window{
			rate(h5, 5, now.Add(3600*secs)),
			rate(2628000*secs, 41.5, now.Add(1000000*secs)),
		}}},
		{file: "usage_credits.json", want: quota.Account{Plan: "pro", Windows: []quota.Window{
			rate(h5, 0, now.Add(18000*secs)),
			rate(d7, 3, now.Add(600000*secs)),
			model("GPT-5.3-Codex-Spark", h5, 20, now.Add(7200*secs)),
			model("GPT-5.3-Codex-Spark", d7, 80, time.Unix(1769500000, 0)),
			model("codex_other", h5, 1, now.Add(60*secs)),
		}, Credits: &quota.Credits{Balance: "12.5"}}},
		{file: "usage_limit_reached.json", want: quota.Account{Plan: "plus", LimitReached: true, Windows: []quota.Window{
			rate(h5, 100, now.Add(5400*secs)),
			rate(d7, 71, now.Add(431000*secs)),
		}, Credits: &quota.Credits{Unlimited: true}}},
		{file: "usage_null_rate_limit.json", want: quota.Account{Plan: "free"}},
		// Real bodies (testdata/SOURCES.md).
		{file: "usage_plus_reset_credit.json", want: quota.Account{Name: "user@example.com", Plan: "plus", Windows: []quota.Window{
			rate(h5, 64, time.Unix(1778509871, 0)),
			rate(d7, 10, time.Unix(1779096671, 0)),
		}, Facts: resets(1)}},
		// Weekly-only plan with a Spark limit and a banked reset that
		// does not apply yet (available_count counts it all the same).
		{file: "usage_prolite_spark.json", want: quota.Account{Name: "user@example.com", Plan: "prolite", Windows: []quota.Window{
			rate(d7, 6, time.Unix(1785024392, 0)),
			model("GPT-5.3-Codex-Spark", d7, 0, time.Unix(1785040089, 0)),
		}, Facts: resets(1)}},
		{file: "usage_free_30d_reached.json", want: quota.Account{Name: "x@example.com", Plan: "free", LimitReached: true, Windows: []quota.Window{
			rate(2592000*secs, 100, time.Unix(1790948741, 0)),
		}, Facts: resets(1)}},
		{file: "usage_plus_pi_spark.json", want: quota.Account{Plan: "plus", Windows: []quota.Window{
			rate(h5, 27, time.Unix(1782770922, 0)),
			rate(d7, 4, time.Unix(1783357722, 0)),
		}, Facts: resets(2)}},
		// code_review_rate_limit is a limit of its own, named by us.
		{file: "usage_free_code_review.json", want: quota.Account{Name: "foo@example.com", Plan: "free", Windows: []quota.Window{
			rate(0, 86, time.Unix(1776260226, 0)),
			{Kind: quota.KindModel, NameID: NameCodeReview, ResetAt: time.Unix(1776277523, 0)},
		}}},
		{file: "usage_html.html", kind: quota.KindMalformed},
		{file: "usage_truncated.json", kind: quota.KindMalformed},
		{file: "usage_no_rate_limit.json", kind: quota.KindMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := parseUsage(readFixture(t, tt.file), now)
			if tt.kind != "" {
				if quota.KindOf(err) != tt.kind {
					t.Fatalf("error = %v, want kind %s", err, tt.kind)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("account =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

func TestParseUsageEdgeCases(t *testing.T) {
	tests := []struct {
		name, body string
		want       quota.Account
		kind       quota.Kind
	}{
		{name: "array", body: `[]`, kind: quota.KindMalformed},
		{name: "rate_limit string", body: `{"rate_limit":"x"}`, kind: quota.KindMalformed},
		{name: "empty", body: ``, kind: quota.KindMalformed},
		{name: "no used_percent", body: `{"rate_limit":{"primary_window":{"limit_window_seconds":18000}}}`,
			want: quota.Account{Windows: []quota.Window{{Kind: quota.KindRate, Period: h5, NoData: true}}}},
		{name: "string numbers", body: `{"rate_limit":{"primary_window":{"used_percent":"42.5","limit_window_seconds":"18000","reset_at":1769200000}}}`,
			want: quota.Account{Windows: []quota.Window{rate(h5, 42.5, time.Unix(1769200000, 0))}}},
		{name: "NaN string", body: `{"rate_limit":{"primary_window":{"used_percent":"NaN","limit_window_seconds":1e300}}}`,
			want: quota.Account{Windows: []quota.Window{{Kind: quota.KindRate, NoData: true}}}},
		{name: "percent out of range", body: `{"rate_limit":{"primary_window":{"used_percent":150,"limit_window_seconds":18000},"secondary_window":{"used_percent":3,"limit_window_seconds":604800}}}`,
			want: quota.Account{Windows: []quota.Window{{Kind: quota.KindRate, Period: h5, NoData: true}, rate(d7, 3, time.Time{})}}},
		{name: "every percent out of range", body: `{"rate_limit":{"primary_window":{"used_percent":150,"limit_window_seconds":18000},"secondary_window":{"used_percent":-3,"limit_window_seconds":604800}}}`,
			kind: quota.KindMalformed},
		{name: "code review with both windows", body: `{"rate_limit":null,"code_review_rate_limit":{"primary_window":{"used_percent":4,"limit_window_seconds":604800,"reset_at":1769200000},"secondary_window":{"used_percent":"1","limit_window_seconds":18000}}}`,
			want: quota.Account{Windows: []quota.Window{
				{Kind: quota.KindModel, NameID: NameCodeReview, Period: h5, UsedPct: 1},
				{Kind: quota.KindModel, NameID: NameCodeReview, Period: d7, UsedPct: 4, ResetAt: time.Unix(1769200000, 0)}}}},
		{name: "reset credits garbage", body: `{"rate_limit":null,"rate_limit_reset_credits":{"available_count":2.5}}`, want: quota.Account{}},
		{name: "reset credits zero", body: `{"rate_limit":null,"rate_limit_reset_credits":{"available_count":0}}`, want: quota.Account{}},
		{name: "reset credits absurd", body: `{"rate_limit":null,"rate_limit_reset_credits":{"available_count":1e12}}`, want: quota.Account{}},
		{name: "names cleaned", body: `{"rate_limit":null,"email":"  a\u0000@b.c\n","plan_type":"pro\u202e","additional_rate_limits":[{"limit_name":"X\u001b[2J Y","rate_limit":{"primary_window":{"used_percent":1}}}]}`,
			want: quota.Account{Name: "a@b.c", Plan: "pro", Windows: []quota.Window{{Kind: quota.KindModel, Name: "X[2J Y", UsedPct: 1}}}},
		{name: "too deep", body: `{"rate_limit":` + strings.Repeat("[", 200) + `}`, kind: quota.KindMalformed},
		{name: "credits balance string", body: `{"rate_limit":null,"credits":{"has_credits":true,"balance":"7.25"}}`,
			want: quota.Account{Credits: &quota.Credits{Balance: "7.25"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseUsage([]byte(tt.body), now)
			if tt.kind != "" {
				if quota.KindOf(err) != tt.kind {
					t.Fatalf("error = %v, want kind %s", err, tt.kind)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("account =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

func FuzzParseUsage(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		a, err := parseUsage(body, now)
		if err != nil {
			if !reflect.DeepEqual(a, quota.Account{}) {
				t.Fatalf("error %v with a value %+v", err, a)
			}
			if quota.KindOf(err) != quota.KindMalformed {
				t.Fatalf("error kind %s, want malformed", quota.KindOf(err))
			}
			return
		}
		for _, w := range a.Windows {
			if math.IsNaN(w.UsedPct) || w.UsedPct < 0 || w.UsedPct > 100 || w.Period < 0 {
				t.Fatalf("bad window %+v", w)
			}
			if len([]rune(w.Name)) > maxNameLen {
				t.Fatalf("unbounded name %q", w.Name)
			}
		}
		for _, f := range a.Facts {
			if n, _ := f.Data["Count"].(int); f.ID != FactResetCredits || n < 1 {
				t.Fatalf("bad fact %+v", f)
			}
		}
	})
}

// Every recorded usage body is asserted by TestParseUsage.
func TestEveryUsageFixtureAsserted(t *testing.T) {
	src, err := os.ReadFile("parse_test.go")
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "usage_*"))
	for _, f := range files {
		if !strings.Contains(string(src), `"`+filepath.Base(f)+`"`) {
			t.Errorf("%s is not asserted", f)
		}
	}
}

func FuzzClassify(f *testing.F) {
	for _, name := range []string{"err_401_token_invalidated.json", "err_401_token_expired.json", "err_429_usage_limit.json", "err_401_token_revoked.txt"} {
		f.Add(401, readFixture(f, name))
	}
	f.Add(429, []byte(`{"error":{"type":"usage_limit_reached","resets_at":1e300,"resets_in_seconds":-5}}`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 400 || status > 599 {
			return
		}
		err := classify(&httpx.StatusError{Status: status, Body: body, URL: "https://chatgpt.com/backend-api/wham/usage"}, "/auth.json", now)
		e := quota.AsError(err)
		if e == nil || e.Kind == "" {
			t.Fatalf("unclassified %v", err)
		}
		if e.Code != "" && !isCode(e.Code) {
			t.Fatalf("code %q kept", e.Code)
		}
		if y := e.ResetAt.Year(); !e.ResetAt.IsZero() && (y < 1970 || y > 2300) {
			t.Fatalf("reset %v", e.ResetAt)
		}
	})
}

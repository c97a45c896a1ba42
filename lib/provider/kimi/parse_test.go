package kimi

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mystatus/mystatus/internal/providertest"
	"github.com/mystatus/mystatus/lib/quota"
)

func num(v float64) *float64 { return &v }

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

const h5 = 5 * time.Hour

func TestParseUsages(t *testing.T) {
	tests := []struct {
		file string
		want quota.Account
		kind quota.Kind
		code string
	}{
		// Real bodies (see testdata/SOURCES.md).
		{file: "usages_trial_jiegec.json", want: quota.Account{Plan: "Trial", Windows: []quota.Window{
			{Kind: quota.KindRate, Period: h5, UsedPct: 65, Used: num(65), Limit: num(100), Unit: "requests", ResetAt: at("2026-01-30T13:31:59.863136Z")},
			{Kind: quota.KindRate, Period: week, UsedPct: 13, Used: num(13), Limit: num(100), Unit: "requests", ResetAt: at("2026-02-06T08:31:59.863136Z")},
		}}},
		// No "used": what is left gives it.
		{file: "usages_remaining_only_openusage.json", want: quota.Account{Plan: "Intermediate", Windows: []quota.Window{
			{Kind: quota.KindRate, Period: h5, UsedPct: 15, Used: num(15), Limit: num(100), Unit: "requests", ResetAt: at("2099-02-07T12:32:50.757941Z")},
			{Kind: quota.KindRate, Period: week, UsedPct: 26, Used: num(26), Limit: num(100), Unit: "requests", ResetAt: at("2099-02-11T17:32:50.757941Z")},
		}}},
		{file: "err_401_invalid_key.json", kind: quota.KindUnauthorized, code: "invalid_authentication_error"},
		{file: "err_401_invalid_authentication.json", kind: quota.KindUnauthorized, code: "invalid_authentication_error"},
		{file: "err_401_anthropic_wire.json", kind: quota.KindUnauthorized, code: "authentication_error"},
		{file: "err_403_access_terminated.json", kind: quota.KindForbidden, code: "access_terminated_error"},
		// Invented shapes (see SOURCES.md).
		{file: "err_403_billing_cycle.json", kind: quota.KindQuotaExhausted, code: "exceeded_current_quota_error"},
		{file: "err_429_rate_limit.json", kind: quota.KindRateLimited, code: "rate_limit_reached_error"},
		{file: "err_429_overloaded.json", kind: quota.KindCapacity, code: "engine_overloaded_error"},
		{file: "err_500_server.json", kind: quota.KindServerError, code: "server_error"},
		{file: "usages_empty.json", want: quota.Account{Plan: "Basic", Windows: []quota.Window{
			{Kind: quota.KindRate, Period: week, Used: num(0), Limit: num(0), Unit: "requests", NoData: true},
		}}},
		{file: "html.html", kind: quota.KindMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := parseUsages(providertest.Fixture(t, tt.file))
			if !providertest.ParsedFile(t, got, err, tt.kind, tt.code) {
				return
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("account =\n%s\nwant\n%s", show(got), show(tt.want))
			}
		})
	}
}

func TestParseShapes(t *testing.T) {
	tests := []struct {
		name, body string
		want       []quota.Window // nil with bad set
		bad        string         // text the malformed error names
		kind       quota.Kind
	}{
		{name: "numbers as numbers", body: `{"usage":{"limit":200,"used":50,"resetTime":"2026-01-06T13:33:02Z"}}`,
			want: []quota.Window{{Kind: quota.KindRate, Period: week, UsedPct: 25, Used: num(50), Limit: num(200), Unit: "requests", ResetAt: at("2026-01-06T13:33:02Z")}}},
		{name: "hour window", body: `{"limits":[{"window":{"duration":"2","timeUnit":"TIME_UNIT_HOUR"},"detail":{"limit":"10","used":"1"}}]}`,
			want: []quota.Window{{Kind: quota.KindRate, Period: 2 * time.Hour, UsedPct: 10, Used: num(1), Limit: num(10), Unit: "requests"}}},
		{name: "unknown unit", body: `{"limits":[{"window":{"duration":3,"timeUnit":"TIME_UNIT_FORTNIGHT"},"detail":{"limit":"10","used":"5"}}]}`,
			want: []quota.Window{{Kind: quota.KindRate, UsedPct: 50, Used: num(5), Limit: num(10), Unit: "requests"}}},
		{name: "absurd duration", body: `{"limits":[{"window":{"duration":1e12,"timeUnit":"TIME_UNIT_DAY"},"detail":{"limit":"10","used":"5"}}]}`,
			want: []quota.Window{{Kind: quota.KindRate, UsedPct: 50, Used: num(5), Limit: num(10), Unit: "requests"}}},
		{name: "over the limit", body: `{"usage":{"limit":"100","used":"130"}}`,
			want: []quota.Window{{Kind: quota.KindRate, Period: week, UsedPct: 100, Used: num(130), Limit: num(100), Unit: "requests"}}},
		{name: "remaining above limit", body: `{"usage":{"limit":"100","remaining":"150"}}`,
			want: []quota.Window{{Kind: quota.KindRate, Period: week, UsedPct: 0, Used: num(0), Limit: num(100), Unit: "requests"}}},
		{name: "no figures", body: `{"usage":{"resetTime":"not a time"}}`,
			want: []quota.Window{{Kind: quota.KindRate, Period: week, Unit: "requests", NoData: true}}},
		{name: "item without detail", body: `{"limits":[{"window":{"duration":300,"timeUnit":"TIME_UNIT_MINUTE"}}, 7]}`, want: nil},
		{name: "limits null", body: `{"usage":null,"limits":null}`, want: nil},
		{name: "negative used", body: `{"usage":{"limit":"100","used":"-1"}}`, bad: "usage.used"},
		{name: "text limit", body: `{"limits":[{"detail":{"limit":"lots","used":"1"}}]}`, bad: "limits[0].detail.limit"},
		{name: "NaN remaining", body: `{"usage":{"limit":"100","remaining":"NaN"}}`, bad: "usage.remaining"},
		{name: "huge count", body: `{"usage":{"limit":"1e300","used":"1"}}`, bad: "usage.limit"},
		{name: "limits not an array", body: `{"limits":{"a":1}}`, kind: quota.KindMalformed},
		{name: "neither", body: `{"user":{}}`, kind: quota.KindMalformed},
		{name: "top array", body: `[1,2]`, kind: quota.KindMalformed},
		{name: "deep", body: strings.Repeat(`{"usage":`, 300) + strings.Repeat("}", 300), kind: quota.KindMalformed},
		{name: "unknown error type", body: `{"error":{"type":"brand_new_error","message":"Something new"}}`, kind: quota.KindMalformed},
		{name: "error without type", body: `{"error":{"code":401,"message":"Request had invalid authentication credentials."}}`, kind: quota.KindMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := parseUsages([]byte(tt.body))
			if providertest.ParsedAs(t, a, err, tt.bad, tt.kind) {
				if !reflect.DeepEqual(a.Windows, tt.want) {
					t.Errorf("windows = %s, want %+v", show(a), tt.want)
				}
			}
		})
	}
}

func TestPlanName(t *testing.T) {
	for in, want := range map[string]string{
		"LEVEL_TRIAL": "Trial", "LEVEL_INTERMEDIATE": "Intermediate", "LEVEL_ADVANCED_PLUS": "Advanced Plus",
		"LEVEL_UNSPECIFIED": "", "": "", "LEVEL_\u202eEVIL": "", "level_basic": "", "LEVEL__X": "",
		strings.Repeat("A", 60): "",
	} {
		body := `{"user":{"membership":{"level":"` + in + `"}},"usage":{}}`
		a, err := parseUsages([]byte(body))
		if err != nil || a.Plan != want {
			t.Errorf("%q: plan %q, %v; want %q", in, a.Plan, err, want)
		}
	}
}

// show prints an account for a failure message.
var show = providertest.Show

func FuzzParseUsages(f *testing.F) {
	for _, b := range providertest.Fixtures(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		a, err := parseUsages(body)
		if providertest.ParseFailed(t, a, err) {
			return
		}
		for _, w := range a.Windows {
			providertest.SaneWindow(t, w)
		}
		if len(a.Plan) > 60 {
			t.Fatalf("plan %q", a.Plan)
		}
	})
}

package opencodego

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mystatus/mystatus/internal/providertest"
	"github.com/mystatus/mystatus/lib/quota"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

const (
	h5    = 5 * time.Hour
	week  = 7 * 24 * time.Hour
	month = 30 * 24 * time.Hour
)

func TestParseUsage(t *testing.T) {
	tests := []struct {
		file string
		want quota.Account
		kind quota.Kind
		code string
	}{
		// Real bodies (see testdata/SOURCES.md).
		{file: "usage_ccswitch.json", want: quota.Account{Windows: []quota.Window{
			{Kind: quota.KindRate, Period: h5, UsedPct: 4, ResetAt: at("2026-08-13T16:27:38.287Z")},
			{Kind: quota.KindRate, Period: week, UsedPct: 3, ResetAt: at("2026-08-17T00:00:00.287Z")},
			{Kind: quota.KindRate, Period: month, UsedPct: 1, ResetAt: at("2026-09-13T06:06:01.287Z")},
		}}},
		// The resets were elided ("...") where the body was published: no reset time.
		{file: "usage_monthly_rate_limited.json", want: quota.Account{LimitReached: true, Windows: []quota.Window{
			{Kind: quota.KindRate, Period: h5, UsedPct: 0},
			{Kind: quota.KindRate, Period: week, UsedPct: 0},
			{Kind: quota.KindRate, Period: month, UsedPct: 100},
		}}},
		{file: "usage_gentlepi.json", want: quota.Account{Windows: []quota.Window{
			{Kind: quota.KindRate, Period: h5, UsedPct: 15},
			{Kind: quota.KindRate, Period: week, UsedPct: 42},
			{Kind: quota.KindRate, Period: month, UsedPct: 3},
		}}},
		{file: "err_403_entitlement.json", kind: quota.KindNotSubscribed, code: "EntitlementError"},
		{file: "err_401_auth.json", kind: quota.KindUnauthorized, code: "AuthError"},
		{file: "err_401_auth_flat.json", kind: quota.KindUnauthorized, code: "AuthError"},
		// Invented shapes.
		{file: "err_429_rate_limit.json", kind: quota.KindRateLimited, code: "RateLimitError"},
		{file: "usage_snake_case.json", want: quota.Account{LimitReached: true, Windows: []quota.Window{
			{Kind: quota.KindRate, Period: h5, UsedPct: 37.5, ResetAt: at("2026-03-01T14:30:00Z")},
			{Kind: quota.KindRate, Period: week, UsedPct: 100, ResetAt: at("2026-03-02T00:00:00Z")},
		}}},
		{file: "html.html", kind: quota.KindMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := parseUsage(providertest.Fixture(t, tt.file))
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
		want       []quota.Window
		limited    bool
		bad        string     // text the malformed error names
		kind       quota.Kind // an error without a named field
	}{
		{name: "percent as text", body: `{"usage":{"weekly":{"status":"ok","percent":"12"}}}`,
			want: []quota.Window{{Kind: quota.KindRate, Period: week, UsedPct: 12}}},
		{name: "over 100", body: `{"usage":{"monthly":{"status":"ok","percent":120}}}`,
			want: []quota.Window{{Kind: quota.KindRate, Period: month, UsedPct: 100}}},
		{name: "no percent", body: `{"usage":{"rolling":{"status":"ok"}}}`,
			want: []quota.Window{{Kind: quota.KindRate, Period: h5, NoData: true}}},
		{name: "limited without percent", body: `{"usage":{"rolling":{"status":"rate-limited","resetsAt":"2026-03-01T13:00:00Z"}}}`,
			want: []quota.Window{{Kind: quota.KindRate, Period: h5, UsedPct: 100, ResetAt: at("2026-03-01T13:00:00Z")}}, limited: true},
		{name: "unknown window and status", body: `{"usage":{"daily":{"percent":5},"weekly":{"status":"paused","percent":5}}}`,
			want: []quota.Window{{Kind: quota.KindRate, Period: week, UsedPct: 5}}},
		{name: "negative", body: `{"usage":{"rolling":{"percent":-1}}}`, bad: "usage.rolling.percent"},
		{name: "NaN", body: `{"usage":{"weekly":{"percent":"NaN"}}}`, bad: "usage.weekly.percent"},
		{name: "bool", body: `{"usage":{"monthly":{"percent":true}}}`, bad: "usage.monthly.percent"},
		{name: "no windows", body: `{"usage":{}}`, kind: quota.KindMalformed},
		{name: "usage not an object", body: `{"usage":[1]}`, kind: quota.KindMalformed},
		{name: "no usage", body: `{"rollingUsage":{"usagePercent":5}}`, kind: quota.KindMalformed},
		{name: "top array", body: `[]`, kind: quota.KindMalformed},
		{name: "deep", body: strings.Repeat(`{"usage":`, 300) + strings.Repeat("}", 300), kind: quota.KindMalformed},
		{name: "unknown error type", body: `{"type":"error","error":{"type":"NewError","message":"?"}}`, kind: quota.KindMalformed},
		{name: "generic error envelope", body: `{"success":false,"error":{"code":401,"message":"Request had invalid authentication credentials."}}`, kind: quota.KindMalformed},
		{name: "bare error type", body: `{"type":"error"}`, kind: quota.KindMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := parseUsage([]byte(tt.body))
			if providertest.ParsedAs(t, a, err, tt.bad, tt.kind) {
				if !reflect.DeepEqual(a.Windows, tt.want) || a.LimitReached != tt.limited {
					t.Errorf("account = %s, want %+v", show(a), tt.want)
				}
			}
		})
	}
}

// show prints an account for a failure message.
var show = providertest.Show

func FuzzParseUsage(f *testing.F) {
	for _, b := range providertest.Fixtures(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		a, err := parseUsage(body)
		if providertest.ParseFailed(t, a, err) {
			return
		}
		if len(a.Windows) == 0 || len(a.Windows) > 3 {
			t.Fatalf("%d windows", len(a.Windows))
		}
		for _, w := range a.Windows {
			providertest.SaneWindow(t, w)
			if w.Period == 0 {
				t.Fatalf("window without a period %+v", w)
			}
		}
	})
}

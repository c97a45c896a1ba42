package zhipu

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mystatus/mystatus/internal/providertest"
	"github.com/mystatus/mystatus/lib/quota"
)

// now is the fixed clock of every test.
var now = time.Date(2026, 1, 23, 12, 0, 0, 0, time.UTC)

func num(v float64) *float64 { return &v }

const (
	h5    = 5 * time.Hour
	week  = 7 * 24 * time.Hour
	month = 30 * 24 * time.Hour
)

func TestParseLimits(t *testing.T) {
	tests := []struct {
		file string
		want quota.Account
		kind quota.Kind
		code string
	}{
		// Real bodies (see testdata/SOURCES.md).
		{file: "zai_openusage_three_limits.json", want: quota.Account{Windows: []quota.Window{
			{Kind: quota.KindTokens, Period: h5, UsedPct: 15, Used: num(127694464), Limit: num(800000000), Unit: "tokens", ResetAt: time.UnixMilli(1770648402389)},
			{Kind: quota.KindTokens, Period: week, UsedPct: 40, Unit: "tokens", ResetAt: time.UnixMilli(1771300000000)},
			{Kind: quota.KindTools, Period: month, UsedPct: 45, Used: num(1828), Limit: num(4000), Unit: "calls"},
		}, Breakdown: []quota.Usage{{Name: "search-prime", Count: 1433, Unit: "calls"}, {Name: "web-reader", Count: 462, Unit: "calls"}, {Name: "zread", Count: 0, Unit: "calls"}}}},
		// code 200 and data, no "success" field: data, not an error.
		{file: "zai_openusage_no_success.json", want: quota.Account{Windows: []quota.Window{
			{Kind: quota.KindTokens, Period: h5, UsedPct: 10, Used: num(1900000), Limit: num(800000000), Unit: "tokens", ResetAt: time.UnixMilli(1738368000000)},
			{Kind: quota.KindTools, Period: month, UsedPct: 27, Used: num(1095), Limit: num(4000), Unit: "calls"},
		}, Breakdown: []quota.Usage{{Name: "search-prime", Count: 951, Unit: "calls"}, {Name: "web-reader", Count: 211, Unit: "calls"}, {Name: "zread", Count: 0, Unit: "calls"}}}},
		{file: "zai_credit_lite.json", want: quota.Account{Plan: "lite", Windows: []quota.Window{
			{Kind: quota.KindCredits, Period: h5, UsedPct: 1, Used: num(27), Limit: num(2000), Unit: "credits", ResetAt: time.UnixMilli(1786717056698)},
			{Kind: quota.KindCredits, Period: week, UsedPct: 1, Used: num(27), Limit: num(10000), Unit: "credits", ResetAt: time.UnixMilli(1787301777997)},
		}}},
		{file: "err_no_coding_plan.json", kind: quota.KindNotSubscribed, code: "500"},
		// Invented shapes no public body shows.
		{file: "zai_plan_name.json", want: quota.Account{Plan: "GLM Coding Pro", Windows: []quota.Window{
			{Kind: quota.KindTokens, Period: h5, UsedPct: 15, Used: num(127694464), Limit: num(800000000), Unit: "tokens", ResetAt: time.UnixMilli(1770648402389)},
			{Kind: quota.KindTokens, Period: week, UsedPct: 40, Unit: "tokens", ResetAt: time.UnixMilli(1771300000000)},
		}}},
		{file: "limits_credit_only.json", want: quota.Account{Plan: "max", Windows: []quota.Window{
			{Kind: quota.KindCredits, Period: h5, UsedPct: 0, Used: num(0), Limit: num(800), Unit: "credits", ResetAt: time.UnixMilli(1769159550000)},
			{Kind: quota.KindCredits, Period: week, UsedPct: 25, Used: num(1250), Limit: num(5000), Unit: "credits", ResetAt: time.UnixMilli(1769600000000)},
		}}},
		{file: "limits_reset_seconds.json", want: quota.Account{Plan: "pro", Windows: []quota.Window{
			{Kind: quota.KindTokens, Period: h5, UsedPct: 2.5, Used: num(1000000), Limit: num(40000000), Unit: "tokens", ResetAt: time.Unix(1769159550, 0)},
			{Kind: quota.KindTools, Period: month, UsedPct: 10, Used: num(10), Limit: num(100), Unit: "calls", ResetAt: time.Unix(1771700000, 0)},
		}}},
		{file: "limits_empty.json", want: quota.Account{Plan: "lite"}},
		{file: "limits_missing.json", want: quota.Account{}},
		{file: "err_401_body.json", kind: quota.KindUnauthorized, code: "401"},
		{file: "err_1309_plan_expired.json", kind: quota.KindNotSubscribed, code: "1309"},
		{file: "html.html", kind: quota.KindMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := parseLimits(providertest.Fixture(t, tt.file), now)
			if tt.kind != "" {
				e := quota.AsError(err)
				if e == nil || e.Kind != tt.kind || e.Code != tt.code {
					t.Fatalf("error = %#v, want kind %s code %q", e, tt.kind, tt.code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("account =\n%s\nwant\n%s", show(got), show(tt.want))
			}
		})
	}
}

func TestEnvelopeErrors(t *testing.T) {
	tests := []struct {
		body   string
		kind   quota.Kind
		detail string
	}{
		{`{"code":401,"msg":"token expired or incorrect","success":false}`, quota.KindUnauthorized, "token expired or incorrect"},
		{`{"code":1001,"msg":"Authentication Failed","success":false}`, quota.KindUnauthorized, "Authentication Failed"},
		{`{"code":"1002","msg":"Invalid token","success":false}`, quota.KindUnauthorized, "Invalid token"},
		{`{"code":1308,"msg":"Usage limit reached for 5 hour","success":false}`, quota.KindQuotaExhausted, ""},
		{`{"code":1310,"msg":"Weekly limit reached","success":false}`, quota.KindQuotaExhausted, ""},
		{`{"code":1302,"msg":"High concurrency","success":false}`, quota.KindRateLimited, ""},
		{`{"code":1303,"msg":"High frequency","success":false}`, quota.KindRateLimited, ""},
		{`{"code":1305,"msg":"Model overloaded","success":false}`, quota.KindCapacity, ""},
		{`{"code":1312,"msg":"Model overloaded","success":false}`, quota.KindCapacity, ""},
		{`{"code":500,"msg":"Internal error","success":false}`, quota.KindServerError, ""},
		{`{"code":4242,"msg":"Something new","success":false}`, quota.KindMalformed, "Something new"},
		{`{"code":4242,"msg":"This key has no active GLM Coding Plan","success":false}`, quota.KindNotSubscribed, ""},
		{`{"code":200,"msg":"ok","success":false}`, quota.KindMalformed, ""},
		{`{"code":200,"msg":"ok"}`, quota.KindMalformed, ""},
		{`{"data":{"limits":[]}}`, quota.KindMalformed, ""},
		{`{"code":200,"success":"true","data":{"limits":[]}}`, quota.KindMalformed, ""},
		{`{"code":500,"msg":"当前用户不存在coding plan","success":false}`, quota.KindNotSubscribed, "当前用户不存在coding plan"},
		{strings.Repeat(`{"data":`, 200) + strings.Repeat("}", 200), quota.KindMalformed, ""},
		{`{"msg":"?"}`, quota.KindMalformed, ""},
		{`{"error":{"code":"1113","message":"Account in arrears"}}`, quota.KindMalformed, "Account in arrears"},
	}
	for _, tt := range tests {
		t.Run(tt.body, func(t *testing.T) {
			a, err := parseLimits([]byte(tt.body), now)
			e := quota.AsError(err)
			if e == nil || e.Kind != tt.kind || !reflect.DeepEqual(a, quota.Account{}) {
				t.Fatalf("error = %#v, account %+v, want kind %s", e, a, tt.kind)
			}
			if tt.detail != "" && e.Detail != tt.detail {
				t.Errorf("detail = %q, want %q", e.Detail, tt.detail)
			}
		})
	}
}

func TestLimitItems(t *testing.T) {
	tests := []struct {
		name, item string
		want       quota.Window
		skip       bool
		bad        string // field named by the malformed error
	}{
		{name: "unknown type", item: `{"type":"FUTURE_LIMIT","percentage":3}`, skip: true},
		{name: "not an object", item: `42`, skip: true},
		{name: "nothing known", item: `{"type":"TOKENS_LIMIT"}`,
			want: quota.Window{Kind: quota.KindTokens, Unit: "tokens", NoData: true}},
		{name: "counts only", item: `{"type":"TOKENS_LIMIT","unit":4,"number":1,"usage":200,"currentValue":50}`,
			want: quota.Window{Kind: quota.KindTokens, Period: 24 * time.Hour, UsedPct: 25, Used: num(50), Limit: num(200), Unit: "tokens"}},
		{name: "zero limit", item: `{"type":"TIME_LIMIT","unit":5,"number":2,"usage":0,"currentValue":0}`,
			want: quota.Window{Kind: quota.KindTools, Period: 2 * month, Used: num(0), Limit: num(0), Unit: "calls", NoData: true}},
		{name: "unknown unit", item: `{"type":"TOKENS_LIMIT","unit":9,"number":1,"percentage":"12"}`,
			want: quota.Window{Kind: quota.KindTokens, UsedPct: 12, Unit: "tokens"}},
		{name: "counts over the limit", item: `{"type":"TIME_LIMIT","unit":5,"number":1,"usage":100,"currentValue":130}`,
			want: quota.Window{Kind: quota.KindTools, Period: month, UsedPct: 100, Used: num(130), Limit: num(100), Unit: "calls"}},
		{name: "NaN percentage", item: `{"type":"TOKENS_LIMIT","unit":3,"number":5,"percentage":"NaN","nextResetTime":-5}`, bad: "percentage"},
		{name: "percentage above 100", item: `{"type":"TOKENS_LIMIT","unit":3,"number":5,"percentage":150}`, bad: "percentage"},
		{name: "negative percentage", item: `{"type":"TOKENS_LIMIT","percentage":-0.5}`, bad: "percentage"},
		{name: "negative count", item: `{"type":"TIME_LIMIT","usage":100,"currentValue":-5}`, bad: "currentValue"},
		{name: "overflowing count", item: `{"type":"TIME_LIMIT","usage":1e300,"currentValue":5}`, bad: "usage"},
		{name: "text count", item: `{"type":"CREDIT_LIMIT","usage":100,"remaining":"lots"}`, bad: "remaining"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := `{"code":200,"success":true,"data":{"limits":[` + tt.item + `]}}`
			a, err := parseLimits([]byte(body), now)
			if tt.bad != "" {
				e := quota.AsError(err)
				if e == nil || e.Kind != quota.KindMalformed || !strings.Contains(e.Detail, tt.bad) || len(a.Windows) != 0 {
					t.Fatalf("error = %#v, account %s; want malformed naming %s", e, show(a), tt.bad)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.skip {
				if len(a.Windows) != 0 {
					t.Errorf("windows = %s", show(a))
				}
				return
			}
			if len(a.Windows) != 1 || !reflect.DeepEqual(a.Windows[0], tt.want) {
				t.Errorf("windows = %s, want %+v", show(a), tt.want)
			}
		})
	}
}

// show prints an account for a failure message.
var show = providertest.Show

func FuzzParseLimits(f *testing.F) {
	for _, b := range providertest.Fixtures(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		a, err := parseLimits(body, now)
		if providertest.ParseFailed(t, a, err) {
			return
		}
		for _, w := range a.Windows {
			providertest.SaneWindow(t, w)
		}
	})
}

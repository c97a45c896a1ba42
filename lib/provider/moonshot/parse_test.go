package moonshot

import (
	"reflect"
	"strings"
	"testing"

	"github.com/mystatus/mystatus/internal/providertest"
	"github.com/mystatus/mystatus/lib/quota"
)

func usd(minor int64) *quota.Money { return &quota.Money{Minor: minor, Decimals: 2, Currency: "USD"} }

// bal is the balance window: available, vouchers, cash.
func bal(avail, voucher, cash *quota.Money) []quota.Window {
	return []quota.Window{{Kind: quota.KindBalance, Money: &quota.MoneyFigures{Balance: avail, Granted: voucher, ToppedUp: cash}}}
}

var overdraft = []quota.Fact{{ID: FactOverdraft}}

func TestParseBalance(t *testing.T) {
	tests := []struct {
		file  string
		want  []quota.Window
		facts []quota.Fact
		kind  quota.Kind
		code  string
	}{
		// Real bodies and peers' fixtures (see testdata/SOURCES.md).
		{file: "balance_docs.json", want: bal(usd(4959), usd(4659), usd(300))},
		// Overdrawn: the negative cash stays negative.
		{file: "balance_overdraft_xlyra.json", want: bal(usd(0), usd(0), usd(-3115)), facts: overdraft},
		{file: "balance_cn_codexbar.json", want: bal(usd(987), usd(123), usd(864))},
		// Available is taken as given, even where it disagrees with the parts.
		{file: "balance_deficit_codexbar.json", want: bal(usd(4958), usd(5000), usd(-42)), facts: overdraft},
		{file: "status_401_codexbar.json", kind: quota.KindUnauthorized, code: "unauthorized"},
		{file: "err_401_invalid_authentication.json", kind: quota.KindUnauthorized, code: "invalid_authentication_error"},
		{file: "err_401_no_type_openusage.json", kind: quota.KindMalformed},
		{file: "err_429_suspended_forum.json", kind: quota.KindQuotaExhausted, code: "exceeded_current_quota_error"},
		// Invented from the error reference (see SOURCES.md).
		{file: "err_429_rate_limit.json", kind: quota.KindRateLimited, code: "rate_limit_reached_error"},
		{file: "err_429_overloaded.json", kind: quota.KindCapacity, code: "engine_overloaded_error"},
		{file: "err_500_server.json", kind: quota.KindServerError, code: "server_error"},
		{file: "html.html", kind: quota.KindMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := parseBalance(providertest.Fixture(t, tt.file), "USD")
			if !providertest.ParsedFile(t, got, err, tt.kind, tt.code) {
				return
			}
			if !reflect.DeepEqual(got, quota.Account{Windows: tt.want, Facts: tt.facts}) {
				t.Errorf("account =%s\nwant%s", show(got), show(quota.Account{Windows: tt.want, Facts: tt.facts}))
			}
		})
	}
}

func TestParseShapes(t *testing.T) {
	cny := func(minor int64) *quota.Money { return &quota.Money{Minor: minor, Decimals: 2, Currency: "CNY"} }
	tests := []struct {
		name, body string
		want       []quota.Window // nil with bad or kind set
		facts      []quota.Fact
		bad        string // text the malformed error names
		kind       quota.Kind
	}{
		{name: "currency from the platform", body: `{"code":0,"data":{"available_balance":1,"voucher_balance":0,"cash_balance":1},"status":true}`,
			want: []quota.Window{{Kind: quota.KindBalance, Money: &quota.MoneyFigures{Balance: cny(100), Granted: cny(0), ToppedUp: cny(100)}}}},
		{name: "numbers as strings", body: `{"data":{"available_balance":"2.5","voucher_balance":"2.5","cash_balance":"0"}}`,
			want: []quota.Window{{Kind: quota.KindBalance, Money: &quota.MoneyFigures{Balance: cny(250), Granted: cny(250), ToppedUp: cny(0)}}}},
		{name: "available missing", body: `{"data":{"voucher_balance":2,"cash_balance":-1.5}}`,
			want:  []quota.Window{{Kind: quota.KindBalance, Money: &quota.MoneyFigures{Balance: cny(200), Granted: cny(200), ToppedUp: cny(-150)}}},
			facts: overdraft},
		{name: "available missing, cash positive", body: `{"data":{"voucher_balance":2,"cash_balance":1.25}}`,
			want: []quota.Window{{Kind: quota.KindBalance, Money: &quota.MoneyFigures{Balance: cny(325), Granted: cny(200), ToppedUp: cny(125)}}}},
		{name: "tiny negative rounds to zero", body: `{"data":{"available_balance":0,"voucher_balance":0,"cash_balance":-0.001}}`,
			want: []quota.Window{{Kind: quota.KindBalance, Money: &quota.MoneyFigures{Balance: cny(0), Granted: cny(0), ToppedUp: cny(0)}}}},
		{name: "no figures", body: `{"code":0,"data":{},"status":true}`,
			want: []quota.Window{{Kind: quota.KindBalance, NoData: true, Money: &quota.MoneyFigures{}}}},
		{name: "text amount", body: `{"data":{"available_balance":"lots"}}`, bad: "data.available_balance"},
		{name: "NaN amount", body: `{"data":{"voucher_balance":"NaN"}}`, bad: "data.voucher_balance"},
		{name: "huge amount", body: `{"data":{"cash_balance":-1e300}}`, bad: "data.cash_balance"},
		{name: "bool amount", body: `{"data":{"cash_balance":false}}`, bad: "data.cash_balance"},
		{name: "code 500", body: `{"code":500,"scode":"0x1","status":false}`, kind: quota.KindServerError},
		{name: "code odd", body: `{"code":7,"data":{"available_balance":1}}`, kind: quota.KindMalformed},
		{name: "status false without data", body: `{"status":false}`, kind: quota.KindMalformed},
		{name: "no data", body: `{"code":0,"status":true}`, kind: quota.KindMalformed},
		{name: "data not an object", body: `{"code":0,"data":[1]}`, kind: quota.KindMalformed},
		{name: "top array", body: `[{"data":{}}]`, kind: quota.KindMalformed},
		{name: "deep", body: strings.Repeat(`{"data":`, 300) + strings.Repeat("}", 300), kind: quota.KindMalformed},
		{name: "incorrect key", body: `{"error":{"message":"Incorrect API key provided","type":"incorrect_api_key_error"}}`, kind: quota.KindUnauthorized},
		{name: "permission denied", body: `{"error":{"message":"The API you are accessing is not open","type":"permission_denied_error"}}`, kind: quota.KindForbidden},
		{name: "not found", body: `{"error":{"message":"Not found","type":"resource_not_found_error"}}`, kind: quota.KindNotFound},
		{name: "unknown error type", body: `{"error":{"type":"brand_new_error","message":"Something new"}}`, kind: quota.KindMalformed},
		{name: "empty error", body: `{"error":{}}`, kind: quota.KindMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := parseBalance([]byte(tt.body), "CNY")
			if providertest.ParsedAs(t, a, err, tt.bad, tt.kind) {
				if want := (quota.Account{Windows: tt.want, Facts: tt.facts}); !reflect.DeepEqual(a, want) {
					t.Errorf("account =%s\nwant%s", show(a), show(want))
				}
			}
		})
	}
}

// show prints an account for a failure message.
var show = providertest.Show

func FuzzParseBalance(f *testing.F) {
	for _, b := range providertest.Fixtures(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		a, err := parseBalance(body, "USD")
		if providertest.ParseFailed(t, a, err) {
			return
		}
		if len(a.Windows) != 1 || a.Windows[0].Kind != quota.KindBalance || a.Windows[0].Money == nil {
			t.Fatalf("windows %+v", a.Windows)
		}
		m := a.Windows[0].Money
		for _, x := range []*quota.Money{m.Balance, m.Granted, m.ToppedUp} {
			if x != nil && (x.Minor > 1e15 || x.Minor < -1e15 || x.Decimals != 2 || x.Currency != "USD") {
				t.Fatalf("bad amount %+v", *x)
			}
		}
		if overdrawn := m.ToppedUp != nil && m.ToppedUp.Minor < 0; overdrawn != (len(a.Facts) == 1) {
			t.Fatalf("cash %v, facts %v", m.ToppedUp, a.Facts)
		}
	})
}

package deepseek

import (
	"reflect"
	"strings"
	"testing"

	"github.com/mystatus/mystatus/internal/providertest"
	"github.com/mystatus/mystatus/lib/quota"
)

// cny and usd build amounts in minor units.
func cny(minor int64) *quota.Money { return &quota.Money{Minor: minor, Decimals: 2, Currency: "CNY"} }
func usd(minor int64) *quota.Money { return &quota.Money{Minor: minor, Decimals: 2, Currency: "USD"} }

// bal is a balance window: total, granted, topped up.
func bal(total, granted, topped *quota.Money) quota.Window {
	return quota.Window{Kind: quota.KindBalance, Money: &quota.MoneyFigures{Balance: total, Granted: granted, ToppedUp: topped}}
}

func disabled(w quota.Window) quota.Window { w.Disabled = Unavailable; return w }

func TestParseBalance(t *testing.T) {
	tests := []struct {
		file string
		want []quota.Window
		kind quota.Kind
		code string
	}{
		// Real bodies and peers' fixtures (see testdata/SOURCES.md).
		{file: "balance_cny_docs.json", want: []quota.Window{bal(cny(11000), cny(1000), cny(10000))}},
		{file: "balance_cny_xlyra.json", want: []quota.Window{bal(cny(4744), cny(0), cny(4744))}},
		{file: "balance_usd_openusage.json", want: []quota.Window{bal(usd(876), usd(0), usd(876))}},
		{file: "balance_cny_opencodebar.json", want: []quota.Window{bal(cny(10349), cny(0), cny(10349))}},
		{file: "balance_usd_paid_granted_codexbar.json", want: []quota.Window{bal(usd(5000), usd(1000), usd(4000))}},
		// is_available false: the amounts stay, every window says why.
		{file: "balance_unavailable_codexbar.json", want: []quota.Window{disabled(bal(usd(0), usd(0), usd(0)))}},
		// The empty USD entry is left out beside a CNY balance.
		{file: "balance_empty_usd_codexbar.json", want: []quota.Window{bal(cny(10000), cny(0), cny(10000))}},
		// No currency at all: unknown, not zero.
		{file: "balance_no_infos_codexbar.json", want: []quota.Window{{Kind: quota.KindBalance, NoData: true}}},
		{file: "err_401_invalid_key.json", kind: quota.KindUnauthorized, code: "authentication_error"},
		{file: "err_401_no_such_user.json", kind: quota.KindUnauthorized, code: "authentication_error"},
		{file: "err_402_insufficient_balance.json", kind: quota.KindQuotaExhausted, code: "unknown_error"},
		// Invented (see SOURCES.md).
		{file: "err_429_rate_limit.json", kind: quota.KindMalformed, code: "rate_limit_error"},
		{file: "err_500_server.json", kind: quota.KindMalformed, code: "server_error"},
		{file: "html.html", kind: quota.KindMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := parseBalance(providertest.Fixture(t, tt.file))
			if !providertest.ParsedFile(t, got, err, tt.kind, tt.code) {
				return
			}
			if !reflect.DeepEqual(got.Windows, tt.want) {
				t.Errorf("windows =%s\nwant%s", show(got), show(quota.Account{Windows: tt.want}))
			}
		})
	}
}

func TestParseShapes(t *testing.T) {
	jpy := func(minor int64) *quota.Money { return &quota.Money{Minor: minor, Decimals: 0, Currency: "JPY"} }
	tests := []struct {
		name, body string
		want       []quota.Window // nil with bad or kind set
		bad        string         // text the malformed error names
		kind       quota.Kind
	}{
		{name: "two currencies", body: `{"is_available":true,"balance_infos":[{"currency":"CNY","total_balance":"100.00","granted_balance":"0.00","topped_up_balance":"100.00"},{"currency":"USD","total_balance":"20.00","granted_balance":"5.00","topped_up_balance":"15.00"}]}`,
			want: []quota.Window{bal(cny(10000), cny(0), cny(10000)), bal(usd(2000), usd(500), usd(1500))}},
		{name: "numbers as numbers", body: `{"is_available":true,"balance_infos":[{"currency":"USD","total_balance":3.555,"granted_balance":0,"topped_up_balance":3.555}]}`,
			want: []quota.Window{bal(usd(356), usd(0), usd(356))}},
		{name: "currency without decimals", body: `{"balance_infos":[{"currency":"JPY","total_balance":"1200"}]}`,
			want: []quota.Window{bal(jpy(1200), nil, nil)}},
		{name: "negative zero", body: `{"is_available":false,"balance_infos":[{"currency":"USD","total_balance":"-0.00","granted_balance":"0.00","topped_up_balance":"-0.00"}]}`,
			want: []quota.Window{disabled(bal(usd(0), usd(0), usd(0)))}},
		{name: "negative topped up", body: `{"balance_infos":[{"currency":"CNY","total_balance":"-1.20","granted_balance":"0.00","topped_up_balance":"-1.20"}]}`,
			want: []quota.Window{bal(cny(-120), cny(0), cny(-120))}},
		{name: "total missing", body: `{"balance_infos":[{"currency":"CNY","granted_balance":"1.00","topped_up_balance":"2.50"}]}`,
			want: []quota.Window{bal(cny(350), cny(100), cny(250))}},
		{name: "no figures", body: `{"balance_infos":[{"currency":"CNY"}]}`,
			want: []quota.Window{{Kind: quota.KindBalance, NoData: true, Money: &quota.MoneyFigures{}}}},
		{name: "odd currency", body: `{"balance_infos":[{"currency":"\u202eusd","total_balance":"1.00"}]}`,
			want: []quota.Window{bal(&quota.Money{Minor: 100, Decimals: 2}, nil, nil)}},
		{name: "all empty", body: `{"balance_infos":[{"currency":"USD","total_balance":"0"},{"currency":"CNY","total_balance":"0"}]}`,
			want: []quota.Window{bal(usd(0), nil, nil), bal(cny(0), nil, nil)}},
		{name: "item not an object", body: `{"is_available":true,"balance_infos":[7,{"currency":"CNY","total_balance":"1"}]}`,
			want: []quota.Window{bal(cny(100), nil, nil)}},
		{name: "infos null", body: `{"is_available":false,"balance_infos":null}`,
			want: []quota.Window{{Kind: quota.KindBalance, NoData: true, Disabled: Unavailable}}},
		{name: "text amount", body: `{"balance_infos":[{"currency":"USD","total_balance":"not-a-number"}]}`, bad: "balance_infos[0].total_balance"},
		{name: "NaN amount", body: `{"balance_infos":[{"currency":"USD","granted_balance":"NaN"}]}`, bad: "balance_infos[0].granted_balance"},
		{name: "huge amount", body: `{"balance_infos":[{"currency":"USD","topped_up_balance":"1e300"}]}`, bad: "balance_infos[0].topped_up_balance"},
		{name: "bool amount", body: `{"balance_infos":[{"currency":"USD","total_balance":true}]}`, bad: "balance_infos[0].total_balance"},
		{name: "infos not an array", body: `{"balance_infos":{"currency":"USD"}}`, kind: quota.KindMalformed},
		{name: "neither", body: `{"data":{}}`, kind: quota.KindMalformed},
		{name: "top array", body: `[{"is_available":true}]`, kind: quota.KindMalformed},
		{name: "deep", body: strings.Repeat(`{"balance_infos":`, 300) + strings.Repeat("}", 300), kind: quota.KindMalformed},
		{name: "error without type", body: `{"error":{}}`, kind: quota.KindMalformed},
		{name: "auth message without type", body: `{"error":{"message":"Authentication Fails (auth header format should be Bearer sk-...)"}}`, kind: quota.KindUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := parseBalance([]byte(tt.body))
			if providertest.ParsedAs(t, a, err, tt.bad, tt.kind) {
				if !reflect.DeepEqual(a.Windows, tt.want) {
					t.Errorf("windows =%s\nwant%s", show(a), show(quota.Account{Windows: tt.want}))
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
		a, err := parseBalance(body)
		if providertest.ParseFailed(t, a, err) {
			return
		}
		if len(a.Windows) == 0 {
			t.Fatal("no window without an error")
		}
		for _, w := range a.Windows {
			if w.Kind != quota.KindBalance || (w.Disabled != "" && w.Disabled != Unavailable) {
				t.Fatalf("bad window %+v", w)
			}
			if w.Money == nil {
				continue
			}
			for _, x := range []*quota.Money{w.Money.Balance, w.Money.Granted, w.Money.ToppedUp} {
				if x != nil && (x.Minor > 1e15 || x.Minor < -1e15 || x.Decimals < 0 || x.Decimals > 4 ||
					(x.Currency != "" && !isoCode.MatchString(x.Currency))) {
					t.Fatalf("bad amount %+v", *x)
				}
			}
		}
	})
}

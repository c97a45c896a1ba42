package anthropic

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/mystatus/mystatus/lib/httpx"
	"github.com/mystatus/mystatus/lib/quota"
)

func FuzzParseUsage(f *testing.F) {
	for _, s := range []string{"usage_limits_fable.json", "usage_work_account.json", "usage_iguana_gbp.json",
		"usage_enterprise_dollars.json", "usage_omelette.json", "usage_idle.json", "usage_bad.json"} {
		f.Add(readTestdata(f, s))
	}
	f.Add([]byte(`{"five_hour":{"utilization":1e999,"resets_at":"x"},"seven_day_\u00e9":{},"extra_usage":{"is_enabled":true,"monthly_limit":0}}`))
	f.Add([]byte(`{"limits":[{"kind":"weekly_scoped","percent":-1,"scope":{"model":{"display_name":"\u0000"},"surface":{"name":7}}}],"x":{"limit_dollars":9e18,"used_dollars":-3}}`))
	f.Add([]byte(`{"limits":` + strings.Repeat("[", 200) + `}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		a, err := parseUsage(body, "Claude")
		if err != nil {
			if !reflect.ValueOf(a).IsZero() || quota.KindOf(err) != quota.KindMalformed {
				t.Fatalf("error %v with value %+v", err, a)
			}
			return
		}
		if a.Name == "" {
			t.Fatalf("no error and no value: %+v", a)
		}
		for _, w := range a.Windows {
			if math.IsNaN(w.UsedPct) || w.UsedPct < 0 || w.UsedPct > 100 {
				t.Fatalf("percentage out of range in %+v", w)
			}
			if w.Used != nil || w.Limit != nil {
				t.Fatalf("money as plain counts in %+v", w)
			}
			if m := w.Money; m != nil {
				for _, v := range []*quota.Money{m.Used, m.Limit, m.Balance, m.Granted, m.ToppedUp} {
					if v != nil && (v.Minor < 0 || v.Minor > maxMinor || v.Decimals < 0 || v.Decimals > 6) {
						t.Fatalf("bad money %+v in %+v", *v, w)
					}
				}
			}
			if len([]rune(w.Name)) > maxNameLen || len([]rune(w.Scope)) > maxNameLen || len([]rune(w.Disabled)) > maxNameLen {
				t.Fatalf("unbounded name in %+v", w)
			}
		}
	})
}

func FuzzParseProfile(f *testing.F) {
	f.Add(readTestdata(f, "profile_max.json"))
	f.Add(readTestdata(f, "profile_measured.json"))
	f.Fuzz(func(t *testing.T, body []byte) {
		p := parseProfile(body)
		if p.email != "" && !strings.Contains(p.email, "@") {
			t.Fatalf("not an e-mail: %q", p.email)
		}
	})
}

func FuzzClassify(f *testing.F) {
	for _, b := range []string{`{"type":"error","error":{"type":"authentication_error","message":"OAuth token has expired."}}`,
		`{"type":"error","error":{"type":"rate_limit_error","message":"Rate limited"}}`, `<html>`} {
		f.Add(401, []byte(b))
		f.Add(429, []byte(b))
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 400 || status > 599 {
			return
		}
		e := quota.AsError(classify(&httpx.StatusError{Status: status, Body: body, URL: "https://api.anthropic.com/api/oauth/usage"}))
		if e == nil || e.Kind == "" {
			t.Fatalf("unclassified for %d %q", status, body)
		}
		if status == 429 && e.Kind != quota.KindRateLimited {
			t.Fatalf("429 classified %s", e.Kind)
		}
	})
}

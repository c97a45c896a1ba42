package anthropic

import (
	"math"
	"reflect"
	"testing"

	"github.com/mystatus/mystatus/lib/quota"
)

func FuzzParseUsage(f *testing.F) {
	for _, s := range []string{"usage_models.json", "usage_basic.json", "usage_idle.json", "usage_bad.json"} {
		f.Add(readTestdata(f, s))
	}
	f.Add([]byte(`{"five_hour":{"utilization":1e999,"resets_at":"x"},"seven_day_\u00e9":{},"extra_usage":{"is_enabled":true,"monthly_limit":0}}`))
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
			if math.IsNaN(w.UsedPct) || math.IsInf(w.UsedPct, 0) {
				t.Fatalf("non-finite percentage in %+v", w)
			}
		}
	})
}

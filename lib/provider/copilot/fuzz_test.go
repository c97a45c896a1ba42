package copilot

import (
	"reflect"
	"testing"

	"github.com/mystatus/mystatus/lib/jsonval"
	"github.com/mystatus/mystatus/lib/quota"
)

var seeds = []string{
	"billing_pat.json", "billing_empty.json", "billing_year_only.json", "user_paid.json", "user_unlimited_chat.json",
	"user_exhausted.json", "user_free.json", "user_org_placeholder.json", "token_v2.json",
	"user_pro_plus_doc.json", "user_pro_plus_iota31.json", "user_over_quota_issue110.json",
	"user_business_placeholder_issue839.json", "user_free_limited.json", "user_newer_snapshot_fields.json",
}

func seed(f *testing.F) {
	for _, s := range seeds {
		f.Add(readTestdata(f, s))
	}
	f.Add([]byte(`{"quota_snapshots":{"premium_interactions":{"entitlement":1e400,"remaining":"x","percent_remaining":null}}}`))
	f.Add([]byte(`{"usageItems":[{"sku":"Premium","grossQuantity":-1e308,"model":""}],"timePeriod":{"year":99999,"month":13}}`))
	f.Add([]byte(`{"usageItems":[{"sku":"Premium","grossQuantity":1e308},{"sku":"Premium","grossQuantity":1e308}]}`))
	f.Add([]byte(`{"quota_snapshots":{"chat":{"entitlement":1e308,"remaining":-1e308}}}`))
}

// checkAccount asserts "error xor value".
func checkAccount(t *testing.T, a quota.Account, err error) {
	if err != nil {
		if !reflect.ValueOf(a).IsZero() {
			t.Fatalf("error %v with a value %+v", err, a)
		}
		if quota.KindOf(err) != quota.KindMalformed {
			t.Fatalf("error kind %s", quota.KindOf(err))
		}
		return
	}
	if a.Name == "" || len(a.Windows) == 0 {
		t.Fatalf("no error and no value: %+v", a)
	}
	for _, w := range a.Windows {
		if !jsonval.Finite(w.UsedPct) || w.Used != nil && !jsonval.Finite(*w.Used) || w.Limit != nil && !jsonval.Finite(*w.Limit) {
			t.Fatalf("non-finite figure in %+v", w)
		}
		// Nowhere a negative share or one above 100 %, nor a negative count.
		if w.UsedPct < 0 || w.UsedPct > 100 || w.Used != nil && *w.Used < 0 || w.Limit != nil && *w.Limit <= 0 {
			t.Fatalf("out-of-range figure in %+v", w)
		}
		if w.Used != nil && w.Limit != nil && *w.Used > *w.Limit && w.Kind != quota.KindPremium {
			t.Fatalf("used above the limit in %+v", w)
		}
	}
	if a.Overage != nil && (!jsonval.Finite(*a.Overage) || *a.Overage <= 0) {
		t.Fatalf("overage %v", *a.Overage)
	}
}

func FuzzParseUser(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		a, err := parseUser(body)
		checkAccount(t, a, err)
	})
}

func FuzzParseBilling(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		a, err := parseBilling(body, pat{username: "octocat", tier: "pro", limit: 300})
		checkAccount(t, a, err)
		if err == nil && len(a.Breakdown) > 5 {
			t.Fatalf("breakdown of %d", len(a.Breakdown))
		}
	})
}

func FuzzParseToken(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		tok, exp, err := parseToken(body)
		if (err == nil) == (tok == "") {
			t.Fatalf("token %q, error %v", tok, err)
		}
		if err != nil && !exp.IsZero() {
			t.Fatalf("expiry %v with error %v", exp, err)
		}
	})
}

func FuzzParsePAT(f *testing.F) {
	f.Add([]byte(`{"token":"github_pat_CANARY_1","username":"octocat","tier":"pro"}`))
	f.Add([]byte(`{"token":"x","username":"a/b","tier":"PRO+"}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := parsePAT("/p.json", data)
		if (err == nil) == (p == pat{}) {
			t.Fatalf("pat %+v, error %v", p, err)
		}
		if err == nil && (p.limit <= 0 || !validLogin(p.username) || p.token == "") {
			t.Fatalf("invalid pat accepted: %+v", p)
		}
	})
}

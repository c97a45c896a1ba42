package report

import (
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/mystatus/mystatus/lib/quota"
)

func fp(f float64) *float64 { return &f }

func TestSanitize(t *testing.T) {
	tests := []struct {
		name    string
		used    float64
		want    float64
		flagged bool
	}{
		{"normal", 42.5, 42.5, false},
		{"zero", 0, 0, false},
		{"full", 100, 100, false},
		{"rounding noise below zero", -1e-9, 0, false},
		{"overage", 146, 100, false},
		{"huge", 1.2e29, 100, true},
		{"negative", -46, 0, true},
		{"int64 min", math.MinInt64, 0, true},
		{"NaN", math.NaN(), 0, true},
		{"+Inf", math.Inf(1), 100, true},
		{"-Inf", math.Inf(-1), 0, true},
	}
	for _, tt := range tests {
		a := sanitize(quota.Account{Windows: []quota.Window{
			{Kind: quota.KindRate, UsedPct: 10},
			{Kind: quota.KindRate, Name: "weekly", UsedPct: tt.used},
		}})
		if got := a.Windows[1].UsedPct; got != tt.want {
			t.Errorf("%s: UsedPct %v, want %v", tt.name, got, tt.want)
		}
		if a.Windows[0].UsedPct != 10 {
			t.Errorf("%s: the good window changed", tt.name)
		}
		e := quota.AsError(a.Err)
		if tt.flagged != (e != nil) {
			t.Fatalf("%s: err %v, flagged want %v", tt.name, a.Err, tt.flagged)
		}
		if tt.flagged && (e.Kind != quota.KindMalformed || !strings.Contains(e.Detail, "weekly used_percent")) {
			t.Errorf("%s: %+v", tt.name, e)
		}
	}
	// Non-finite counts are dropped (JSON cannot encode them) and flagged.
	a := sanitize(quota.Account{Overage: fp(math.NaN()), Windows: []quota.Window{{Kind: quota.KindRate, UsedPct: 5, Used: fp(math.Inf(1)), Limit: fp(300)}}})
	if a.Overage != nil || a.Windows[0].Used != nil || *a.Windows[0].Limit != 300 || quota.KindOf(a.Err) != quota.KindMalformed {
		t.Fatalf("non-finite counts: %+v", a)
	}
	if _, err := json.Marshal(a.Windows); err != nil {
		t.Fatal(err)
	}
	// An account that already failed keeps its own error.
	own := &quota.Error{Kind: quota.KindUnauthorized}
	if a := sanitize(quota.Account{Err: own, Windows: []quota.Window{{UsedPct: -5}}}); a.Err != own {
		t.Errorf("error replaced: %v", a.Err)
	}
}

// oddProvider returns a window with a garbage share.
type oddProvider struct{ windows []quota.Window }

func (p oddProvider) ID() quota.PlatformID { return "odd" }
func (p oddProvider) Info() quota.Info     { return quota.Info{ID: "odd", Configured: true} }
func (p oddProvider) Discover(context.Context) ([]quota.Target, error) {
	return []quota.Target{{Key: "odd", Name: "odd@example.com"}}, nil
}
func (p oddProvider) Fetch(context.Context, quota.Target) (quota.Account, error) {
	return quota.Account{Windows: p.windows}, nil
}

// TestCollectSanitizes: the report never carries an out-of-range share,
// and the provider's own slice is left alone.
func TestCollectSanitizes(t *testing.T) {
	ws := []quota.Window{{Kind: quota.KindRate, UsedPct: 1.2e29}}
	svc := &Service{Providers: []quota.Provider{oddProvider{ws}}, Timeout: time.Second}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	rep := svc.Collect(ctx, Request{})
	a := rep.Results[0].Accounts[0]
	if a.Windows[0].UsedPct != 100 || quota.KindOf(a.Err) != quota.KindMalformed {
		t.Fatalf("account %+v", a)
	}
	if ws[0].UsedPct != 1.2e29 {
		t.Error("the provider's windows were modified")
	}
}

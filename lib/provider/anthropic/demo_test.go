package anthropic_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/mystatus/mystatus/lib/demo/demotest"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/provider/anthropic"
	"github.com/mystatus/mystatus/lib/quota"
	"github.com/mystatus/mystatus/lib/render"
)

// TestDemo: the demo's Max 5x login, whose 5-hour window is the demo's
// high-usage warning.
func TestDemo(t *testing.T) {
	res := demotest.Run(t, time.Now(), func(d provider.Deps) quota.Provider { return anthropic.New(d) })
	if len(res.Accounts) != 1 || res.Accounts[0].Err != nil {
		t.Fatalf("accounts %+v", res.Accounts)
	}
	a := res.Accounts[0]
	if a.Name != "demo@example.com" || a.Plan != "max 5x" {
		t.Errorf("account %q plan %q", a.Name, a.Plan)
	}
	want := []string{"rate/5h0m0s//86%", "rate/168h0m0s//41%", "model/168h0m0s/Sonnet/23%"}
	if got := demotest.Windows(a); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("windows\n got %v\nwant %v", got, want)
	}
	if w := a.Windows[0]; w.UsedPct < render.HighUsage || w.Exhausted() {
		t.Errorf("5-hour window at %v%% used, want a high-usage warning", w.UsedPct)
	}
}

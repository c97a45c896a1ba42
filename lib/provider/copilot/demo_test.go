package copilot_test

import (
	"testing"
	"time"

	"github.com/mystatus/mystatus/lib/demo/demotest"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/provider/copilot"
	"github.com/mystatus/mystatus/lib/quota"
)

// TestDemo: the demo's Pro PAT, half its premium requests spent over
// three models.
func TestDemo(t *testing.T) {
	now := time.Now()
	res := demotest.Run(t, now, func(d provider.Deps) quota.Provider { return copilot.New(d) })
	if len(res.Accounts) != 1 || res.Accounts[0].Err != nil {
		t.Fatalf("accounts %+v", res.Accounts)
	}
	a := res.Accounts[0]
	if len(a.Windows) != 1 || a.Windows[0].Kind != quota.KindPremium || a.Windows[0].Used == nil ||
		*a.Windows[0].Used != 149.5 || *a.Windows[0].Limit != 300 {
		t.Errorf("windows %+v, want premium 149.5/300", a.Windows)
	}
	if len(a.Breakdown) != 3 || a.Breakdown[0].Name != "Claude Sonnet 4.5" {
		t.Errorf("breakdown %+v, want three models led by Claude Sonnet 4.5", a.Breakdown)
	}
	if !a.ResetAt.After(now) {
		t.Errorf("reset %v not after now", a.ResetAt)
	}
}

package openrouter_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/mystatus/mystatus/lib/demo/demotest"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/provider/openrouter"
	"github.com/mystatus/mystatus/lib/quota"
)

// TestDemoReport: the demo through the real report, a monthly key limit
// with a quarter spent and the account's balance.
func TestDemoReport(t *testing.T) {
	now := time.Date(2026, 1, 30, 12, 0, 0, 0, time.UTC)
	res := demotest.Run(t, now, func(d provider.Deps) quota.Provider { return openrouter.New(d) })
	if len(res.Accounts) != 1 || res.Accounts[0].Err != nil {
		t.Fatalf("accounts %+v", res.Accounts)
	}
	a := res.Accounts[0]
	if a.Name != quota.MaskKey("sk-or-v1-CANARY-demo-3e8b1f07a2c94d65") {
		t.Errorf("account %q", a.Name)
	}
	want := []string{"balance/744h0m0s//25.5%", "balance/0s//0%"}
	if got := demotest.Windows(a); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("windows\n got %v\nwant %v", got, want)
	}
	if a.Windows[1].Money.Balance.Minor != 7475 || len(a.Facts) != 1 || a.Facts[0].ID != openrouter.FactKeyExpires {
		t.Errorf("balance %+v, facts %+v", a.Windows[1].Money, a.Facts)
	}
}

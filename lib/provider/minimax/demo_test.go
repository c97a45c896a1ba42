package minimax_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/mystatus/mystatus/lib/demo/demotest"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/provider/minimax"
	"github.com/mystatus/mystatus/lib/quota"
)

// TestDemoReport: each region's demo through the real report, the general
// quota's 5-hour and weekly windows and a video quota left whole.
func TestDemoReport(t *testing.T) {
	now := time.Date(2026, 1, 30, 12, 0, 0, 0, time.UTC)
	for _, mk := range []func(provider.Deps) *minimax.Provider{minimax.NewGlobal, minimax.NewChina} {
		res := demotest.Run(t, now, func(d provider.Deps) quota.Provider { return mk(d) })
		if len(res.Accounts) != 1 || res.Accounts[0].Err != nil {
			t.Fatalf("%s: accounts %+v", res.Platform, res.Accounts)
		}
		want := []string{
			fmt.Sprintf("model/5h0m0s/general/%g%%", 178.0/1500*100),
			fmt.Sprintf("model/168h0m0s/general/%g%%", 2900.0/15000*100),
			"model/5h0m0s/video/0%",
		}
		if got := demotest.Windows(res.Accounts[0]); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: windows\n got %v\nwant %v", res.Platform, got, want)
		}
	}
}

package openai_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/mystatus/mystatus/lib/demo/demotest"
	"github.com/mystatus/mystatus/lib/pace"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/provider/openai"
	"github.com/mystatus/mystatus/lib/quota"
)

// TestDemo: the demo's ChatGPT Plus login, whose 7-day window is the
// demo's "ahead of pace" example (28 % used after 46.5 h of 168 h).
func TestDemo(t *testing.T) {
	now := time.Now()
	res := demotest.Run(t, now, func(d provider.Deps) quota.Provider { return openai.New(d) })
	if len(res.Accounts) != 1 || res.Accounts[0].Err != nil {
		t.Fatalf("accounts %+v", res.Accounts)
	}
	a := res.Accounts[0]
	if a.Name != "demo@example.com" || a.Plan != "plus" {
		t.Errorf("account %q plan %q", a.Name, a.Plan)
	}
	want := []string{"rate/5h0m0s//37%", "rate/168h0m0s//28%"}
	if got := demotest.Windows(a); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("windows\n got %v\nwant %v", got, want)
	}
	if e := pace.Of(a.Windows[len(a.Windows)-1], now); e.Status != pace.Ahead {
		t.Errorf("7-day window: %+v, want ahead of pace", e)
	}
}

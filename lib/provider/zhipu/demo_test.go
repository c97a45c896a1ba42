package zhipu_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/demo/demotest"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/provider/zhipu"
	"github.com/mystatus/mystatus/lib/quota"
)

// TestDemoZhipu: the demo's healthy Pro plan.
func TestDemoZhipu(t *testing.T) {
	res := demotest.Run(t, time.Now(), func(d provider.Deps) quota.Provider { return zhipu.NewZhipu(d) })
	if len(res.Accounts) != 1 || res.Accounts[0].Err != nil {
		t.Fatalf("accounts %+v", res.Accounts)
	}
	a := res.Accounts[0]
	if a.Name != quota.MaskKey("demo-CANARY-zhipu-not-a-real-key-0001") || a.Plan != "pro" {
		t.Errorf("account %q plan %q", a.Name, a.Plan)
	}
	want := []string{"tokens/5h0m0s//21%", "tokens/168h0m0s//33%", "tools/720h0m0s//8%"}
	if got := demotest.Windows(a); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("windows\n got %v\nwant %v", got, want)
	}
}

// TestDemoZAI: the demo's staged failure, Z.ai rejecting its key as it
// rejects an expired one.
func TestDemoZAI(t *testing.T) {
	res := demotest.Run(t, time.Now(), func(d provider.Deps) quota.Provider { return zhipu.NewZAI(d) })
	if len(res.Accounts) != 1 {
		t.Fatalf("%d accounts, want 1", len(res.Accounts))
	}
	e := quota.AsError(res.Accounts[0].Err)
	if e == nil || e.Kind != quota.KindUnauthorized || !strings.Contains(e.Detail, "token expired or incorrect") {
		t.Errorf("error %#v, want unauthorized with the upstream message", res.Accounts[0].Err)
	}
	d, err := zhipu.NewZAI(provider.Deps{}).Demo(time.Now(), auth.Paths{})
	if err != nil || !d.Failing {
		t.Errorf("Demo: Failing %v, %v; want a staged failure", d.Failing, err)
	}
}

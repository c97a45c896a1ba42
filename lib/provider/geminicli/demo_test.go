package geminicli_test

import (
	"slices"
	"testing"
	"time"

	"github.com/mystatus/mystatus/lib/demo/demotest"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/provider/geminicli"
	"github.com/mystatus/mystatus/lib/quota"
)

// TestDemo runs Discover and Fetch against the demo's handler: one
// account named by its id_token, its plan, and one row per model, Pro's
// TOKENS bucket binding and Flash's Vertex twin folded in.
func TestDemo(t *testing.T) {
	now := time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)
	res := demotest.Run(t, now, func(d provider.Deps) quota.Provider { return geminicli.New(d) })
	if res.Err != nil || len(res.Accounts) != 1 {
		t.Fatalf("result %+v", res)
	}
	a := res.Accounts[0]
	if a.Err != nil {
		t.Fatalf("account %s: %v", a.Name, a.Err)
	}
	if a.Name != "demo.gemini@example.com" || a.Plan != "Gemini Code Assist in Google One AI Pro" {
		t.Errorf("account %q plan %q", a.Name, a.Plan)
	}
	want := []string{"model/0s/gemini-2.5-pro/59%", "model/0s/gemini-2.5-flash/13%", "model/0s/gemini-2.5-flash-lite/0%"}
	if got := demotest.Windows(a); !slices.Equal(got, want) {
		t.Errorf("windows %v, want %v", got, want)
	}
	for _, w := range a.Windows {
		if in := w.ResetAt.Sub(now); !w.Compact || in < 9*time.Hour || in > 10*time.Hour {
			t.Errorf("%s: compact %v, resets in %v", w.Name, w.Compact, in)
		}
	}
}

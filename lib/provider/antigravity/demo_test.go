package antigravity_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/mystatus/mystatus/lib/demo/demotest"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/provider/antigravity"
	"github.com/mystatus/mystatus/lib/quota"
)

// TestDemo: the demo's two accounts, the second with its Claude and GPT
// family exhausted.
func TestDemo(t *testing.T) {
	now := time.Now()
	res := demotest.Run(t, now, func(d provider.Deps) quota.Provider { return antigravity.New(d) })
	if len(res.Accounts) != 2 {
		t.Fatalf("%d accounts, want 2: %+v", len(res.Accounts), res)
	}
	for i, a := range res.Accounts {
		if a.Err != nil {
			t.Fatalf("account %s: %v", a.Name, a.Err)
		}
		if want := []string{"demo.alpha@example.com", "demo.beta@example.com"}[i]; a.Name != want {
			t.Errorf("account %d is %q, want %q", i, a.Name, want)
		}
		var exhausted []string
		buckets := 0
		for _, w := range a.Windows {
			if w.Exhausted() {
				exhausted = append(exhausted, w.Name)
				if !w.ResetAt.After(now) {
					t.Errorf("%s: exhausted %s has no future reset", a.Name, w.Name)
				}
			}
			if w.Period != 0 {
				buckets++
			}
		}
		if buckets != 4 {
			t.Errorf("%s: %d 5-hour/weekly buckets, want 4", a.Name, buckets)
		}
		want := "[]"
		if i == 1 {
			// The Claude and GPT family row and its 5-hour bucket.
			want = "[Claude and GPT Claude and GPT]"
		}
		if fmt.Sprint(exhausted) != want {
			t.Errorf("%s: exhausted windows %v, want %s", a.Name, exhausted, want)
		}
	}
}

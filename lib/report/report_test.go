package report

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/mystatus/mystatus/lib/quota"
)

// fake is a provider whose behaviour each test sets.
type fake struct {
	id       quota.PlatformID
	targets  []quota.Target
	discover error
	fetch    func(ctx context.Context, t quota.Target) (quota.Account, error)
	calls    atomic.Int64
}

func (f *fake) ID() quota.PlatformID { return f.id }
func (f *fake) Info() quota.Info     { return quota.Info{ID: f.id, Configured: f.discover == nil} }
func (f *fake) Discover(context.Context) ([]quota.Target, error) {
	if f.discover != nil {
		return nil, f.discover
	}
	if f.targets == nil {
		return []quota.Target{{Key: "k", Name: string(f.id)}}, nil
	}
	return f.targets, nil
}
func (f *fake) Fetch(ctx context.Context, t quota.Target) (quota.Account, error) {
	f.calls.Add(1)
	if f.fetch == nil {
		return quota.Account{Windows: []quota.Window{{Kind: quota.KindRate, UsedPct: 10}}}, nil
	}
	return f.fetch(ctx, t)
}

// In a synctest bubble: the sleeps and deadlines below cost no wall time.
func TestOrderIsFixedAndUnconfiguredLeftOut(t *testing.T) {
	synctest.Test(t, testOrderIsFixedAndUnconfiguredLeftOut)
}

func testOrderIsFixedAndUnconfiguredLeftOut(t *testing.T) {
	slow := &fake{id: "openai", fetch: func(ctx context.Context, _ quota.Target) (quota.Account, error) {
		time.Sleep(30 * time.Millisecond)
		return quota.Account{}, nil
	}}
	none := &fake{id: "anthropic", discover: quota.ErrNotConfigured}
	fast := &fake{id: "zhipu"}
	s := &Service{Providers: []quota.Provider{slow, none, fast}, Timeout: time.Second}
	rep := s.Collect(context.Background(), Request{})
	if len(rep.Results) != 2 || rep.Results[0].Platform != "openai" || rep.Results[1].Platform != "zhipu" {
		t.Fatalf("results %+v", rep.Results)
	}
	if rep.Supported != nil {
		t.Error("Supported set although platforms are configured")
	}
}

func TestNothingConfiguredListsSupported(t *testing.T) {
	s := &Service{Providers: []quota.Provider{&fake{id: "openai", discover: quota.ErrNotConfigured}}}
	rep := s.Collect(context.Background(), Request{})
	if len(rep.Results) != 0 || len(rep.Supported) != 1 || rep.Failed() {
		t.Fatalf("report %+v", rep)
	}
}

// In a synctest bubble: the sleeps and deadlines below cost no wall time.
func TestIsolation(t *testing.T) { synctest.Test(t, testIsolation) }

func testIsolation(t *testing.T) {
	hang := &fake{id: "openai", fetch: func(ctx context.Context, _ quota.Target) (quota.Account, error) {
		<-ctx.Done()
		return quota.Account{}, ctx.Err()
	}}
	boom := &fake{id: "anthropic", fetch: func(context.Context, quota.Target) (quota.Account, error) {
		panic("boom")
	}}
	broken := &fake{id: "zhipu", discover: &quota.Error{Kind: quota.KindFileMalformed}}
	good := &fake{id: "zai"}
	s := &Service{Providers: []quota.Provider{hang, boom, broken, good}, Timeout: 100 * time.Millisecond}
	start := time.Now()
	rep := s.Collect(context.Background(), Request{})
	if el := time.Since(start); el > s.Budget() {
		t.Fatalf("took %v, more than the budget %v: the hanging platform held the report", el, s.Budget())
	}
	kinds := map[quota.PlatformID]quota.Kind{}
	for _, r := range rep.Results {
		if r.Err != nil {
			kinds[r.Platform] = quota.KindOf(r.Err)
		} else if r.Accounts[0].Err != nil {
			kinds[r.Platform] = quota.KindOf(r.Accounts[0].Err)
		}
	}
	want := map[quota.PlatformID]quota.Kind{"openai": quota.KindTimeout, "anthropic": quota.KindInternal, "zhipu": quota.KindFileMalformed}
	for p, k := range want {
		if kinds[p] != k {
			t.Errorf("%s: kind %q, want %q", p, kinds[p], k)
		}
	}
	if _, failed := kinds["zai"]; failed || len(rep.Results) != 4 {
		t.Errorf("healthy platform affected: %+v", rep.Results)
	}
}

// In a synctest bubble: the sleeps and deadlines below cost no wall time.
func TestProviderIgnoringContextIsAbandoned(t *testing.T) {
	synctest.Test(t, testProviderIgnoringContextIsAbandoned)
}

func testProviderIgnoringContextIsAbandoned(t *testing.T) {
	stuck := &fake{id: "openai", fetch: func(context.Context, quota.Target) (quota.Account, error) {
		time.Sleep(2 * time.Second)
		return quota.Account{}, nil
	}}
	s := &Service{Providers: []quota.Provider{stuck}, Timeout: 50 * time.Millisecond}
	start := time.Now()
	rep := s.Collect(context.Background(), Request{})
	if el := time.Since(start); el > s.Budget() {
		t.Fatalf("report took %v, waiting for a provider that ignores its context (budget %v)", el, s.Budget())
	}
	if !rep.Failed() {
		t.Fatal("stuck provider not reported")
	}
	time.Sleep(2 * time.Second) // virtual: let the abandoned fetch end before the bubble does
}

func TestTargetErrorsSkipFetch(t *testing.T) {
	f := &fake{id: "antigravity", targets: []quota.Target{
		{Key: "a", Name: "a@x"}, {Key: "b", Name: "b@x", Err: &quota.Error{Kind: quota.KindProjectMissing}},
	}}
	rep := (&Service{Providers: []quota.Provider{f}}).Collect(context.Background(), Request{})
	accts := rep.Results[0].Accounts
	if f.calls.Load() != 1 || accts[1].Name != "b@x" || quota.KindOf(accts[1].Err) != quota.KindProjectMissing {
		t.Fatalf("calls %d, accounts %+v", f.calls.Load(), accts)
	}
}

// Two credential stores signed in to one account (the same Identity) are
// shown once, the earlier; accounts without an identity are all kept.
func TestSameIdentityShownOnce(t *testing.T) {
	f := &fake{id: "anthropic", targets: []quota.Target{{Key: "oc", Name: "a"}, {Key: "cc", Name: "b"}, {Key: "x", Name: "c"}, {Key: "y", Name: "d"}}}
	f.fetch = func(_ context.Context, t quota.Target) (quota.Account, error) {
		id := map[string]string{"oc": "acct-1", "cc": "acct-1", "x": ""}[t.Key]
		return quota.Account{Name: t.Name, Identity: id}, nil
	}
	rep := (&Service{Providers: []quota.Provider{f}}).Collect(context.Background(), Request{})
	var names []string
	for _, a := range rep.Results[0].Accounts {
		names = append(names, a.Name)
	}
	if fmt.Sprint(names) != "[a c d]" {
		t.Fatalf("accounts %v, want [a c d]", names)
	}
}

func TestOnlyFilter(t *testing.T) {
	a, b := &fake{id: "openai"}, &fake{id: "zhipu"}
	rep := (&Service{Providers: []quota.Provider{a, b}}).Collect(context.Background(), Request{Platforms: []quota.PlatformID{"zhipu"}})
	if len(rep.Results) != 1 || rep.Results[0].Platform != "zhipu" || a.calls.Load() != 0 {
		t.Fatalf("%+v", rep.Results)
	}
}

func TestCacheWithinTTL(t *testing.T) {
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	f := &fake{id: "openai"}
	s := &Service{Providers: []quota.Provider{f}, TTL: time.Minute, Now: now}
	s.Collect(context.Background(), Request{})
	rep := s.Collect(context.Background(), Request{})
	if f.calls.Load() != 1 || !rep.Results[0].Cached {
		t.Fatalf("second report within TTL made %d calls (cached=%v)", f.calls.Load(), rep.Results[0].Cached)
	}
	s.Collect(context.Background(), Request{Refresh: true})
	if f.calls.Load() != 2 {
		t.Fatalf("refresh did not bypass the cache")
	}
	mu.Lock()
	clock = clock.Add(2 * time.Minute)
	mu.Unlock()
	s.Collect(context.Background(), Request{})
	if f.calls.Load() != 3 {
		t.Fatalf("expired entry reused")
	}
}

func TestFailuresAreNotCached(t *testing.T) {
	f := &fake{id: "openai", fetch: func(context.Context, quota.Target) (quota.Account, error) {
		return quota.Account{}, errors.New("down")
	}}
	s := &Service{Providers: []quota.Provider{f}, TTL: time.Minute}
	s.Collect(context.Background(), Request{})
	s.Collect(context.Background(), Request{})
	if f.calls.Load() != 2 {
		t.Fatalf("calls = %d", f.calls.Load())
	}
}

func TestConcurrentRequestsCoalesce(t *testing.T) {
	release := make(chan struct{})
	f := &fake{id: "openai", fetch: func(ctx context.Context, _ quota.Target) (quota.Account, error) {
		<-release
		return quota.Account{Windows: []quota.Window{{UsedPct: 5}}}, nil
	}}
	s := &Service{Providers: []quota.Provider{f}, Timeout: 5 * time.Second}
	var wg sync.WaitGroup
	results := make([]quota.Report, 50)
	for i := range results {
		wg.Add(1)
		go func() { defer wg.Done(); results[i] = s.Collect(context.Background(), Request{}) }()
	}
	// Release the single upstream call once every request waits on it.
	for !allWaiting(s, 1, 50) {
		time.Sleep(time.Millisecond)
	}
	close(release)
	wg.Wait()
	if n := f.calls.Load(); n != 1 {
		t.Fatalf("%d upstream calls for 50 identical concurrent requests", n)
	}
	for _, r := range results {
		if r.Failed() || r.Results[0].Accounts[0].Windows[0].UsedPct != 5 {
			t.Fatalf("bad result %+v", r)
		}
	}
}

func TestCancelledWaiterDoesNotFailOthers(t *testing.T) {
	release := make(chan struct{})
	f := &fake{id: "openai", fetch: func(ctx context.Context, _ quota.Target) (quota.Account, error) {
		select {
		case <-release:
			return quota.Account{}, nil
		case <-ctx.Done():
			return quota.Account{}, ctx.Err()
		}
	}}
	s := &Service{Providers: []quota.Provider{f}, Timeout: 5 * time.Second}
	ctx1, cancel1 := context.WithCancel(context.Background())
	done1 := make(chan quota.Report)
	go func() { done1 <- s.Collect(ctx1, Request{}) }()
	for f.calls.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	done2 := make(chan quota.Report)
	go func() { done2 <- s.Collect(context.Background(), Request{}) }()
	for !allWaiting(s, 1, 2) {
		time.Sleep(time.Millisecond)
	}
	cancel1()
	r1 := <-done1
	if quota.KindOf(r1.Results[0].Accounts[0].Err) != quota.KindCanceled {
		t.Errorf("cancelled request: %+v", r1.Results[0])
	}
	close(release)
	if r2 := <-done2; r2.Failed() {
		t.Errorf("second waiter failed: %+v", r2.Results[0].Accounts[0].Err)
	}
}

func TestInFlightBound(t *testing.T) {
	var cur, peak atomic.Int64
	var targets []quota.Target
	for i := range 40 {
		targets = append(targets, quota.Target{Key: fmt.Sprint(i), Name: fmt.Sprint(i)})
	}
	f := &fake{id: "antigravity", targets: targets, fetch: func(ctx context.Context, _ quota.Target) (quota.Account, error) {
		n := cur.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(5 * time.Millisecond)
		cur.Add(-1)
		return quota.Account{}, nil
	}}
	g := &fake{id: "openai", targets: targets[:10], fetch: f.fetch}
	s := &Service{Providers: []quota.Provider{g, f}, MaxInFlight: 4, Timeout: 5 * time.Second}
	rep := s.Collect(context.Background(), Request{})
	if rep.Failed() {
		t.Fatal("failed")
	}
	// The bound is per platform: Antigravity's 40 accounts never exceed
	// 4 at once, and OpenAI's 10 add at most 4 more.
	if p := peak.Load(); p > 8 || p < 2 {
		t.Fatalf("peak in flight %d, bound 4 per platform (8 for two)", p)
	}
}

func TestProgress(t *testing.T) {
	s := &Service{Providers: []quota.Provider{&fake{id: "openai"}, &fake{id: "zhipu"}, &fake{id: "copilot", discover: quota.ErrNotConfigured}}}
	var mu sync.Mutex
	var seen []int
	s.Collect(context.Background(), Request{Progress: func(done, total int, p quota.PlatformID) {
		mu.Lock()
		defer mu.Unlock()
		if total != 3 {
			t.Errorf("total %d", total)
		}
		seen = append(seen, done)
	}})
	if len(seen) != 3 {
		t.Fatalf("progress calls %v", seen)
	}
}

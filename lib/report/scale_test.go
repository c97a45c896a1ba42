package report

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/mystatus/mystatus/lib/quota"
)

// counter is a fetch that counts calls per account and, per platform (the
// key's prefix), fetches in flight. The first bound fetches of a platform
// wait until all of them have arrived (so the peak reaches the bound
// whatever the scheduling) and then a little longer, so that a broken
// bound would let more fetches in while they are held. Tests run it inside
// a synctest bubble, where that pause costs no wall time.
type counter struct {
	bound int64
	// hold, when set, keeps every fetch from returning until closed.
	hold chan struct{}

	mu    sync.Mutex
	calls map[string]int
	plats map[string]*platCount
}

type platCount struct {
	cur, peak, arrived int64
	full               chan struct{}
}

func newCounter(bound int) *counter {
	return &counter{bound: int64(bound), calls: map[string]int{}, plats: map[string]*platCount{}}
}

func (c *counter) plat(key string) *platCount {
	id, _, _ := strings.Cut(key, ":")
	pc, ok := c.plats[id]
	if !ok {
		pc = &platCount{full: make(chan struct{})}
		c.plats[id] = pc
	}
	return pc
}

// peak is the largest number of fetches of platform id seen in flight.
func (c *counter) peak(id quota.PlatformID) int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.plat(string(id)).peak
}

func (c *counter) fetch(ctx context.Context, t quota.Target) (quota.Account, error) {
	c.mu.Lock()
	c.calls[t.Key]++
	pc := c.plat(t.Key)
	pc.cur++
	pc.peak = max(pc.peak, pc.cur)
	pc.arrived++
	if pc.arrived == c.bound {
		close(pc.full)
	}
	early := pc.arrived <= c.bound
	full := pc.full
	c.mu.Unlock()
	defer func() { c.mu.Lock(); pc.cur--; c.mu.Unlock() }()
	if early {
		select {
		case <-full:
		case <-ctx.Done():
			return quota.Account{}, ctx.Err()
		}
		time.Sleep(10 * time.Millisecond)
	}
	if c.hold != nil {
		select {
		case <-c.hold:
		case <-ctx.Done():
			return quota.Account{}, ctx.Err()
		}
	}
	return quota.Account{Windows: []quota.Window{{Kind: quota.KindRate, UsedPct: 1}}}, nil
}

// perAccount returns the largest and smallest number of fetches of one
// account among keys.
func (c *counter) perAccount(keys []string) (lo, hi int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	lo = -1
	for _, k := range keys {
		n := c.calls[k]
		if lo < 0 || n < lo {
			lo = n
		}
		hi = max(hi, n)
	}
	return lo, hi
}

// accounts builds n targets for platform id.
func accounts(id quota.PlatformID, n int) ([]quota.Target, []string) {
	ts := make([]quota.Target, n)
	keys := make([]string, n)
	for i := range ts {
		ts[i] = quota.Target{Key: fmt.Sprintf("%s:%04d", id, i), Name: fmt.Sprintf("user%04d@example.com", i)}
		keys[i] = ts[i].Key
	}
	return ts, keys
}

// scaleService is 500 accounts over two platforms (450 + 50), each with a
// bound of 16, all counted by c.
func scaleService(c *counter, ttl time.Duration) (*Service, []string) {
	g, gk := accounts("antigravity", 450)
	o, ok := accounts("openai", 50)
	s := &Service{
		Providers: []quota.Provider{
			&fake{id: "openai", targets: o, fetch: c.fetch},
			&fake{id: "antigravity", targets: g, fetch: c.fetch},
		},
		MaxInFlight: 16,
		TTL:         ttl,
		Timeout:     30 * time.Second,
	}
	return s, append(ok, gk...)
}

func TestBoundHoldsAt500Accounts(t *testing.T) { synctest.Test(t, testBoundHoldsAt500Accounts) }

func testBoundHoldsAt500Accounts(t *testing.T) {
	c := newCounter(16)
	s, keys := scaleService(c, 0)
	rep := s.Collect(context.Background(), Request{})
	if rep.Failed() {
		t.Fatalf("report failed: %+v", rep.Results)
	}
	for _, id := range []quota.PlatformID{"openai", "antigravity"} {
		if p := c.peak(id); p != 16 {
			t.Fatalf("%s: peak fetches in flight %d, want exactly the bound 16", id, p)
		}
	}
	if lo, hi := c.perAccount(keys); lo != 1 || hi != 1 {
		t.Fatalf("fetches per account between %d and %d, want 1", lo, hi)
	}
}

func TestSecondReportWithinTTLMakesNoCallAt500Accounts(t *testing.T) {
	synctest.Test(t, testSecondReportWithinTTL)
}

func testSecondReportWithinTTL(t *testing.T) {
	c := newCounter(16)
	s, keys := scaleService(c, time.Hour)
	s.Collect(context.Background(), Request{})
	rep := s.Collect(context.Background(), Request{})
	if lo, hi := c.perAccount(keys); lo != 1 || hi != 1 {
		t.Fatalf("fetches per account between %d and %d after two reports within the TTL, want 1", lo, hi)
	}
	for _, r := range rep.Results {
		if !r.Cached || len(r.Accounts) == 0 {
			t.Fatalf("%s: cached=%v, %d accounts", r.Platform, r.Cached, len(r.Accounts))
		}
	}
}

func TestConcurrentReportsOneCallPerAccount(t *testing.T) {
	synctest.Test(t, testConcurrentReportsOneCallPerAccount)
}

func testConcurrentReportsOneCallPerAccount(t *testing.T) {
	c := newCounter(16)
	c.hold = make(chan struct{})
	// The host's set-up: a TTL. Each report's workers take the accounts
	// in the same order, so at any moment they wait on the same ones: an
	// account in flight is shared (coalesced), a finished one is cached.
	s, keys := scaleService(c, time.Hour)
	s.init() // allWaiting reads s.calls
	const reports = 8
	var wg sync.WaitGroup
	failed := make([]bool, reports)
	for i := range reports {
		wg.Go(func() { failed[i] = s.Collect(context.Background(), Request{}).Failed() })
	}
	// Release the upstream only once every report waits on the first
	// accounts of each platform (as many as the bound lets run), so the
	// first fetches are shared by all of them.
	deadline := time.Now().Add(20 * time.Second) // virtual time in the bubble
	for !allWaiting(s, 2*16, reports) {
		if time.Now().After(deadline) {
			close(c.hold)
			t.Fatal("reports never all waited on every account")
		}
		time.Sleep(time.Millisecond)
	}
	close(c.hold)
	wg.Wait()
	for i, f := range failed {
		if f {
			t.Fatalf("report %d failed", i)
		}
	}
	for _, id := range []quota.PlatformID{"openai", "antigravity"} {
		if p := c.peak(id); p != 16 {
			t.Fatalf("%s: peak fetches in flight %d, want the bound 16", id, p)
		}
	}
	if lo, hi := c.perAccount(keys); lo != 1 || hi != 1 {
		t.Fatalf("fetches per account between %d and %d for %d identical concurrent reports, want 1", lo, hi, reports)
	}
}

// allWaiting reports whether n shared fetches are registered, each with
// the given number of waiters.
func allWaiting(s *Service, n, waiters int) bool {
	s.init() // orders this read after the service's lazy set-up
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.calls) != n {
		return false
	}
	for _, c := range s.calls {
		if c.waiters != waiters {
			return false
		}
	}
	return true
}

// Many accounts of one platform never delay another platform: with the
// first platform's every fetch held, the second one's report part is
// complete.
func TestPlatformsDoNotWaitForEachOther(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		hold := make(chan struct{})
		busy, _ := accounts("antigravity", 200)
		quick, _ := accounts("copilot", 3)
		var copilotDone atomic.Bool
		s := &Service{
			Providers: []quota.Provider{
				&fake{id: "antigravity", targets: busy, fetch: func(ctx context.Context, _ quota.Target) (quota.Account, error) {
					select {
					case <-hold:
					case <-ctx.Done():
					}
					return quota.Account{}, nil
				}},
				&fake{id: "copilot", targets: quick},
			},
			MaxInFlight: 4,
			Timeout:     time.Minute,
		}
		done := make(chan quota.Report)
		go func() {
			done <- s.Collect(context.Background(), Request{Progress: func(_, _ int, p quota.PlatformID) {
				if p == "copilot" {
					copilotDone.Store(true)
				}
			}})
		}()
		synctest.Wait() // every goroutine is blocked: Antigravity on hold
		if !copilotDone.Load() {
			t.Fatal("Copilot waited for Antigravity's accounts")
		}
		close(hold)
		if rep := <-done; rep.Failed() {
			t.Fatalf("report failed: %+v", rep.Results)
		}
	})
}

// TestGoroutinesBoundedAt500Accounts: a report of 500 accounts runs as
// many fetches as the bound lets run, not a goroutine per account: with
// every fetch held, the goroutines it adds stay near 2 per slot (the
// worker and the shared fetch), far below the 1000 that a goroutine per
// account (and its shared fetch) would make.
func TestGoroutinesBoundedAt500Accounts(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newCounter(16)
		c.hold = make(chan struct{})
		s, _ := scaleService(c, 0)
		s.init()
		before := runtime.NumGoroutine()
		done := make(chan quota.Report, 1)
		go func() { done <- s.Collect(context.Background(), Request{}) }()
		synctest.Wait() // every fetch that can start has started and waits on hold
		added := runtime.NumGoroutine() - before
		close(c.hold)
		if rep := <-done; rep.Failed() {
			t.Fatalf("report failed: %+v", rep.Results)
		}
		// 2 platforms × 16 slots × (worker + shared fetch), the
		// collector, one per platform and their watchers: about 70.
		if added > 100 {
			t.Fatalf("%d goroutines while 32 fetches run, want at most 100", added)
		}
	})
}

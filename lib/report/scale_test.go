package report

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mystatus/mystatus/lib/quota"
)

// counter is a fetch that counts calls per account and fetches in flight.
// The first bound fetches wait until all of them have arrived (so the peak
// reaches the bound whatever the scheduling) and then a little longer, so
// that a broken bound would let more fetches in while they are held.
type counter struct {
	bound   int64
	cur     atomic.Int64
	peak    atomic.Int64
	arrived atomic.Int64
	full    chan struct{}
	once    sync.Once
	// hold, when set, keeps every fetch from returning until closed.
	hold chan struct{}

	mu    sync.Mutex
	calls map[string]int
}

func newCounter(bound int) *counter {
	return &counter{bound: int64(bound), full: make(chan struct{}), calls: map[string]int{}}
}

func (c *counter) fetch(ctx context.Context, t quota.Target) (quota.Account, error) {
	c.mu.Lock()
	c.calls[t.Key]++
	c.mu.Unlock()
	n := c.cur.Add(1)
	defer c.cur.Add(-1)
	for p := c.peak.Load(); n > p && !c.peak.CompareAndSwap(p, n); p = c.peak.Load() {
	}
	if c.arrived.Add(1) == c.bound {
		c.once.Do(func() { close(c.full) })
	}
	select {
	case <-c.full:
	case <-ctx.Done():
		return quota.Account{}, ctx.Err()
	}
	if c.arrived.Load() <= c.bound {
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

// scaleService is 500 accounts over two platforms (450 + 50) sharing one
// bound of 16, all counted by c.
func scaleService(c *counter, ttl time.Duration) (*Service, []string) {
	g, gk := accounts(quota.Antigravity, 450)
	o, ok := accounts(quota.OpenAI, 50)
	s := &Service{
		Providers: []quota.Provider{
			&fake{id: quota.OpenAI, targets: o, fetch: c.fetch},
			&fake{id: quota.Antigravity, targets: g, fetch: c.fetch},
		},
		MaxInFlight: 16,
		TTL:         ttl,
		Timeout:     30 * time.Second,
	}
	return s, append(ok, gk...)
}

func TestBoundHoldsAt500Accounts(t *testing.T) {
	c := newCounter(16)
	s, keys := scaleService(c, 0)
	rep := s.Collect(context.Background(), Request{})
	if rep.Failed() {
		t.Fatalf("report failed: %+v", rep.Results)
	}
	if p := c.peak.Load(); p != 16 {
		t.Fatalf("peak fetches in flight %d, want exactly the bound 16", p)
	}
	if lo, hi := c.perAccount(keys); lo != 1 || hi != 1 {
		t.Fatalf("fetches per account between %d and %d, want 1", lo, hi)
	}
}

func TestSecondReportWithinTTLMakesNoCallAt500Accounts(t *testing.T) {
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
	c := newCounter(16)
	c.hold = make(chan struct{})
	s, keys := scaleService(c, 0) // no TTL: only coalescing can share
	s.init()                      // allWaiting reads s.calls
	const reports = 8
	var wg sync.WaitGroup
	failed := make([]bool, reports)
	for i := range reports {
		wg.Go(func() { failed[i] = s.Collect(context.Background(), Request{}).Failed() })
	}
	// Release the upstream only once every report waits on every account,
	// so no account can finish before a report asks for it.
	deadline := time.Now().Add(20 * time.Second)
	for !allWaiting(s, len(keys), reports) {
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
	if p := c.peak.Load(); p != 16 {
		t.Fatalf("peak fetches in flight %d, want the bound 16", p)
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

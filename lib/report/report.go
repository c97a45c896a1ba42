// Package report runs every configured platform concurrently and in
// isolation and assembles their results, in the fixed platform order, into
// a [quota.Report].
//
// Each platform gets its own deadline and panic recovery; each platform has
// its own bound on account fetches in flight (a platform talks to its own
// upstream hosts, so many Google accounts never delay Copilot); results are
// cached per account for a TTL and identical concurrent requests share one
// upstream call.
package report

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mystatus/mystatus/lib/quota"
)

// DefaultMaxInFlight bounds the account fetches of one platform running at
// once. A platform's accounts go to one upstream host family, where HTTP/2
// multiplexes them on one connection; 64 sends a typical user's accounts
// (up to ~50) out in one wave, while 500 accounts still go out in waves of
// 64, never as 500 connections.
const DefaultMaxInFlight = 64

// Service produces reports. Configure the fields, then share it; it is
// safe for concurrent use.
type Service struct {
	// Providers in report order.
	Providers []quota.Provider
	// Timeout bounds one HTTP request; a platform's whole work ends within
	// 1.5× it.
	Timeout time.Duration
	// MaxInFlight bounds the concurrent account fetches of each platform
	// (DefaultMaxInFlight when zero).
	MaxInFlight int
	// TTL keeps account results for reuse; zero disables caching.
	TTL time.Duration
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// Demo marks reports as built from fake platforms.
	Demo bool

	once  sync.Once
	mu    sync.Mutex
	sems  map[quota.PlatformID]chan struct{} // guarded by mu
	cache map[string]cached
	calls map[string]*call
	gen   atomic.Uint64 // bumped whenever a cache entry is written
}

type cached struct {
	acct quota.Account
	at   time.Time
}

// Request selects what a report covers.
type Request struct {
	// Platforms limits the report to these platforms (all when empty).
	Platforms []quota.PlatformID
	// Refresh bypasses the cache.
	Refresh bool
	// Progress, when set, is called as each selected platform finishes
	// (unconfigured ones finish at once), from the platform's goroutine.
	Progress func(done, total int, p quota.PlatformID)
}

func (s *Service) init() {
	s.once.Do(func() {
		s.sems = map[quota.PlatformID]chan struct{}{}
		s.cache = map[string]cached{}
		s.calls = map[string]*call{}
	})
}

// sem is the in-flight bound of platform id.
func (s *Service) sem(id quota.PlatformID) chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.sems[id]
	if !ok {
		c = make(chan struct{}, s.bound())
		s.sems[id] = c
	}
	return c
}

// bound is the per-platform in-flight bound.
func (s *Service) bound() int {
	if s.MaxInFlight <= 0 {
		return DefaultMaxInFlight
	}
	return s.MaxInFlight
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Budget is the time a platform may take in all: 1.5× the request timeout.
func (s *Service) Budget() time.Duration {
	t := s.Timeout
	if t <= 0 {
		t = 10 * time.Second
	}
	return t + t/2
}

// Generation changes whenever a cached result changes. Two reports made
// entirely from the cache (every Result.Cached) at the same generation hold
// the same accounts, so their rendering can be reused.
func (s *Service) Generation() uint64 { return s.gen.Load() }

// Platforms describes every platform without network access.
func (s *Service) Platforms() []quota.Info {
	out := make([]quota.Info, 0, len(s.Providers))
	for _, p := range s.Providers {
		out = append(out, p.Info())
	}
	return out
}

// Collect runs the selected, configured platforms and returns the report.
// Platforms without credentials are left out. It returns when every
// platform has finished or its budget is spent, or ctx is done.
func (s *Service) Collect(ctx context.Context, req Request) quota.Report {
	s.init()
	rep := quota.Report{GeneratedAt: s.now(), Demo: s.Demo}
	var chosen []quota.Provider
	for _, p := range s.Providers {
		if len(req.Platforms) == 0 || slices.Contains(req.Platforms, p.ID()) {
			chosen = append(chosen, p)
		}
	}
	slots := make([]*quota.Result, len(chosen))
	var wg sync.WaitGroup
	var mu sync.Mutex
	done, total := 0, len(chosen)
	for i, p := range chosen {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res := s.runPlatform(ctx, p, req.Refresh)
			slots[i] = res
			if req.Progress != nil {
				mu.Lock()
				done++
				d := done
				mu.Unlock()
				req.Progress(d, total, p.ID())
			}
		}()
	}
	wg.Wait()
	for _, r := range slots {
		if r != nil {
			rep.Results = append(rep.Results, *r)
		}
	}
	if len(rep.Results) == 0 {
		rep.Supported = s.Platforms()
	}
	return rep
}

// runPlatform queries one platform within its budget. It returns nil when
// the platform is not configured.
func (s *Service) runPlatform(ctx context.Context, p quota.Provider, refresh bool) (res *quota.Result) {
	start := s.now()
	ctx, cancel := context.WithTimeout(ctx, s.Budget())
	defer cancel()
	id := p.ID()
	defer func() {
		if r := recover(); r != nil {
			res = &quota.Result{Platform: id, Err: panicErr(r)}
		}
		if res != nil {
			res.Duration = s.now().Sub(start)
		}
	}()
	targets, err := p.Discover(ctx)
	if errors.Is(err, quota.ErrNotConfigured) {
		return nil
	}
	if err != nil {
		return &quota.Result{Platform: id, Err: err}
	}
	if len(targets) == 0 {
		return nil
	}
	accts := make([]quota.Account, len(targets))
	// Results are recorded under mu; once the budget is spent the slice is
	// closed, so a late fetch cannot write into a returned result.
	var (
		mu     sync.Mutex
		closed bool
		filled = make([]bool, len(targets))
		missed bool // some account did not come from the cache
		wg     sync.WaitGroup
	)
	var todo []int // targets to fetch, by index
	for i, t := range targets {
		if t.Err != nil {
			accts[i], filled[i], missed = quota.Account{Name: t.Name, Err: t.Err}, true, true
			continue
		}
		// Fresh cached accounts are taken here, without a worker: a
		// report served wholly from the cache starts no goroutine.
		if a, ok := s.cachedAccount(p, t, refresh); ok {
			accts[i], filled[i] = a, true
			continue
		}
		todo = append(todo, i)
	}
	if len(todo) == 0 {
		return &quota.Result{Platform: id, Accounts: dedupe(accts), Cached: !missed}
	}
	// At most the in-flight bound of workers take the targets in turn: a
	// goroutine (with its context and timer) per account, most of them
	// only waiting for the semaphore, cost 500 accounts megabytes.
	var next atomic.Int64
	for range min(len(todo), s.bound()) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				n := int(next.Add(1) - 1)
				if n >= len(todo) || ctx.Err() != nil {
					return
				}
				i := todo[n]
				a, hit := s.fetch(ctx, p, targets[i], refresh)
				mu.Lock()
				if !closed {
					accts[i], filled[i] = a, true
					missed = missed || !hit
				}
				mu.Unlock()
			}
		}()
	}
	// Each fetch honours ctx, so Wait returns within the budget; a
	// provider that ignored ctx is abandoned at the deadline instead, its
	// unfinished accounts reported as timed out and the finished ones kept.
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	select {
	case <-finished:
	case <-ctx.Done():
	}
	mu.Lock()
	defer mu.Unlock()
	closed = true
	for i, ok := range filled {
		if !ok {
			accts[i], missed = quota.Account{Name: targets[i].Name, Err: ctxErr(ctx)}, true
		}
	}
	return &quota.Result{Platform: id, Accounts: dedupe(accts), Cached: !missed}
}

// dedupe drops an account whose Identity an earlier one has: two
// credential stores signed in to one account (OpenCode's and Claude Code's
// own login) are shown once, as the earlier store's. The order is kept.
func dedupe(accts []quota.Account) []quota.Account {
	if len(accts) < 2 {
		return accts
	}
	out := make([]quota.Account, 0, len(accts))
	seen := map[string]bool{}
	for _, a := range accts {
		if a.Identity != "" {
			if seen[a.Identity] {
				continue
			}
			seen[a.Identity] = true
		}
		out = append(out, a)
	}
	return out
}

// call is one upstream fetch shared by every request that wants the same
// account at the same time.
type call struct {
	done    chan struct{}
	acct    quota.Account
	waiters int
	cancel  context.CancelFunc
}

// fetch returns one account, from cache when fresh, sharing concurrent
// identical requests, bounded by the in-flight semaphore. The shared fetch
// runs on its own context so one waiter leaving does not fail the others;
// it is cancelled when the last waiter leaves.
func (s *Service) fetch(ctx context.Context, p quota.Provider, t quota.Target, refresh bool) (quota.Account, bool) {
	key := cacheKey(p, t)
	s.mu.Lock()
	if a, ok := s.fresh(key, refresh); ok {
		s.mu.Unlock()
		return a, true
	}
	c, ok := s.calls[key]
	if ok {
		c.waiters++
	} else {
		dl, ok := ctx.Deadline()
		if !ok {
			dl = s.now().Add(s.Budget())
		}
		shared, cancel := context.WithDeadline(context.WithoutCancel(ctx), dl)
		c = &call{done: make(chan struct{}), waiters: 1, cancel: cancel}
		s.calls[key] = c
		go func() {
			c.acct = s.fetchNow(shared, p, t)
			s.mu.Lock()
			delete(s.calls, key)
			if c.acct.Err == nil && s.TTL > 0 {
				s.cache[key] = cached{acct: c.acct, at: s.now()}
				s.gen.Add(1)
			}
			s.mu.Unlock()
			cancel()
			close(c.done)
		}()
	}
	s.mu.Unlock()
	select {
	case <-c.done:
		return c.acct, false
	case <-ctx.Done():
		s.mu.Lock()
		c.waiters--
		if c.waiters == 0 {
			c.cancel()
		}
		s.mu.Unlock()
		return quota.Account{Name: t.Name, Err: ctxErr(ctx)}, false
	}
}

// cacheKey is the cache and coalescing key of one account.
func cacheKey(p quota.Provider, t quota.Target) string { return string(p.ID()) + "\x00" + t.Key }

// fresh returns the cached account under key when it is within the TTL
// and no refresh is asked; s.mu must be held.
func (s *Service) fresh(key string, refresh bool) (quota.Account, bool) {
	c, ok := s.cache[key]
	if !ok || s.TTL <= 0 || refresh || s.now().Sub(c.at) >= s.TTL {
		return quota.Account{}, false
	}
	return c.acct, true
}

// cachedAccount is [Service.fresh] for one target, taking the lock.
func (s *Service) cachedAccount(p quota.Provider, t quota.Target, refresh bool) (quota.Account, bool) {
	key := cacheKey(p, t)
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fresh(key, refresh)
}

// ctxErr classifies a finished context: canceled or timed out.
func ctxErr(ctx context.Context) error {
	if errors.Is(ctx.Err(), context.Canceled) {
		return &quota.Error{Kind: quota.KindCanceled, Err: ctx.Err()}
	}
	return &quota.Error{Kind: quota.KindTimeout, Err: ctx.Err()}
}

func (s *Service) fetchNow(ctx context.Context, p quota.Provider, t quota.Target) (a quota.Account) {
	defer func() {
		if r := recover(); r != nil {
			a = quota.Account{Name: t.Name, Err: panicErr(r)}
		}
	}()
	sem := s.sem(p.ID())
	select {
	case sem <- struct{}{}:
	case <-ctx.Done():
		return quota.Account{Name: t.Name, Err: ctxErr(ctx)}
	}
	defer func() { <-sem }()
	acct, err := p.Fetch(ctx, t)
	if err != nil {
		acct.Err = err
	}
	acct = sanitize(acct)
	if acct.Name == "" {
		acct.Name = t.Name
	}
	return acct
}

func panicErr(r any) error {
	return &quota.Error{Kind: quota.KindInternal, Detail: fmt.Sprintf("panic: %v", r), Err: fmt.Errorf("%v\n%s", r, debug.Stack())}
}

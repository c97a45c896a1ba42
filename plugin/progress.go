package plugin

import (
	"sync"
	"time"
)

// Progress pacing. The TypeScript MCP SDK drops a progress notification
// that arrives in the same read as the result of its request ("unknown
// token"), and Claude Code then logs the STDIO connection as dropped, once
// per notification. So a notification is sent only while the reply is
// still clearly far off:
//   - none in the first progressGrace of a call: a fast call (a cache hit,
//     quick platforms) sends none at all;
//   - none for the last platform: the reply itself says "done";
//   - coalesced: at most one per progressEvery, carrying the latest count,
//     so a burst of platforms finishing together is one notification;
//   - the reply waits until progressSettle has passed since the last
//     notification, so the two never travel in one write.
//
// Slow calls still show progress, from progressGrace on.
const (
	progressGrace  = 500 * time.Millisecond
	progressEvery  = 250 * time.Millisecond
	progressSettle = 50 * time.Millisecond
)

// pacing is the timing of a progressGate.
type pacing struct{ grace, every, settle time.Duration }

var defaultPacing = pacing{grace: progressGrace, every: progressEvery, settle: progressSettle}

// progressGate paces the notifications of one request (see progressGrace).
// It uses the time package directly, so tests run it under testing/synctest.
type progressGate struct {
	p    pacing
	send func(done, total int, message string)

	mu       sync.Mutex
	start    time.Time
	last     time.Time // when the last notification was sent; zero: none
	timer    *time.Timer
	pending  bool
	done     int
	total    int
	message  string
	finished bool
}

func newProgressGate(p pacing, send func(done, total int, message string)) *progressGate {
	return &progressGate{p: p, send: send, start: time.Now()}
}

// update records that done of total platforms have finished, the latest
// being message. It never blocks on the connection.
func (g *progressGate) update(done, total int, message string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.finished || done <= g.done {
		return
	}
	if done >= total {
		// The last platform: the reply follows at once. Anything pending
		// would only race it.
		g.pending = false
		if g.timer != nil {
			g.timer.Stop()
		}
		return
	}
	g.done, g.total, g.message, g.pending = done, total, message, true
	if g.timer != nil {
		return // already scheduled; it will carry the latest count
	}
	at := g.start.Add(g.p.grace)
	if !g.last.IsZero() {
		at = later(at, g.last.Add(g.p.every))
	}
	g.timer = time.AfterFunc(time.Until(at), g.fire)
}

// fire sends the pending notification, unless the request finished
// meanwhile. Sending under the lock makes finish wait for a send in
// progress, so it sees when it happened.
func (g *progressGate) fire() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.timer = nil
	if g.finished || !g.pending {
		return
	}
	g.pending = false
	g.send(g.done, g.total, g.message)
	g.last = time.Now()
}

// finish stops all further notifications and returns how long the reply
// should wait so that it does not follow the last notification too
// closely.
func (g *progressGate) finish() time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.finished = true
	if g.timer != nil {
		g.timer.Stop()
		g.timer = nil
	}
	if g.last.IsZero() {
		return 0
	}
	return max(0, time.Until(g.last.Add(g.p.settle)))
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// Package bench measures mystatus against loopback fakes with injected
// latency, for `make bench` (scripts/bench.sh). It holds the fakes and
// fixtures; the driver itself is TestDriver, which runs only when
// MYSTATUS_BENCH_OUT names the markdown file to write.
//
// Nothing here reaches the network: every server listens on 127.0.0.1 and
// every credential is a fake carrying "CANARY".
package bench

import (
	"context"
	"io"
	"log"
	"maps"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Fake is a loopback HTTP server that holds every request for Latency
// before handing it to its handler, and counts requests: in flight now,
// the peak in flight, the total and the total per path.
type Fake struct {
	// URL is the server's base URL (http://127.0.0.1:port).
	URL string
	// Latency is added to every request.
	Latency time.Duration

	h   http.Handler
	srv *http.Server

	cur, peak, total atomic.Int64
	mu               sync.Mutex
	paths            map[string]int
}

// Start serves h on a loopback port with the given latency.
func Start(latency time.Duration, h http.Handler) (*Fake, error) {
	var lc net.ListenConfig
	ln, err := lc.Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	f := &Fake{URL: "http://" + ln.Addr().String(), Latency: latency, h: h, paths: map[string]int{}}
	f.srv = &http.Server{Handler: f, ReadHeaderTimeout: 10 * time.Second, ErrorLog: log.New(io.Discard, "", 0)}
	go f.srv.Serve(ln)
	return f, nil
}

// ServeHTTP counts the request, waits Latency (or until the client
// leaves) and answers with the handler.
func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := f.cur.Add(1)
	defer f.cur.Add(-1)
	for p := f.peak.Load(); n > p && !f.peak.CompareAndSwap(p, n); p = f.peak.Load() {
	}
	f.total.Add(1)
	f.mu.Lock()
	f.paths[r.URL.Path]++
	f.mu.Unlock()
	if f.Latency > 0 {
		t := time.NewTimer(f.Latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	f.h.ServeHTTP(w, r)
}

// Stats are a Fake's counters.
type Stats struct {
	Total int64          // requests received
	Peak  int64          // most requests in flight at once
	Paths map[string]int // requests by URL path
}

// Stats returns the counters since Start or the last Reset.
func (f *Fake) Stats() Stats {
	f.mu.Lock()
	defer f.mu.Unlock()
	return Stats{Total: f.total.Load(), Peak: f.peak.Load(), Paths: maps.Clone(f.paths)}
}

// Reset zeroes the counters; call it with no request in flight.
func (f *Fake) Reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.total.Store(0)
	f.peak.Store(0)
	f.paths = map[string]int{}
}

// Close stops the server.
func (f *Fake) Close() { f.srv.Close() }

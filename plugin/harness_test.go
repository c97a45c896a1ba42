package plugin

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"github.com/mystatus/mystatus/lib/quota"
	"github.com/mystatus/mystatus/lib/report"
)

// guard bounds every wait so a broken host fails the test instead of
// hanging it; it is never what a test asserts.
const guard = 20 * time.Second

// fakeProvider is an in-test platform. It counts Fetch calls per account
// and can hold them until released.
type fakeProvider struct {
	id       quota.PlatformID
	accounts []string
	// block, when set, holds every Fetch until it is closed or the
	// fetch is cancelled.
	block chan struct{}
	// entered receives the account of every Fetch as it starts.
	entered chan string
	// plan is the plan name reported (it reaches the markdown).
	plan string

	mu      sync.Mutex
	fetches map[string]int
	aborted atomic.Int64
	abortC  chan struct{} // one value per aborted fetch; see aborts
}

// aborts receives once per fetch that saw its context end. The report
// service cancels a shared fetch when its last waiter leaves, after the
// request has returned, so tests wait on this rather than poll aborted.
func (p *fakeProvider) aborts() chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.abortC == nil {
		p.abortC = make(chan struct{}, 64)
	}
	return p.abortC
}

// waitAbort waits for one aborted fetch of p.
func waitAbort(t *testing.T, p *fakeProvider) {
	t.Helper()
	select {
	case <-p.aborts():
	case <-time.After(guard):
		t.Fatal("the upstream fetch was not cancelled")
	}
}

func (p *fakeProvider) ID() quota.PlatformID { return p.id }

func (p *fakeProvider) Info() quota.Info {
	return quota.Info{ID: p.id, Configured: len(p.accounts) > 0,
		Sources: []quota.Source{{Path: "/fake/" + string(p.id) + ".json", What: "test fixture"}}}
}

func (p *fakeProvider) Discover(context.Context) ([]quota.Target, error) {
	if len(p.accounts) == 0 {
		return nil, quota.ErrNotConfigured
	}
	var ts []quota.Target
	for _, a := range p.accounts {
		ts = append(ts, quota.Target{Key: a, Name: a})
	}
	return ts, nil
}

func (p *fakeProvider) Fetch(ctx context.Context, t quota.Target) (quota.Account, error) {
	p.mu.Lock()
	if p.fetches == nil {
		p.fetches = map[string]int{}
	}
	p.fetches[t.Key]++
	p.mu.Unlock()
	if p.entered != nil {
		select {
		case p.entered <- t.Key:
		default:
		}
	}
	if p.block != nil {
		select {
		case <-p.block:
		case <-ctx.Done():
			p.aborted.Add(1)
			select {
			case p.aborts() <- struct{}{}:
			default:
			}
			return quota.Account{}, ctx.Err()
		}
	}
	plan := p.plan
	if plan == "" {
		plan = "pro"
	}
	return quota.Account{Name: t.Name, Plan: plan, Windows: []quota.Window{
		{Kind: quota.KindRate, Period: 5 * time.Hour, UsedPct: 40, ResetAt: time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)},
	}}, nil
}

func (p *fakeProvider) count(key string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.fetches[key]
}

// session is a host served over pipes, driven with raw frames.
type session struct {
	t     *testing.T
	h     *host
	in    *io.PipeWriter
	lines chan string // NDJSON frames (or LSP bodies) written by the host
	all   []string    // every frame, in order
	mu    sync.Mutex
	done  chan error
}

type sessionOpt func(*Options, *host)

func withFraming(f string) sessionOpt { return func(o *Options, _ *host) { o.Framing = f } }

func withEnv(env map[string]string) sessionOpt {
	return func(o *Options, _ *host) { o.Getenv = func(k string) string { return env[k] } }
}

func withHost(f func(*host)) sessionOpt {
	return func(_ *Options, h *host) {
		if h != nil {
			f(h)
		}
	}
}

func newService(ps ...quota.Provider) *report.Service {
	return &report.Service{Providers: ps, Timeout: 10 * time.Second, TTL: time.Minute,
		Now: func() time.Time { return time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC) }}
}

func start(t *testing.T, svc *report.Service, opts ...sessionOpt) *session {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	o := Options{In: inR, Out: outW, Service: svc, Version: "1.2.3",
		Getenv: func(string) string { return "" },
		Now:    func() time.Time { return time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC) }}
	for _, f := range opts {
		f(&o, nil)
	}
	if o.Framing == "" {
		o.Framing = FramingAuto
	}
	h := newHost(o)
	for _, f := range opts {
		f(&o, h)
	}
	s := &session{t: t, h: h, in: inW, lines: make(chan string, 1024), done: make(chan error, 1)}
	go func() {
		err := h.serve(context.Background())
		outW.Close()
		s.done <- err
	}()
	go func() {
		defer close(s.lines)
		r := bufio.NewReaderSize(outR, 1<<20)
		for {
			frame, err := readFrame(r)
			if err != nil {
				return
			}
			s.mu.Lock()
			s.all = append(s.all, frame)
			s.mu.Unlock()
			s.lines <- frame
		}
	}()
	t.Cleanup(func() {
		inW.Close()
		select {
		case <-s.done:
		case <-time.After(guard):
			t.Errorf("host did not stop")
		}
	})
	return s
}

// readFrame reads one NDJSON line or one Content-Length frame, whichever
// the host wrote.
func readFrame(r *bufio.Reader) (string, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		return "", err
	}
	if !strings.HasPrefix(line, "Content-Length: ") {
		return strings.TrimSuffix(line, "\n"), nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(line, "Content-Length: ")))
	if err != nil {
		return "", err
	}
	if blank, err := r.ReadString('\n'); err != nil || blank != "\r\n" {
		return "", fmt.Errorf("bad header end %q", blank)
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(r, body); err != nil {
		return "", err
	}
	return "LSP:" + string(body), nil
}

// send writes raw bytes to the host.
func (s *session) send(raw string) {
	s.t.Helper()
	if _, err := io.WriteString(s.in, raw); err != nil {
		s.t.Fatalf("send: %v", err)
	}
}

// sendLine writes one NDJSON message.
func (s *session) sendLine(msg string) { s.t.Helper(); s.send(msg + "\n") }

// recv returns the next frame.
func (s *session) recv() gjson.Result {
	s.t.Helper()
	select {
	case l, ok := <-s.lines:
		if !ok {
			s.t.Fatalf("host output ended")
		}
		return gjson.Parse(strings.TrimPrefix(l, "LSP:"))
	case <-time.After(guard):
		s.t.Fatalf("no frame from the host")
	}
	return gjson.Result{}
}

// reply returns the next frame that is a reply (skipping notifications).
func (s *session) reply() gjson.Result {
	s.t.Helper()
	for {
		m := s.recv()
		if !m.Get("method").Exists() {
			return m
		}
	}
}

// call sends a request and returns its reply, which must be the next one.
func (s *session) call(id any, method string, params string) gjson.Result {
	s.t.Helper()
	idJSON := fmt.Sprint(id)
	if str, ok := id.(string); ok {
		idJSON = strconv.Quote(str)
	}
	msg := `{"jsonrpc":"2.0","id":` + idJSON + `,"method":"` + method + `"`
	if params != "" {
		msg += `,"params":` + params
	}
	s.sendLine(msg + "}")
	r := s.reply()
	if r.Get("id").Raw != idJSON {
		s.t.Fatalf("reply id %s, want %s: %s", r.Get("id").Raw, idJSON, r.Raw)
	}
	return r
}

// finish closes the input and returns every frame the host wrote.
func (s *session) finish() []string {
	s.t.Helper()
	s.in.Close()
	for range s.lines {
	}
	select {
	case err := <-s.done:
		if err != nil {
			s.t.Errorf("serve: %v", err)
		}
		s.done <- err
	case <-time.After(guard):
		s.t.Fatalf("host did not stop after EOF")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.all...)
}

const modernMeta = `"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},"io.modelcontextprotocol/clientInfo":{"name":"t","version":"0"}}`

func jsonValid(s string) bool { return gjson.Valid(s) && gjson.Get(s, "jsonrpc").Str == "2.0" }

// Package plugin is the JSON-RPC plugin host behind `mystatus serve`.
//
// It speaks JSON-RPC 2.0 on a reader and a writer (stdin and stdout) with
// github.com/sourcegraph/jsonrpc2, through its own ObjectStream that
// detects the framing (NDJSON or Content-Length), validates every message
// before the library sees it and answers bad input itself. It exposes a
// registry of commands (mystatus is the first) as MCP tools and prompts,
// in both MCP eras (the initialize-based revisions and the stateless
// 2026-07-28 one), and as a small native method set for embedders.
package plugin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/sourcegraph/jsonrpc2"
	"github.com/tidwall/gjson"

	"github.com/mystatus/mystatus/i18n"
	"github.com/mystatus/mystatus/lib/render"
	"github.com/mystatus/mystatus/lib/report"
)

// DrainTimeout bounds how long the host waits, after its input ends, for
// the replies of requests still running.
const DrainTimeout = 5 * time.Second

// Options configure [Serve].
type Options struct {
	// In and Out carry the frames (stdin and stdout). Only frames are
	// ever written to Out.
	In  io.Reader
	Out io.Writer
	// Log receives diagnostics (stderr); nothing is logged when nil.
	Log *slog.Logger
	// Service makes the reports.
	Service *report.Service
	// Getenv reads the environment (os.Getenv when nil).
	Getenv func(string) string
	// Lang is the language of requests that name none (the --lang flag
	// or the config file); when empty it is detected from Getenv
	// (MYSTATUS_LANG, then the locale, then English).
	Lang string
	// Framing is FramingAuto (default), FramingNDJSON or FramingLSP.
	Framing string
	// Version is the host version reported to clients.
	Version string
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// Render is the rendering template (failure explainer, time zone,
	// remaining or used); Now is set per report.
	Render render.Options
	// Doctor, when set, serves mystatus/doctor: it runs the checks in the
	// given language and returns {findings, markdown, exitCode}.
	Doctor func(ctx context.Context, lang string) (findings any, markdown string, exitCode int)
}

// Serve runs the host until In ends (after answering the requests still
// running, for at most DrainTimeout), ctx is cancelled (everything
// running is cancelled) or writing to Out fails. It returns nil on a clean
// end of input or cancellation.
func Serve(ctx context.Context, opts Options) error {
	switch opts.Framing {
	case "":
		opts.Framing = FramingAuto
	case FramingAuto, FramingNDJSON, FramingLSP:
	default:
		return fmt.Errorf("plugin: unknown framing %q (want auto, ndjson or lsp)", opts.Framing)
	}
	if opts.In == nil || opts.Out == nil || opts.Service == nil {
		return errors.New("plugin: In, Out and Service are required")
	}
	h := newHost(opts)
	return h.serve(ctx)
}

// host is one serving session.
type host struct {
	opts    Options
	log     *slog.Logger
	getenv  func(string) string
	now     func() time.Time
	st      *stream
	drainT  time.Duration
	promptT time.Duration
	pacing  pacing // of MCP progress notifications

	base     context.Context // cancelled when serving ends
	inflight sync.WaitGroup  // requests running in goroutines

	mu       sync.Mutex
	running  map[string]*running // by raw id
	legacyPV string              // version negotiated by initialize
	memo     *Memo               // renderings of cached reports
}

// running is one request executing in its own goroutine.
type running struct {
	cancel    context.CancelFunc
	cancelled bool // by the client: no reply is sent (guarded by host.mu)
}

func newHost(opts Options) *host {
	h := &host{opts: opts, running: map[string]*running{}, drainT: DrainTimeout, promptT: promptBudget, pacing: defaultPacing, memo: &Memo{}}
	h.log = opts.Log
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	h.getenv = opts.Getenv
	if h.getenv == nil {
		h.getenv = os.Getenv
	}
	h.now = opts.Now
	if h.now == nil {
		h.now = time.Now
	}
	h.st = newStream(opts.In, opts.Out, opts.Framing, h.log)
	return h
}

func (h *host) serve(ctx context.Context) error {
	base, cancel := context.WithCancel(ctx)
	defer cancel()
	h.base = base
	writeFailed := make(chan error, 1)
	h.st.onWrErr = func(err error) {
		select {
		case writeFailed <- err:
		default:
		}
	}
	h.st.drain = h.drain
	conn := jsonrpc2.NewConn(base, h.st, h, jsonrpc2.SetLogger(logAdapter{h.log}))
	select {
	case <-conn.DisconnectNotify():
		select {
		case err := <-writeFailed:
			return fmt.Errorf("plugin: writing replies: %w", err)
		default:
		}
		if err := h.st.readErr(); err != nil {
			return fmt.Errorf("plugin: reading requests: %w", err)
		}
		return nil
	case <-ctx.Done():
		cancel()
		_ = conn.Close()
		return nil
	case err := <-writeFailed:
		cancel()
		_ = conn.Close()
		return fmt.Errorf("plugin: writing replies: %w", err)
	}
}

// lang is the default language of requests.
func (h *host) lang() string {
	if i18n.Normalize(h.opts.Lang) != "" {
		return i18n.Match(h.opts.Lang)
	}
	return i18n.Detect("", h.getenv)
}

// drain waits, bounded, for requests running in goroutines to reply.
func (h *host) drain() {
	done := make(chan struct{})
	go func() { h.inflight.Wait(); close(done) }()
	t := time.NewTimer(h.drainT)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		h.log.Warn("input ended with requests still running; not waiting longer", "timeout", h.drainT)
	}
}

// logAdapter sends jsonrpc2's own messages to the host log.
type logAdapter struct{ log *slog.Logger }

func (l logAdapter) Printf(format string, v ...any) {
	l.log.Debug(fmt.Sprintf(format, v...))
}

// idKey is the cancel-map key of a request id: its canonical JSON, as
// jsonrpc2 encodes it.
func idKey(id jsonrpc2.ID) string {
	if !id.IsString {
		return strconv.FormatUint(id.Num, 10)
	}
	b, _ := json.Marshal(id.Str)
	return string(b)
}

// rawIDKey is the key of an id found in a cancellation notification.
func rawIDKey(v value) (string, bool) {
	if v.Type != gjson.String && v.Type != gjson.Number {
		return "", false
	}
	if m, ok := mapID(v); ok {
		b, _ := json.Marshal(m)
		return string(b), true
	}
	if v.Type == gjson.String {
		b, _ := json.Marshal(v.Str)
		return string(b), true
	}
	return v.Raw, true
}

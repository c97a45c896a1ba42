package plugin

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/sourcegraph/jsonrpc2"
)

// TestServeCancel: cancelling ctx (SIGINT/SIGTERM in main) stops the host
// and everything running, and Serve returns nil.
func TestServeCancel(t *testing.T) {
	p := &fakeProvider{id: "openai", accounts: []string{"a"}, block: make(chan struct{}), entered: make(chan string, 1)}
	defer close(p.block)
	inR, inW := io.Pipe()
	defer inW.Close()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		done <- Serve(ctx, Options{In: inR, Out: io.Discard, Service: newService(p), Getenv: func(string) string { return "" }})
	}()
	io.WriteString(inW, `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"mystatus"}}`+"\n")
	<-p.entered
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve: %v", err)
		}
	case <-time.After(guard):
		t.Fatal("Serve did not return")
	}
	waitAbort(t, p) // the fetch sees its context end
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }

// TestServeWriteFailure: when the output breaks, Serve ends with an error.
func TestServeWriteFailure(t *testing.T) {
	inR, inW := io.Pipe()
	defer inW.Close()
	done := make(chan error, 1)
	go func() { done <- Serve(t.Context(), Options{In: inR, Out: failWriter{}, Service: newService()}) }()
	io.WriteString(inW, `{"jsonrpc":"2.0","id":1,"method":"ping"}`+"\n")
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "broken pipe") {
			t.Fatalf("Serve: %v", err)
		}
	case <-time.After(guard):
		t.Fatal("Serve did not return")
	}
}

// TestServeLang: Options.Lang (the --lang flag) beats the environment; a
// request's lang argument beats both.
func TestServeLang(t *testing.T) {
	p := &fakeProvider{id: "openai", accounts: []string{"a"}}
	s := start(t, newService(p), withEnv(map[string]string{"MYSTATUS_LANG": "fr"}), func(o *Options, _ *host) { o.Lang = "zh_CN.UTF-8" })
	if got := s.call(1, "tools/call", `{"name":"mystatus"}`).Get("result.structuredContent.locale").Str; got != "zh" {
		t.Fatalf("locale %q, want zh", got)
	}
	if got := s.call(2, "tools/call", `{"name":"mystatus","arguments":{"lang":"en"}}`).Get("result.structuredContent.locale").Str; got != "en" {
		t.Fatalf("locale %q, want en", got)
	}
}

// FuzzReadObject: whatever the input, the stream never panics, returns
// only io.EOF as an error, and hands jsonrpc2 only requests it decodes
// faithfully; everything else is answered with a JSON error frame.
func FuzzReadObject(f *testing.F) {
	for _, seed := range []string{
		`{"jsonrpc":"2.0","id":1,"method":"ping"}`,
		`{"jsonrpc":"2.0","id":-5,"method":"ping"}`,
		`{"jsonrpc":"2.0","id":1.5,"method":"ping"}`,
		`{"jsonrpc":"2.0","id":18446744073709551615,"method":"ping"}`,
		`[{"jsonrpc":"2.0","id":1,"method":"ping"}]`,
		`{"jsonrpc":"2.0","id":1}`,
		`{"id":1,"id":1.5,"method":"x"}`,
		`{"jsonrpc":"2.0","id":9,"result":{}}`,
		"Content-Length: 40\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}",
		"content-length: 99999999999\r\n\r\n{}",
		"Content-Length: 5\r\n\r\n{\"id\"",
		"garbage\n{\"method\":7}\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var out bytes.Buffer
		s := newStream(bytes.NewReader(data), &out, FramingAuto, slog.New(slog.DiscardHandler))
		s.max = 1 << 10
		for range 1000 {
			var req jsonrpc2.Request
			err := s.ReadObject(&req)
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("ReadObject: %v", err)
			}
			if !req.Notif && !req.ID.IsString && req.ID.Num > math.MaxInt64 {
				t.Fatalf("id mangled: %d", req.ID.Num)
			}
		}
		for _, frame := range splitFrames(out.String()) {
			if !jsonValid(frame) {
				t.Fatalf("bad error frame %q", frame)
			}
		}
	})
}

// splitFrames splits the stream's output into message bodies.
func splitFrames(s string) []string {
	var frames []string
	for s != "" {
		if strings.HasPrefix(s, "Content-Length: ") {
			_, rest, _ := strings.Cut(s, "\r\n\r\n")
			end := strings.Index(rest, "Content-Length: ")
			if end < 0 {
				end = len(rest)
			}
			frames = append(frames, rest[:end])
			s = rest[end:]
			continue
		}
		line, rest, _ := strings.Cut(s, "\n")
		frames = append(frames, line)
		s = rest
	}
	return frames
}

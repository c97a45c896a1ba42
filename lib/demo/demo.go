// Package demo runs the real pipeline against built-in fakes of every
// platform, for `mystatus demo`: one loopback HTTP server answers every
// platform's endpoints with sample bodies, and a fresh temporary HOME holds
// fake credential files pointing at it. Nothing reaches a real platform and
// none of the user's files is read.
package demo

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/provider"
)

// Env is a running demo: the fake platforms and the fake HOME.
type Env struct {
	// Paths point into the temporary HOME holding the demo credentials.
	Paths auth.Paths
	// Settings are config-file settings pointing every platform at the
	// fake server (base URLs, the Google OAuth client).
	Settings map[string]string
	// URL is the fake server's base URL (http://127.0.0.1:port).
	URL string
	// Close stops the server and removes the temporary HOME. It may be
	// called more than once.
	Close func()

	srv *server
}

// Start starts the fake platforms on a loopback port and writes the demo
// credentials into a new temporary HOME. Sample bodies are dated relative
// to now, so every reset lies in the future.
func Start(ctx context.Context, now time.Time) (*Env, error) {
	bodies, err := renderBodies(now)
	if err != nil {
		return nil, err
	}
	home, err := os.MkdirTemp("", "mystatus-demo-")
	if err != nil {
		return nil, fmt.Errorf("demo home: %w", err)
	}
	paths := auth.PathsFromEnv(func(k string) string {
		if k == "HOME" || k == "USERPROFILE" {
			return home
		}
		return ""
	})
	if err := writeCredentials(paths, now); err != nil {
		os.RemoveAll(home)
		return nil, err
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		os.RemoveAll(home)
		return nil, fmt.Errorf("demo server: %w", err)
	}
	s := newServer(bodies)
	// The demo logs nothing; a stray server error must not reach stderr.
	hs := &http.Server{Handler: s.mux, ReadHeaderTimeout: 5 * time.Second, ErrorLog: log.New(io.Discard, "", 0)}
	go hs.Serve(ln)

	base := "http://" + ln.Addr().String()
	var once sync.Once
	e := &Env{
		Paths:    paths,
		Settings: settings(base),
		URL:      base,
		srv:      s,
		Close: func() {
			once.Do(func() {
				hs.Close()
				os.RemoveAll(home)
			})
		},
	}
	return e, nil
}

// settings points every platform at the fake server, one path prefix per
// platform.
func settings(base string) map[string]string {
	return map[string]string{
		"openai_base_url":      base + "/openai",
		"anthropic_base_url":   base + "/anthropic",
		"zhipu_base_url":       base + "/zhipu",
		"zai_base_url":         base + "/zai",
		"github_api_url":       base + "/github",
		"google_oauth_url":     base + "/google-oauth",
		"cloudcode_base_url":   base + "/cloudcode",
		"google_client_id":     googleClientID,
		"google_client_secret": googleClientSecret,
	}
}

// Deps returns d rewired to the demo: a credential store over the demo
// HOME and settings taken from the demo only. The environment is ignored
// entirely, so a real MYSTATUS_*_BASE_URL or Google client in the user's
// shell can neither redirect the demo nor receive its fake tokens. The
// HTTP client and the clock are kept.
func (e *Env) Deps(d provider.Deps) provider.Deps {
	d.Auth = auth.NewStore(e.Paths)
	d.Settings = provider.Settings{Getenv: func(string) string { return "" }, File: e.Settings}
	return d
}

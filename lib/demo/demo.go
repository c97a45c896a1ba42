// Package demo runs the real pipeline against built-in fakes of every
// platform, for `mystatus demo`: one loopback HTTP server mounts the fake
// of each registered platform that implements [provider.Demoer] under
// "/<id>", and a fresh temporary HOME holds its fake credentials. Nothing
// reaches a real platform and none of the user's files is read. The
// package knows no platform: each one's bodies, credentials and settings
// live in its own package (its Demo method).
package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/provider/all"
	"github.com/mystatus/mystatus/lib/quota"
)

// Env is a running demo: the fake platforms and the fake HOME.
type Env struct {
	// Paths point into the temporary HOME holding the demo credentials.
	Paths auth.Paths
	// Settings are config-file settings pointing every platform at the
	// fake server (base URLs, fake OAuth clients).
	Settings map[string]string
	// URL is the fake server's base URL (http://127.0.0.1:port).
	URL string
	// Handler serves the fake platforms at the paths of URL, for a caller
	// that serves them itself (the benchmarks put injected latency in
	// front of them without a second loopback hop).
	Handler http.Handler
	// Close stops the server and removes the temporary HOME. It may be
	// called more than once.
	Close func()

	srv *server
}

// Start starts the fake of every registered platform on a loopback port
// and writes the demo credentials into a new temporary HOME. Sample
// bodies are dated relative to now, so every reset lies in the future.
func Start(ctx context.Context, now time.Time) (*Env, error) {
	// Constructors only store their dependencies and Demo reads none.
	return StartWith(ctx, now, all.Providers(provider.Deps{}))
}

// StartWith is [Start] for the platforms ps; those that do not implement
// [provider.Demoer] are left out.
func StartWith(ctx context.Context, now time.Time, ps []quota.Provider) (*Env, error) {
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
	fail := func(err error) (*Env, error) {
		os.RemoveAll(home)
		return nil, err
	}
	var parts []part
	for _, p := range ps {
		d, ok := p.(provider.Demoer)
		if !ok {
			continue
		}
		demo, err := d.Demo(now, paths)
		if err != nil {
			return fail(fmt.Errorf("demo of %s: %w", p.ID(), err))
		}
		if demo.Handler == nil {
			return fail(fmt.Errorf("demo of %s: no handler", p.ID()))
		}
		parts = append(parts, part{id: p.ID(), demo: demo})
	}
	if err := writeCredentials(paths, parts); err != nil {
		return fail(err)
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return fail(fmt.Errorf("demo server: %w", err))
	}
	base := "http://" + ln.Addr().String()
	settings, shared, err := resolve(base, parts)
	if err != nil {
		ln.Close()
		return fail(err)
	}
	s := newServer(parts)
	for k, rs := range shared {
		s.share(k, rs)
	}
	// The demo logs nothing; a stray server error must not reach stderr.
	hs := &http.Server{Handler: s.mux, ReadHeaderTimeout: 5 * time.Second, ErrorLog: log.New(io.Discard, "", 0)}
	go hs.Serve(ln)

	var once sync.Once
	e := &Env{
		Paths:    paths,
		Settings: settings,
		URL:      base,
		Handler:  s.mux,
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

// part is one platform's share of the demo.
type part struct {
	id   quota.PlatformID
	demo provider.Demo
}

// mount is where a platform's handler is served.
func mount(id quota.PlatformID) string { return "/" + string(id) }

// resolve gathers every platform's settings, a value starting with "/"
// being a path below that platform's mount. Two platforms may share a
// resolve turns every platform's demo settings into config-file settings:
// a relative value ("/…") becomes a URL below the platform's mount. A
// setting two platforms both give a relative value (the Google token
// endpoint of Antigravity and Gemini CLI, one user setting for both) is
// served by a shared mount that asks each owner in turn (see
// server.share); two different absolute values are an error.
func resolve(base string, parts []part) (map[string]string, map[string][]route, error) {
	out := map[string]string{}
	owner := map[string]quota.PlatformID{}
	routes := map[string][]route{}
	for _, p := range parts {
		for k, v := range p.demo.Settings {
			if strings.HasPrefix(v, "/") {
				routes[k] = append(routes[k], route{id: p.id, path: strings.TrimSuffix(v, "/")})
				continue
			}
			if prev, ok := out[k]; ok && prev != v {
				return nil, nil, fmt.Errorf("demo: setting %s of %s is %s's too", k, p.id, owner[k])
			}
			out[k], owner[k] = v, p.id
		}
	}
	shared := map[string][]route{}
	for k, rs := range routes {
		if _, ok := out[k]; ok {
			return nil, nil, fmt.Errorf("demo: setting %s of %s is %s's too", k, rs[0].id, owner[k])
		}
		if len(rs) == 1 {
			out[k] = base + mount(rs[0].id) + rs[0].path
			continue
		}
		out[k] = base + sharedMount(k)
		shared[k] = rs
	}
	return out, shared, nil
}

// route is where one platform serves a setting's endpoints: below its
// mount, at path.
type route struct {
	id   quota.PlatformID
	path string
}

// sharedMount is where a setting several platforms use is served.
func sharedMount(setting string) string { return "/shared/" + setting }

// writeCredentials writes every platform's auth.json entries into the
// demo HOME's OpenCode auth.json, and its other credential files where it
// placed them, all private.
func writeCredentials(paths auth.Paths, parts []part) error {
	authJSON := map[string]any{}
	files := map[string]any{}
	owner := map[string]quota.PlatformID{}
	for _, p := range parts {
		for k, v := range p.demo.AuthEntries {
			if _, dup := authJSON[k]; dup {
				return fmt.Errorf("demo: auth.json key %s of %s is %s's too", k, p.id, owner["auth:"+k])
			}
			authJSON[k], owner["auth:"+k] = v, p.id
		}
		for path, v := range p.demo.Files {
			if _, dup := files[path]; dup || path == paths.OpenCodeAuth() || !filepath.IsAbs(path) {
				return fmt.Errorf("demo: file %s of %s is not its own", path, p.id)
			}
			files[path] = v
		}
	}
	if len(authJSON) > 0 {
		files[paths.OpenCodeAuth()] = authJSON
	}
	for path, v := range files {
		data, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			return fmt.Errorf("demo credentials: %w", err)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return fmt.Errorf("demo credentials: %w", err)
		}
		if err := os.WriteFile(path, data, 0o600); err != nil {
			return fmt.Errorf("demo credentials: %w", err)
		}
	}
	return nil
}

// Deps returns d rewired to the demo: a credential store over the demo
// HOME and settings taken from the demo only. The environment is ignored
// entirely, so a real MYSTATUS_*_BASE_URL or OAuth client in the user's
// shell can neither redirect the demo nor receive its fake tokens. The
// HTTP client and the clock are kept.
func (e *Env) Deps(d provider.Deps) provider.Deps {
	d.Auth = auth.NewStore(e.Paths)
	d.Settings = provider.Settings{Getenv: func(string) string { return "" }, File: e.Settings}
	return d
}

package demo

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/quota"
)

// fake is a platform known only to this test: the demo composes whatever
// the registry gives it.
type fake struct {
	id   quota.PlatformID
	demo func(paths auth.Paths) provider.Demo
}

func (f fake) ID() quota.PlatformID                             { return f.id }
func (f fake) Info() quota.Info                                 { return quota.Info{ID: f.id} }
func (f fake) Discover(context.Context) ([]quota.Target, error) { return nil, quota.ErrNotConfigured }
func (f fake) Fetch(context.Context, quota.Target) (quota.Account, error) {
	return quota.Account{}, nil
}

// demoer is a fake that takes part in the demo.
type demoer struct{ fake }

func (d demoer) Demo(_ time.Time, paths auth.Paths) (provider.Demo, error) { return d.demo(paths), nil }

func handler(path, body string) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+path, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, body) })
	return mux
}

func TestCompose(t *testing.T) {
	alpha := demoer{fake{"alpha", func(paths auth.Paths) provider.Demo {
		return provider.Demo{Handler: handler("/v1/usage", `{"a":1}`),
			Settings:    map[string]string{"alpha_base_url": "/", "alpha_token_url": "/oauth/", "family_client_id": "client-1"},
			AuthEntries: map[string]any{"alpha-key": map[string]any{"type": "api", "key": "CANARY-alpha"}},
			Files:       map[string]any{filepath.Join(paths.OpenCodeConfigDir(), "alpha.json"): map[string]any{"token": "CANARY-file"}}}
	}}}
	beta := demoer{fake{"beta", func(auth.Paths) provider.Demo {
		return provider.Demo{Handler: handler("/api/usage", `{"b":2}`),
			Settings:    map[string]string{"beta_base_url": "/api", "family_client_id": "client-1"},
			AuthEntries: map[string]any{"beta-key": map[string]any{"type": "api", "key": "CANARY-beta"}}}
	}}}
	bystander := fake{"gamma", nil} // no Demo: left out
	env, err := StartWith(context.Background(), time.Now(), []quota.Provider{alpha, bystander, beta})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()

	want := map[string]string{
		"alpha_base_url":   env.URL + "/alpha",
		"alpha_token_url":  env.URL + "/alpha/oauth",
		"beta_base_url":    env.URL + "/beta/api",
		"family_client_id": "client-1",
	}
	if len(env.Settings) != len(want) {
		t.Errorf("settings %v, want %v", env.Settings, want)
	}
	for k, v := range want {
		if env.Settings[k] != v {
			t.Errorf("%s = %q, want %q", k, env.Settings[k], v)
		}
	}

	data, err := os.ReadFile(env.Paths.OpenCodeAuth())
	if err != nil {
		t.Fatal(err)
	}
	var authJSON map[string]map[string]string
	if err := json.Unmarshal(data, &authJSON); err != nil || authJSON["alpha-key"]["key"] != "CANARY-alpha" || authJSON["beta-key"]["key"] != "CANARY-beta" {
		t.Errorf("auth.json %s (%v), want both platforms' entries", data, err)
	}
	if data, err := os.ReadFile(filepath.Join(env.Paths.OpenCodeConfigDir(), "alpha.json")); err != nil || !strings.Contains(string(data), "CANARY-file") {
		t.Errorf("alpha.json %s (%v)", data, err)
	}

	for path, body := range map[string]string{
		env.Settings["alpha_base_url"] + "/v1/usage": `{"a":1}`,
		env.Settings["beta_base_url"] + "/usage":     `{"b":2}`,
	} {
		resp, err := http.Get(path)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(got) != body {
			t.Errorf("%s: %s, want %s", path, got, body)
		}
	}
	for _, path := range []string{"/alpha/nowhere", "/gamma/usage", "/elsewhere"} {
		resp, err := http.Get(env.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", path, resp.StatusCode)
		}
	}
	hits := env.Hits()
	if hits["/alpha GET /v1/usage"] != 1 || hits["/beta GET /api/usage"] != 1 || hits[Unmatched] != 3 {
		t.Errorf("hits %v", hits)
	}
	if m := env.Mounts(); len(m) != 2 || m[0] != "/alpha" || m[1] != "/beta" {
		t.Errorf("mounts %v, want /alpha and /beta", m)
	}
}

// TestComposeConflicts: two platforms may not claim the same auth.json
// key, credential file or setting (unless with the same value), nor may a
// platform write auth.json itself.
func TestComposeConflicts(t *testing.T) {
	h := handler("/", "{}")
	with := func(id quota.PlatformID, d func(auth.Paths) provider.Demo) quota.Provider { return demoer{fake{id, d}} }
	cases := map[string][]quota.Provider{
		"auth key": {
			with("a", func(auth.Paths) provider.Demo { return provider.Demo{Handler: h, AuthEntries: map[string]any{"k": 1}} }),
			with("b", func(auth.Paths) provider.Demo { return provider.Demo{Handler: h, AuthEntries: map[string]any{"k": 2}} }),
		},
		"setting": {
			with("a", func(auth.Paths) provider.Demo {
				return provider.Demo{Handler: h, Settings: map[string]string{"s": "client-a"}}
			}),
			with("b", func(auth.Paths) provider.Demo {
				return provider.Demo{Handler: h, Settings: map[string]string{"s": "client-b"}}
			}),
		},
		"setting both relative and absolute": {
			with("a", func(auth.Paths) provider.Demo {
				return provider.Demo{Handler: h, Settings: map[string]string{"s": "/"}}
			}),
			with("b", func(auth.Paths) provider.Demo {
				return provider.Demo{Handler: h, Settings: map[string]string{"s": "client-b"}}
			}),
		},
		"file": {
			with("a", func(p auth.Paths) provider.Demo {
				return provider.Demo{Handler: h, Files: map[string]any{filepath.Join(p.Home, "f.json"): 1}}
			}),
			with("b", func(p auth.Paths) provider.Demo {
				return provider.Demo{Handler: h, Files: map[string]any{filepath.Join(p.Home, "f.json"): 2}}
			}),
		},
		"auth.json as a file": {
			with("a", func(p auth.Paths) provider.Demo {
				return provider.Demo{Handler: h, Files: map[string]any{p.OpenCodeAuth(): map[string]any{}}}
			}),
		},
		"no handler": {
			with("a", func(auth.Paths) provider.Demo { return provider.Demo{} }),
		},
	}
	for name, ps := range cases {
		t.Run(name, func(t *testing.T) {
			env, err := StartWith(context.Background(), time.Now(), ps)
			if err == nil {
				env.Close()
				t.Fatal("started, want an error")
			}
		})
	}
}

// TestSharedSetting: a setting two platforms point at their own fakes
// (one token endpoint for two Google platforms) is served by both: each
// request gets the answer of the fake that accepts it.
func TestSharedSetting(t *testing.T) {
	token := func(secret, body string) http.Handler {
		mux := http.NewServeMux()
		mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			if string(b) != secret {
				w.WriteHeader(http.StatusBadRequest)
				io.WriteString(w, `{"error":"invalid_grant"}`)
				return
			}
			io.WriteString(w, body)
		})
		return mux
	}
	mk := func(id quota.PlatformID, secret, body string) quota.Provider {
		return demoer{fake{id, func(auth.Paths) provider.Demo {
			return provider.Demo{Handler: token(secret, body), Settings: map[string]string{"token_url": "/oauth"}}
		}}}
	}
	env, err := StartWith(context.Background(), time.Now(), []quota.Provider{mk("a", "CANARY-a", "from a"), mk("b", "CANARY-b", "from b")})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	for secret, want := range map[string]string{"CANARY-a": "from a", "CANARY-b": "from b", "nobody": `{"error":"invalid_grant"}`} {
		resp, err := http.Post(env.Settings["token_url"]+"/token", "text/plain", strings.NewReader(secret))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(b) != want {
			t.Errorf("%s: %d %q, want %q", secret, resp.StatusCode, b, want)
		}
	}
}

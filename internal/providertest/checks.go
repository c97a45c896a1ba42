package providertest

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/quota"
)

// This file holds the checks every API-key platform runs: one key in an
// OpenCode auth.json entry, one base-URL setting, one account per key.

// Platform is what the shared checks need to build an API-key platform.
type Platform struct {
	// ID is the platform's id; AuthKey the auth.json entry it reads first.
	ID      quota.PlatformID
	AuthKey string
	// Env is the base URL's environment variable (MYSTATUS_KIMI_BASE_URL).
	Env string
	// New builds the platform over d.
	New func(d provider.Deps) quota.Provider
	// Clock is the tests' clock ([Now] when zero).
	Clock time.Time
	// Path is the endpoint [Platform.Serve] answers; Mount is what the
	// base URL adds to the loopback server's URL (the part of Path the
	// platform does not append itself).
	Path, Mount string
}

// Serve answers the platform's Path with status and the testdata file.
func (pl Platform) Serve(t testing.TB, status int, file string) *Server {
	t.Helper()
	return Serve(t, pl.Path, status, file)
}

// EnvFor is the environment pointing the platform's base URL at s.
func (pl Platform) EnvFor(s *Server) map[string]string {
	return map[string]string{pl.Env: s.URL + pl.Mount}
}

// Builder returns [Platform.Build] typed as the platform package's own
// provider, so its tests can reach unexported fields.
func Builder[P quota.Provider](pl Platform) func(t testing.TB, authJSON string, env map[string]string) P {
	return func(t testing.TB, authJSON string, env map[string]string) P {
		t.Helper()
		return pl.Build(t, authJSON, env).(P)
	}
}

// WithKey is an auth.json holding key under authKey next to another
// platform's sign-in (which the platform must leave alone).
func WithKey(authKey, key string) map[string]any {
	return map[string]any{authKey: APIKey(key), "openai": map[string]any{"type": "oauth", "access": "at-CANARY"}}
}

// now is the platform's test clock.
func (pl Platform) now() time.Time {
	if pl.Clock.IsZero() {
		return Now
	}
	return pl.Clock
}

// Build writes authJSON under a temporary HOME and builds the platform
// with env as the environment.
func (pl Platform) Build(t testing.TB, authJSON string, env map[string]string) quota.Provider {
	t.Helper()
	return pl.New(Deps(t, Home(t, authJSON), env, pl.now()))
}

// At builds the platform with its base URL set to base.
func (pl Platform) At(t testing.TB, authJSON, base string) quota.Provider {
	t.Helper()
	return pl.Build(t, authJSON, map[string]string{pl.Env: base})
}

// DiscoverOne returns p's only target.
func DiscoverOne(t testing.TB, p quota.Provider) quota.Target {
	t.Helper()
	ts, err := p.Discover(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 1 {
		t.Fatalf("got %d targets, want 1", len(ts))
	}
	return ts[0]
}

// NoRequestWithoutCredentials checks that without a key of the platform
// (auth.json holds another platform's sign-in) it is not configured and
// Discover fails before anything reaches s, the server its base URL
// names.
func (pl Platform) NoRequestWithoutCredentials(t testing.TB, s *Server) {
	t.Helper()
	p := pl.At(t, `{"openai":{"type":"oauth","access":"x"}}`, s.URL)
	if _, err := p.Discover(context.Background()); !errors.Is(err, quota.ErrNotConfigured) {
		t.Fatalf("%s: error = %v", pl.ID, err)
	}
	if p.Info().Configured {
		t.Errorf("%s: configured without a key", pl.ID)
	}
	if n := s.Hits(); n != 0 {
		t.Errorf("%s: %d requests", pl.ID, n)
	}
}

// BadBaseURLs checks that each base URL override is refused as bad_config
// naming the setting, before any request.
func (pl Platform) BadBaseURLs(t *testing.T, authJSON string, bases ...string) {
	t.Helper()
	for _, base := range bases {
		t.Run(string(pl.ID)+" "+base, func(t *testing.T) {
			p := pl.At(t, authJSON, base)
			_, err := p.Fetch(context.Background(), DiscoverOne(t, p))
			if e := quota.AsError(err); e == nil || e.Kind != quota.KindBadConfig || e.Field != pl.Env {
				t.Fatalf("error = %#v", e)
			}
		})
	}
}

// ForeignTarget checks that Fetch refuses a target Discover did not make.
func ForeignTarget(t testing.TB, p quota.Provider) {
	t.Helper()
	if _, err := p.Fetch(context.Background(), quota.Target{Key: "x"}); quota.KindOf(err) != quota.KindInternal {
		t.Errorf("error = %v", err)
	}
}

// Concurrently runs Discover and Fetch of the first target from n
// goroutines at once, for -race: one provider serves many reports. Every
// call must succeed.
func Concurrently(t testing.TB, p quota.Provider, n int) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			ts, err := p.Discover(context.Background())
			if err == nil {
				_, err = p.Fetch(context.Background(), ts[0])
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

// Echo answers a request with a body that repeats the key; auth is the
// request's Authorization header.
type Echo func(auth string) (status int, body string)

// Echoes are the answers of every platform that echo key: a 5xx in plain
// text and a 2xx of garbage, plus the platform's own envelopes in extra.
func Echoes(key string, extra map[string]Echo) map[string]Echo {
	out := map[string]Echo{
		"500 text":    func(string) (int, string) { return 500, "upstream failed for Bearer " + key },
		"200 garbage": func(string) (int, string) { return 200, strings.Repeat("x", 110) + " " + key + " <html>" },
	}
	for name, e := range extra {
		out[name] = e
	}
	return out
}

// EchoedKey checks that an upstream echoing the key in any of answers
// cannot get it, or a fragment of it, into the error: the platform is
// built with key as its auth.json entry, and no n characters in a row of
// any of secrets (the key's parts past a public prefix) may stand in the
// error or its detail. Each answer has a 10-second deadline.
func (pl Platform) EchoedKey(t *testing.T, key string, answers map[string]Echo, n int, secrets ...string) {
	t.Helper()
	for name, answer := range answers {
		t.Run(name, func(t *testing.T) {
			s := Answer(t, func(r *http.Request) (int, string) { return answer(r.Header.Get("Authorization")) })
			p := pl.At(t, AuthJSON(t, map[string]any{pl.AuthKey: APIKey(key)}), s.URL)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_, err := p.Fetch(ctx, DiscoverOne(t, p))
			e := quota.AsError(err)
			if e == nil {
				t.Fatal("no error")
			}
			shown := err.Error() + "\n" + e.Detail
			for _, sec := range secrets {
				for i := 0; i+n <= len(sec); i++ {
					if f := sec[i : i+n]; strings.Contains(shown, f) {
						t.Fatalf("fragment %q of the key in %q", f, shown)
					}
				}
			}
		})
	}
}

// CredentialCase is an auth.json and what the platform makes of it.
type CredentialCase struct {
	Name string
	// Platform builds the case (nil: the one Credentials is called on).
	Platform *Platform
	// Auth is the auth.json ("" for none).
	Auth string
	// Configured is what Info must say.
	Configured bool
	// Key is the key of the one target Discover must return; with no
	// Key, Discover fails with ErrNotConfigured when Kind is empty, else
	// with an error of Kind naming Field and the auth.json.
	Key   string
	Kind  quota.Kind
	Field string
	// Source is the quoted entry Info's one source names (default: the
	// platform's AuthKey).
	Source string
}

// Credentials runs the cases: Info's one source is the auth.json, and
// Discover returns the key (keyOf reads it from a target's Data, under its
// masked name), not configured, or the error of the case.
func (pl Platform) Credentials(t *testing.T, cases []CredentialCase, keyOf func(quota.Target) string) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.Name, func(t *testing.T) {
			on := pl
			if tt.Platform != nil {
				on = *tt.Platform
			}
			source := tt.Source
			if source == "" {
				source = `"` + on.AuthKey + `"`
			}
			paths := Home(t, tt.Auth)
			p := on.New(Deps(t, paths, nil, on.now()))
			info := p.Info()
			path := paths.OpenCodeAuth()
			if info.ID != on.ID || info.Configured != tt.Configured || len(info.Sources) != 1 ||
				info.Sources[0].Path != path || info.Sources[0].What != source {
				t.Errorf("info = %+v", info)
			}
			ts, err := p.Discover(context.Background())
			switch {
			case tt.Key != "":
				if err != nil || len(ts) != 1 || keyOf(ts[0]) != tt.Key || ts[0].Name != quota.MaskKey(tt.Key) {
					t.Fatalf("targets %+v, error %v", ts, err)
				}
			case tt.Kind == "":
				if !errors.Is(err, quota.ErrNotConfigured) || ts != nil {
					t.Fatalf("error = %v, want not configured", err)
				}
			default:
				e := quota.AsError(err)
				if e == nil || e.Kind != tt.Kind || e.Field != tt.Field || e.Path != path {
					t.Fatalf("error = %#v", e)
				}
			}
		})
	}
}

// DiagnoseCase is an auth.json and what Diagnose must find in it.
type DiagnoseCase struct {
	Name string
	// Platform builds the case (nil: the one Diagnose is called on).
	Platform *Platform
	Auth     string
	// OK wants one passed check and no problem; else one field_missing
	// problem naming Field.
	OK    bool
	Field string
}

// Diagnose runs the cases through the platform's [provider.Diagnoser],
// without the network.
func (pl Platform) Diagnose(t *testing.T, cases []DiagnoseCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.Name, func(t *testing.T) {
			on := pl
			if tt.Platform != nil {
				on = *tt.Platform
			}
			d := Deps(t, Home(t, tt.Auth), nil, on.now())
			c := NewCheckup(d, on.now())
			on.New(d).(provider.Diagnoser).Diagnose(context.Background(), c)
			if tt.OK {
				if len(c.Passed) != 1 || len(c.Problems) != 0 {
					t.Fatalf("ok %v, problems %v", c.Passed, c.Problems)
				}
				return
			}
			if len(c.Problems) != 1 {
				t.Fatalf("problems %v", c.Problems)
			}
			if e := quota.AsError(c.Problems[0]); e == nil || e.Kind != quota.KindFieldMissing || e.Field != tt.Field {
				t.Errorf("problem %#v", e)
			}
		})
	}
}

// DeepErrorBody checks that a 401 whose body (prefix, then 100,000 open
// brackets) nests past the depth limit is classified by its status alone,
// never handed to the recursive JSON parser: unauthorized, no code. It
// has a 10-second deadline.
func (pl Platform) DeepErrorBody(t testing.TB, authJSON, prefix string) {
	t.Helper()
	s := Answer(t, func(*http.Request) (int, string) { return 401, prefix + strings.Repeat("[", 100000) })
	p := pl.At(t, authJSON, s.URL)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := p.Fetch(ctx, DiscoverOne(t, p))
	if e := quota.AsError(err); e == nil || e.Kind != quota.KindUnauthorized || e.Code != "" {
		t.Fatalf("error = %#v", e)
	}
}

// ErrorCase is an upstream answer Fetch must turn into an error.
type ErrorCase struct {
	Name   string
	Status int
	File   string // in testdata
	Kind   quota.Kind
	Code   string
	// Detail, when set, is the error's detail.
	Detail string
	// AnyStatus leaves the error's status unchecked.
	AnyStatus bool
}

// Fails is the case name: status and the testdata file make an error of
// kind with code ("" when none).
func Fails(name string, status int, file string, kind quota.Kind, code string) ErrorCase {
	return ErrorCase{Name: name, Status: status, File: file, Kind: kind, Code: code}
}

// WithDetail is c wanting detail as the error's detail.
func (c ErrorCase) WithDetail(detail string) ErrorCase {
	c.Detail = detail
	return c
}

// WithAnyStatus is c leaving the error's status unchecked.
func (c ErrorCase) WithAnyStatus() ErrorCase {
	c.AnyStatus = true
	return c
}

// FetchErrors runs each case through fetch (which serves it and fetches
// the one account) and checks the error: its kind, code and detail, its
// status (unless AnyStatus) and a URL ending in path, no windows with it,
// and no CANARY secret in its text.
func FetchErrors(t *testing.T, path string, cases []ErrorCase, fetch func(t *testing.T, c ErrorCase) (quota.Account, error)) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.Name, func(t *testing.T) {
			a, err := fetch(t, tt)
			e := quota.AsError(err)
			if e == nil || e.Kind != tt.Kind || e.Code != tt.Code {
				t.Fatalf("error = %#v, want kind %s code %q", e, tt.Kind, tt.Code)
			}
			if tt.Detail != "" && e.Detail != tt.Detail {
				t.Errorf("detail %q, want %q", e.Detail, tt.Detail)
			}
			if a.Windows != nil {
				t.Errorf("windows with an error: %+v", a)
			}
			if !strings.HasSuffix(e.URL, path) || (!tt.AnyStatus && e.Status != tt.Status) {
				t.Errorf("url %q status %d", e.URL, e.Status)
			}
			if strings.Contains(err.Error(), "CANARY") {
				t.Errorf("secret in error: %v", err)
			}
		})
	}
}

// Demo checks the platform's part of `mystatus demo` (its
// [provider.Demoer], dated at the platform's clock), served by a loopback
// server: its setting points the base URL at the mount point, it does not
// fail on purpose, its AuthKey entry's key is a CANARY, an account read
// through it passes check, and wrongAuth (an auth.json with another key)
// is refused as unauthorized, as the real API does.
func (pl Platform) Demo(t *testing.T, wrongAuth string, check func(t *testing.T, dm provider.Demo, a quota.Account)) {
	t.Helper()
	dm, err := pl.New(provider.Deps{}).(provider.Demoer).Demo(pl.now(), auth.Paths{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(dm.Handler)
	defer srv.Close()
	if setting := strings.ToLower(strings.TrimPrefix(pl.Env, "MYSTATUS_")); dm.Settings[setting] != "/" || dm.Failing {
		t.Errorf("settings %v, failing %v", dm.Settings, dm.Failing)
	}
	entry, _ := dm.AuthEntries[pl.AuthKey].(map[string]any)
	if key, _ := entry["key"].(string); !strings.Contains(key, "CANARY") {
		t.Errorf("entry %v", entry)
	}
	p := pl.At(t, AuthJSON(t, dm.AuthEntries), srv.URL)
	a, err := p.Fetch(context.Background(), DiscoverOne(t, p))
	if err != nil {
		t.Fatal(err)
	}
	check(t, dm, a)
	p = pl.At(t, wrongAuth, srv.URL)
	if _, err := p.Fetch(context.Background(), DiscoverOne(t, p)); quota.KindOf(err) != quota.KindUnauthorized {
		t.Errorf("wrong key: error = %v", err)
	}
}

// FetchOne discovers p's one target, checks it (named by the masked key,
// keyed by the platform id, no secret in either) and fetches its account,
// which must not fail.
func FetchOne(t testing.TB, p quota.Provider, key string) (quota.Target, quota.Account) {
	t.Helper()
	tg := DiscoverOne(t, p)
	if tg.Name != quota.MaskKey(key) || !strings.HasPrefix(tg.Key, string(p.ID())+":") || strings.Contains(tg.Key+tg.Name, "CANARY") {
		t.Errorf("target = %+v", tg)
	}
	a, err := p.Fetch(context.Background(), tg)
	if err != nil {
		t.Fatal(err)
	}
	return tg, a
}

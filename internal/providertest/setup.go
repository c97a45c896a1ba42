package providertest

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/httpx"
	"github.com/mystatus/mystatus/lib/provider"
)

// Now is the fixed clock of the platform tests: a Friday.
var Now = time.Date(2026, 1, 30, 12, 0, 0, 0, time.UTC)

// Home makes a temporary HOME whose OpenCode auth.json holds authJSON
// (none when it is empty) and returns its paths; data and config live
// in the same directory.
func Home(t testing.TB, authJSON string) auth.Paths {
	t.Helper()
	dir := t.TempDir()
	paths := auth.Paths{Home: dir, XDGData: dir, XDGConfig: dir}
	if authJSON != "" {
		file := paths.OpenCodeAuth()
		if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, []byte(authJSON), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return paths
}

// AuthJSON renders OpenCode auth.json entries (key → entry).
func AuthJSON(t testing.TB, entries map[string]any) string {
	t.Helper()
	b, err := json.Marshal(entries)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// APIKey is the auth.json entry of an API key.
func APIKey(key string) map[string]any { return map[string]any{"type": "api", "key": key} }

// Deps are a platform's dependencies in a test: credentials under paths,
// settings from env (variable → value), now as the clock, and an HTTP
// client whose one retry happens at once, so no test waits on the wall
// clock.
func Deps(t testing.TB, paths auth.Paths, env map[string]string, now time.Time) provider.Deps {
	t.Helper()
	client := httpx.New(5 * time.Second)
	client.Now = func() time.Time { return now }
	client.Backoff = func() time.Duration { return 0 }
	client.Sleep = func(ctx context.Context, _ time.Duration) bool { return ctx.Err() == nil }
	return provider.Deps{
		HTTP:     client,
		Auth:     auth.NewStore(paths),
		Settings: provider.Settings{Getenv: func(k string) string { return env[k] }},
		Now:      func() time.Time { return now },
	}
}

// Fixture returns the package's testdata file name.
func Fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

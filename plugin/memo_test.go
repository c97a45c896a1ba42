package plugin

import (
	"context"
	"testing"
	"time"

	"github.com/tidwall/gjson"
)

// TestMemoReusesCachedRendering: a report made wholly from the cache is
// rendered once per (arguments, cache generation, minute); a refresh, a
// new minute or other arguments render again.
func TestMemoReusesCachedRendering(t *testing.T) {
	p := &fakeProvider{id: "openai", accounts: []string{"a@x"}}
	svc := newService(p)
	clock := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	env := Env{Service: svc, Lang: "en", Now: func() time.Time { return clock }, Memo: &Memo{}}
	args := gjson.Parse(`{}`)
	ctx := context.Background()

	first := runMystatus(ctx, env, args) // fetches: not memoized
	if len(env.Memo.entries) != 0 {
		t.Fatal("a fresh report was memoized")
	}
	second := runMystatus(ctx, env, args) // from the cache: rendered and memoized
	if len(env.Memo.entries) != 1 || second.Text != first.Text {
		t.Fatalf("cached report: %d entries", len(env.Memo.entries))
	}
	third := runMystatus(ctx, env, args)
	if third.Text != second.Text || len(env.Memo.entries) != 1 {
		t.Fatal("memoized rendering not reused")
	}
	runMystatus(ctx, env, gjson.Parse(`{"lang":"fr"}`))
	if len(env.Memo.entries) != 2 {
		t.Fatalf("another language shares an entry: %d entries", len(env.Memo.entries))
	}
	clock = clock.Add(time.Minute)
	runMystatus(ctx, env, args)
	if len(env.Memo.entries) != 3 {
		t.Fatalf("a new minute reused an old rendering: %d entries", len(env.Memo.entries))
	}
	gen := svc.Generation()
	runMystatus(ctx, env, gjson.Parse(`{"refresh":true}`))
	if svc.Generation() == gen || p.count("a@x") != 2 {
		t.Fatalf("refresh did not fetch again (generation %d → %d)", gen, svc.Generation())
	}
	runMystatus(ctx, env, args)
	if len(env.Memo.entries) != 4 {
		t.Fatalf("a new cache generation reused an old rendering: %d entries", len(env.Memo.entries))
	}
}

// TestMemoHitWritesSameBytes: a tools/call answered from the memo writes
// its pre-encoded parts, and its reply is byte for byte the reply of the
// same call encoded in full, for a structured, an unstructured and a
// modern (2026-07-28) client, in markdown and JSON format.
func TestMemoHitWritesSameBytes(t *testing.T) {
	clients := []struct {
		name, init, meta string
	}{
		{"structured", `{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"0"}}`, ""},
		{"unstructured", `{"protocolVersion":"2024-11-05","capabilities":{},"clientInfo":{"name":"t","version":"0"}}`, ""},
		{"modern", "", "," + modernMeta},
	}
	for _, c := range clients {
		for _, args := range []string{`{}`, `{"format":"json"}`} {
			t.Run(c.name+args, func(t *testing.T) {
				// "<&>" in a name: the pre-encoded parts escape HTML as
				// encoding/json does.
				p := &fakeProvider{id: "openai", accounts: []string{"<a&b>@x"}}
				s := start(t, newService(p))
				if c.init != "" {
					s.call(0, "initialize", c.init)
				}
				params := `{"name":"mystatus","arguments":` + args + c.meta + `}`
				s.call(1, "tools/call", params) // fetches
				encoded := s.call(2, "tools/call", params)
				if len(s.h.memo.entries) != 1 {
					t.Fatalf("%d memo entries after a cached call, want 1", len(s.h.memo.entries))
				}
				written := s.call(2, "tools/call", params)
				if written.Raw != encoded.Raw {
					t.Fatalf("memo hit wrote\n%s\nthe full encoding was\n%s", written.Raw, encoded.Raw)
				}
				if !gjson.Get(written.Raw, "result.content.0.text").Exists() || p.count("<a&b>@x") != 1 {
					t.Fatalf("reply %s after %d fetches", written.Raw, p.count("<a&b>@x"))
				}
			})
		}
	}
}

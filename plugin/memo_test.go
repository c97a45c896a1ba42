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

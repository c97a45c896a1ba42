package cli

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/mystatus/mystatus/i18n"
	"github.com/mystatus/mystatus/lib/quota"
	"github.com/mystatus/mystatus/lib/report"
)

// countingProvider is one configured platform with one account whose
// quota shrinks by 10 points at each fetch; it cancels the watch after
// the third.
type countingProvider struct {
	n      atomic.Int32
	cancel context.CancelFunc
}

func (p *countingProvider) ID() quota.PlatformID { return "openai" }
func (p *countingProvider) Info() quota.Info {
	return quota.Info{ID: p.ID(), Configured: true}
}
func (p *countingProvider) Discover(context.Context) ([]quota.Target, error) {
	return []quota.Target{{Key: "a", Name: "a@example.com"}}, nil
}
func (p *countingProvider) Fetch(ctx context.Context, _ quota.Target) (quota.Account, error) {
	n := p.n.Add(1)
	if n == 3 {
		p.cancel()
	}
	return quota.Account{Name: "a@example.com", Windows: []quota.Window{
		{Kind: quota.KindRate, Period: 5 * time.Hour, UsedPct: float64(10 * n)}}}, nil
}

// TestWatch: --watch prints a fresh report every interval (the cache never
// hides a refresh), until interrupted; in a synctest bubble the intervals
// cost no wall time.
func TestWatch(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		p := &countingProvider{cancel: cancel}
		var out bytes.Buffer
		a := &App{Env: Env{Stdout: &out, Getenv: func(string) string { return "" }, Now: time.Now},
			Service: &report.Service{Providers: []quota.Provider{p}, Timeout: time.Second}}
		start := time.Now()
		err := a.watch(ctx, i18n.New("en"), &options{format: "line", watch: time.Minute}, report.Request{}, false, false)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("watch returned %v, want context.Canceled", err)
		}
		if code := a.exit(reportCommand, err); code != ExitInterrupted {
			t.Errorf("exit code %d, want %d", code, ExitInterrupted)
		}
		if got := strings.Split(strings.TrimSpace(out.String()), "\n"); len(got) != 2 ||
			!strings.Contains(got[0], "90%") || !strings.Contains(got[1], "80%") {
			t.Errorf("want two refreshed lines (90%%, 80%%) before the interrupt, got:\n%s", out.String())
		}
		if el := time.Since(start); el != 2*time.Minute {
			t.Errorf("three reports took %v of bubble time, want 2 intervals", el)
		}
	})
}

package report

import (
	"context"
	"testing"
	"time"

	"github.com/mystatus/mystatus/lib/quota"
)

// benchService is n accounts of instant fake platforms spread over the
// six platforms, so what is measured is the fan-out, cache and
// coalescing machinery alone.
func benchService(n int, ttl time.Duration) *Service {
	ids := []quota.PlatformID{"openai", "anthropic", "zhipu", "zai", "antigravity", "copilot"}
	var ps []quota.Provider
	for i, id := range ids {
		// Share n among the platforms, the remainder on the first ones.
		k := n / len(ids)
		if i < n%len(ids) {
			k++
		}
		if k == 0 {
			continue
		}
		ts, _ := accounts(id, k)
		ps = append(ps, &fake{id: id, targets: ts})
	}
	return &Service{Providers: ps, TTL: ttl, Timeout: 10 * time.Second}
}

func benchCollect(b *testing.B, n int, ttl time.Duration) {
	s := benchService(n, ttl)
	ctx := context.Background()
	s.Collect(ctx, Request{}) // fill the cache when there is one
	b.ReportAllocs()
	for b.Loop() {
		if rep := s.Collect(ctx, Request{}); rep.Failed() {
			b.Fatal("report failed")
		}
	}
}

// BenchmarkCollectCached is the host's hot path: a report whose every
// account is served from the cache.
func BenchmarkCollectCached(b *testing.B) {
	b.Run("accounts=6", func(b *testing.B) { benchCollect(b, 6, time.Hour) })
	b.Run("accounts=500", func(b *testing.B) { benchCollect(b, 500, time.Hour) })
}

// BenchmarkCollectUncached is a report with no cache over instant
// platforms: the cost of the fan-out itself, per report.
func BenchmarkCollectUncached(b *testing.B) {
	b.Run("accounts=6", func(b *testing.B) { benchCollect(b, 6, 0) })
	b.Run("accounts=500", func(b *testing.B) { benchCollect(b, 500, 0) })
}

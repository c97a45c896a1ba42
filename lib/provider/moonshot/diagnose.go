package moonshot

import (
	"context"

	"github.com/mystatus/mystatus/lib/provider"
)

var (
	_ provider.Describer = (*Provider)(nil)
	_ provider.Demoer    = (*Provider)(nil)
	_ provider.Diagnoser = (*Provider)(nil)
)

// Diagnose checks the API key's auth.json entry (API keys do not expire).
func (p *Provider) Diagnose(_ context.Context, c provider.Checkup) {
	provider.CheckAuthEntry(c, provider.AuthEntry{Key: p.authKey, Type: "api", Field: "key"})
}

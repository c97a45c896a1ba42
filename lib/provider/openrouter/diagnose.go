package openrouter

import (
	"context"

	"github.com/mystatus/mystatus/lib/provider"
)

var _ provider.Diagnoser = (*Provider)(nil)

// Diagnose checks the API key's auth.json entry (OpenRouter keys carry no
// expiry mystatus could read: /v1/key reports it, and the report shows it).
func (p *Provider) Diagnose(_ context.Context, c provider.Checkup) {
	provider.CheckAuthEntry(c, provider.AuthEntry{Key: AuthKeys[0], Type: "api", Field: "key"})
}

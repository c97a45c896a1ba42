package kimi

import (
	"context"

	"github.com/mystatus/mystatus/lib/provider"
)

var _ provider.Diagnoser = (*Provider)(nil)

// Diagnose checks each auth.json entry the platform reads (API keys do not
// expire).
func (p *Provider) Diagnose(_ context.Context, c provider.Checkup) {
	provider.CheckAuthEntries(c, AuthKeys, provider.AuthEntry{Type: "api", Field: "key"})
}

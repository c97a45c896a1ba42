package openai

import (
	"context"

	"github.com/mystatus/mystatus/lib/provider"
)

var _ provider.Diagnoser = (*Provider)(nil)

// Diagnose checks the auth.json entry; the access token's expiry matters
// because mystatus never renews it.
func (p *Provider) Diagnose(_ context.Context, c provider.Checkup) {
	provider.CheckAuthEntry(c, provider.AuthEntry{Key: authKey, Type: "oauth", Field: "access", Expires: true})
}

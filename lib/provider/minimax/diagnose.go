package minimax

import (
	"context"

	"github.com/mystatus/mystatus/lib/provider"
)

var _ provider.Diagnoser = (*Provider)(nil)

// Diagnose checks the auth.json entry the platform reads (API keys do not
// expire): the first of its keys that is present, else the first key,
// reported absent.
func (p *Provider) Diagnose(_ context.Context, c provider.Checkup) {
	key := p.keys[0]
	if _, used, _ := p.key(); used != "" {
		key = used
	}
	provider.CheckAuthEntry(c, provider.AuthEntry{Key: key, Type: "api", Field: "key"})
}

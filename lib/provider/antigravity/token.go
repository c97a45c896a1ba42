package antigravity

import (
	"context"

	"github.com/mystatus/mystatus/lib/provider/google"
	"github.com/mystatus/mystatus/lib/quota"
)

// accessToken returns a bearer token for c: the stored access token while
// it is valid (by the injected clock), else one minted in memory from the
// refresh token by the shared Google minter (see [google.Minter]). fresh
// mints anew, after the upstream rejected the token it was given.
func (p *Provider) accessToken(ctx context.Context, c *cred, fresh bool) (string, error) {
	if !fresh && c.accessValid(p.d.Clock()) {
		return c.access, nil
	}
	if c.refresh == "" {
		return "", &quota.Error{Kind: quota.KindTokenExpired, Field: "token.refresh_token"}
	}
	clients, err := p.clientsFor(c.clientKey)
	if err != nil {
		return "", err
	}
	tokenURL, err := google.TokenURL(p.d)
	if err != nil {
		return "", err
	}
	return p.mint.Token(ctx, c.refresh, tokenURL, clients, fresh)
}

package antigravity

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"time"

	"github.com/tidwall/gjson"

	"github.com/mystatus/mystatus/lib/httpx"
	"github.com/mystatus/mystatus/lib/quota"
)

// DefaultOAuthURL is the Google OAuth base; "/token" is appended.
const DefaultOAuthURL = "https://oauth2.googleapis.com"

// minted is an access token minted from a refresh token, kept in memory.
type minted struct {
	access string
	exp    time.Time
}

// accessToken returns a bearer token for c: the stored access token while
// it is valid, else one minted from the refresh token (cached, and shared
// by concurrent callers). fresh skips both, after the upstream rejected
// the token it was given.
func (p *Provider) accessToken(ctx context.Context, c *cred, fresh bool) (string, error) {
	now := p.d.Clock()
	if !fresh && c.accessValid(now) {
		return c.access, nil
	}
	if c.refresh == "" {
		return "", &quota.Error{Kind: quota.KindTokenExpired, Field: "token.refresh_token"}
	}
	id, _ := p.d.Settings.Get("google_client_id")
	secret, _ := p.d.Settings.Get("google_client_secret")
	switch {
	case id == "":
		return "", &quota.Error{Kind: quota.KindBadConfig, Field: "MYSTATUS_GOOGLE_CLIENT_ID"}
	case secret == "":
		return "", &quota.Error{Kind: quota.KindBadConfig, Field: "MYSTATUS_GOOGLE_CLIENT_SECRET"}
	}
	sum := sha256.Sum256([]byte(c.refresh))
	key := hex.EncodeToString(sum[:])
	p.mu.Lock()
	if fresh {
		delete(p.tokens, key)
	} else if m, ok := p.tokens[key]; ok && m.exp.After(now.Add(tokenSkew)) {
		p.mu.Unlock()
		return m.access, nil
	}
	p.mu.Unlock()
	ch := p.mints.DoChan(key, func() (any, error) {
		// The mint is shared: one waiter leaving must not fail the others,
		// so it runs until the first caller's deadline, not its cancel.
		mctx := context.WithoutCancel(ctx)
		if dl, ok := ctx.Deadline(); ok {
			var cancel context.CancelFunc
			mctx, cancel = context.WithDeadline(mctx, dl)
			defer cancel()
		}
		m, err := p.mint(mctx, id, secret, c.refresh)
		if err != nil {
			return "", err
		}
		p.mu.Lock()
		p.tokens[key] = m
		p.mu.Unlock()
		return m.access, nil
	})
	select {
	case <-ctx.Done():
		return "", httpx.Classify(ctx, ctx.Err(), "")
	case r := <-ch:
		if r.Err != nil {
			return "", r.Err
		}
		return r.Val.(string), nil
	}
}

// mint exchanges a refresh token for an access token. Google refresh
// tokens do not rotate, so nothing needs to be written back.
func (p *Provider) mint(ctx context.Context, id, secret, refresh string) (minted, error) {
	u, err := p.d.Endpoint("google_oauth_url", DefaultOAuthURL, "/token")
	if err != nil {
		return minted{}, err
	}
	form := url.Values{
		"client_id":     {id},
		"client_secret": {secret},
		"refresh_token": {refresh},
		"grant_type":    {"refresh_token"},
	}
	resp, err := p.d.HTTP.Post(ctx, u, "application/x-www-form-urlencoded", []byte(form.Encode()),
		http.Header{"Accept": {"application/json"}})
	if err != nil {
		return minted{}, httpx.FromStatus(err)
	}
	// The body holds tokens: never copy it into an error.
	access := gjson.GetBytes(resp.Body, "access_token")
	if !gjson.ValidBytes(resp.Body) || access.Type != gjson.String || access.Str == "" {
		return minted{}, &quota.Error{Kind: quota.KindMalformed, Status: resp.Status, URL: resp.URL, Field: "access_token"}
	}
	ttl := time.Duration(gjson.GetBytes(resp.Body, "expires_in").Int()) * time.Second
	if ttl <= 0 {
		ttl = time.Hour
	}
	return minted{access: access.Str, exp: p.d.Clock().Add(ttl)}, nil
}

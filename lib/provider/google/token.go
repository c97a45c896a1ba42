package google

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"github.com/mystatus/mystatus/lib/httpx"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/quota"
)

// DefaultOAuthURL is the Google OAuth base; "/token" is appended.
const DefaultOAuthURL = "https://oauth2.googleapis.com"

// SettingOAuthURL is the setting (MYSTATUS_GOOGLE_OAUTH_URL) that replaces
// DefaultOAuthURL.
const SettingOAuthURL = "google_oauth_url"

// PathToken is the token endpoint's path below the OAuth base.
const PathToken = "/token"

// TokenSkew is how long before its expiry an access token stops being used.
const TokenSkew = 5 * time.Minute

// defaultTokenTTL is the lifetime assumed for a minted token whose answer
// has no expires_in. It is wall-clock time, as oauth2's reuse check is.
const defaultTokenTTL = time.Hour

// TokenURL is the token endpoint for d's settings.
func TokenURL(d provider.Deps) (string, error) {
	return d.Endpoint(SettingOAuthURL, DefaultOAuthURL, PathToken)
}

// Minter mints access tokens from refresh tokens, in memory only. Minted
// tokens are kept in an oauth2 ReuseTokenSource per refresh token, so
// concurrent callers share one mint and later calls reuse it until
// shortly before it expires. Google refresh tokens do not rotate, so
// nothing is ever written back. It is safe for concurrent use.
type Minter struct {
	http *httpx.Client

	mu     sync.Mutex
	tokens map[string]tokenEntry // by sha256 of the refresh token
}

// NewMinter returns a Minter whose requests go through c.
func NewMinter(c *httpx.Client) *Minter {
	return &Minter{http: c, tokens: map[string]tokenEntry{}}
}

// Token returns an access token minted from refresh at tokenURL, trying
// clients in order: when Google answers invalid_client or
// unauthorized_client (the token belongs to another client) the next one
// is tried once, and the client that worked is tried first next time.
// fresh replaces the cached token, after the upstream rejected it. Errors
// are classified *quota.Error values.
func (m *Minter) Token(ctx context.Context, refresh, tokenURL string, clients []Client, fresh bool) (string, error) {
	if refresh == "" {
		return "", &quota.Error{Kind: quota.KindTokenExpired}
	}
	ts := m.source(refresh, tokenURL, clients, fresh)
	type result struct {
		tok *oauth2.Token
		err error
	}
	// A mint is shared by every caller of this refresh token: one caller
	// leaving must not fail the others, so it runs to the HTTP client's
	// timeout while this caller may stop waiting.
	ch := make(chan result, 1)
	go func() {
		tok, err := ts.Token()
		ch <- result{tok, err}
	}()
	select {
	case <-ctx.Done():
		return "", httpx.Classify(ctx, ctx.Err(), "")
	case r := <-ch:
		if r.err != nil {
			return "", mintError(r.err, tokenURL)
		}
		return r.tok.AccessToken, nil
	}
}

// source returns the cached source of refresh, creating it (or, when
// fresh, replacing it) as needed.
func (m *Minter) source(refresh, tokenURL string, clients []Client, fresh bool) oauth2.TokenSource {
	sum := sha256.Sum256([]byte(refresh))
	key := hex.EncodeToString(sum[:])
	m.mu.Lock()
	defer m.mu.Unlock()
	if e, ok := m.tokens[key]; ok && !fresh && e.url == tokenURL {
		return e.ts
	}
	src := &clientSource{m: m, refresh: refresh, url: tokenURL, clients: clients}
	if e, ok := m.tokens[key]; ok && e.src != nil {
		// Keep the client that worked: a renewal need not try a wrong one again.
		src.first = e.src.firstClient()
	}
	e := tokenEntry{url: tokenURL, src: src, ts: oauth2.ReuseTokenSourceWithExpiry(nil, src, TokenSkew)}
	m.tokens[key] = e
	return e.ts
}

// tokenEntry is one refresh token's cached source.
type tokenEntry struct {
	url string
	src *clientSource
	ts  oauth2.TokenSource
}

// clientSource mints access tokens from one refresh token, walking the
// known clients.
type clientSource struct {
	m       *Minter
	refresh string
	url     string
	clients []Client

	mu    sync.Mutex
	first int // index of the client to try first
}

func (s *clientSource) firstClient() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.first
}

// Token implements oauth2.TokenSource.
func (s *clientSource) Token() (*oauth2.Token, error) {
	start := s.firstClient()
	var err error
	for n := range len(s.clients) {
		i := (start + n) % len(s.clients)
		c := s.clients[i]
		cfg := oauth2.Config{
			ClientID:     c.ID,
			ClientSecret: c.Secret,
			Endpoint:     oauth2.Endpoint{TokenURL: s.url, AuthStyle: oauth2.AuthStyleInParams},
		}
		var tok *oauth2.Token
		tok, err = cfg.TokenSource(s.m.oauthContext(), &oauth2.Token{RefreshToken: s.refresh}).Token()
		if err == nil {
			s.mu.Lock()
			s.first = i
			s.mu.Unlock()
			if tok.Expiry.IsZero() {
				// Without expires_in the token would look valid forever.
				tok.Expiry = time.Now().Add(defaultTokenTTL)
			}
			return tok, nil
		}
		if !clientMismatch(err) {
			return nil, err
		}
	}
	return nil, err
}

// clientMismatch reports a token endpoint answer that another client may
// not give: the refresh token was minted by a different client.
func clientMismatch(err error) bool {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		return false
	}
	return re.ErrorCode == "invalid_client" || re.ErrorCode == "unauthorized_client"
}

// oauthContext carries the HTTP client the oauth2 package uses: requests go
// through httpx (timeout, body cap, transport error classification). It is
// not tied to one caller's context, since a mint is shared.
func (m *Minter) oauthContext() context.Context {
	return context.WithValue(context.Background(), oauth2.HTTPClient, &http.Client{Transport: httpxTransport{m.http}})
}

// httpxTransport adapts httpx.Client to http.RoundTripper for oauth2.
type httpxTransport struct{ c *httpx.Client }

func (t httpxTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r, err := t.c.Do(req.Context(), req)
	var se *httpx.StatusError
	if err != nil && !errors.As(err, &se) {
		return nil, err
	}
	return &http.Response{
		Status:        http.StatusText(r.Status),
		StatusCode:    r.Status,
		Header:        r.Header,
		Body:          io.NopCloser(bytes.NewReader(r.Body)),
		ContentLength: int64(len(r.Body)),
		Request:       req,
	}, nil
}

// mintError classifies a failed mint. The token endpoint's answer is
// classified like any status error (invalid_grant, invalid_client, ...);
// a 2xx answer without a usable access token is malformed. The body of a
// success holds tokens and is never copied into an error.
func mintError(err error, tokenURL string) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) && re.Response != nil && (re.Response.StatusCode < 200 || re.Response.StatusCode > 299) {
		return Classify(&httpx.StatusError{Status: re.Response.StatusCode, Header: re.Response.Header,
			Body: re.Body, URL: tokenURL})
	}
	var qe *quota.Error
	if errors.As(err, &qe) {
		return qe
	}
	e := &quota.Error{Kind: quota.KindMalformed, URL: tokenURL, Field: "access_token"}
	if re != nil && re.Response != nil {
		e.Status = re.Response.StatusCode
	}
	return e
}

// Package copilot reports GitHub Copilot premium-request, chat and
// completion quotas.
//
// Two routes exist. A fine-grained PAT file (copilot-quota-token.json)
// selects the public per-user billing API and wins when present. Otherwise
// OpenCode's "github-copilot" OAuth login is tried against the internal
// /copilot_internal/user API: with the cached Copilot session token, with
// the GitHub token in the legacy "token" scheme, and finally with a session
// token minted by /copilot_internal/v2/token (kept in memory until shortly
// before it expires).
package copilot

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/tidwall/gjson"

	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/httpx"
	"github.com/mystatus/mystatus/lib/jsonval"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/quota"
)

const (
	baseSetting = "github_api_url"
	defaultBase = "https://api.github.com"
	authKey     = "github-copilot"
	patFile     = "copilot-quota-token.json"

	userPath  = "/copilot_internal/user"
	tokenPath = "/copilot_internal/v2/token"

	// sessionMargin is how long before expires_at a minted session token
	// stops being reused.
	sessionMargin = 2 * time.Minute
)

// Provider is the GitHub Copilot platform. It is safe for concurrent use.
type Provider struct {
	d provider.Deps

	mu       sync.Mutex
	sessions map[string]session // by fingerprint of the GitHub token
}

type session struct {
	token string
	until time.Time
}

// oauth is the "github-copilot" auth.json login.
type oauth struct {
	github  string // GitHub OAuth token (refresh, or access when refresh is empty)
	access  string // cached Copilot session token, maybe
	expires time.Time
}

// New returns the Copilot provider.
func New(d provider.Deps) *Provider {
	return &Provider{d: d, sessions: map[string]session{}}
}

// ID is the platform's identifier.
const ID quota.PlatformID = "copilot"

// ID returns [ID].
func (p *Provider) ID() quota.PlatformID { return ID }

// patPaths lists where the PAT file is looked for, in order.
func (p *Provider) patPaths() []string {
	paths := []string{filepath.Join(p.d.Auth.Paths.OpenCodeConfigDir(), patFile)}
	if ad := p.d.Auth.Paths.AppData; ad != "" {
		if w := filepath.Join(ad, "opencode", patFile); w != paths[0] {
			paths = append(paths, w)
		}
	}
	return paths
}

// Info lists the PAT file locations and the auth.json key.
func (p *Provider) Info() quota.Info {
	info := quota.Info{ID: ID}
	for _, path := range p.patPaths() {
		info.Sources = append(info.Sources, quota.Source{Path: path, What: "{token, username, tier}"})
		if _, err := p.d.Auth.Read(path); !auth.IsMissing(err) {
			info.Configured = true
		}
	}
	info.Sources = append(info.Sources, p.d.Auth.Paths.OpenCodeSource(authKey))
	if _, _, err := p.d.Auth.OpenCode(authKey); err != quota.ErrNotConfigured {
		info.Configured = true
	}
	return info
}

// Discover picks the PAT route when a PAT file exists (reporting a wrong
// file instead of ignoring it), else the auth.json login.
func (p *Provider) Discover(ctx context.Context) ([]quota.Target, error) {
	for _, path := range p.patPaths() {
		f, err := p.d.Auth.Read(path)
		if auth.IsMissing(err) {
			continue
		}
		if err == nil {
			var c pat
			if c, err = parsePAT(path, f.Data); err == nil {
				return []quota.Target{{Key: "pat:" + quota.Fingerprint(c.token, c.username, c.tier), Name: "@" + c.username, Data: c}}, nil
			}
		}
		return []quota.Target{{Key: "pat:" + path, Err: err}}, nil
	}
	e, path, err := p.d.Auth.OpenCode(authKey)
	if err != nil {
		return nil, err
	}
	if e.Type != "oauth" {
		return []quota.Target{{Key: "oauth:" + path, Err: (&quota.Error{Kind: quota.KindFieldMissing, Path: path,
			Field: authKey + ".type"}).With("detail.field.got_expected", map[string]any{"Got": quoteShort(e.Type), "Want": `"oauth"`})}}, nil
	}
	c := oauth{github: e.Refresh, access: e.Access, expires: e.Expires}
	if c.github == "" {
		c.github = e.Access
	}
	if c.github == "" {
		return []quota.Target{{Key: "oauth:" + path, Err: (&quota.Error{Kind: quota.KindFieldMissing, Path: path,
			Field: authKey + ".refresh"}).With("detail.field.missing", nil)}}, nil
	}
	return []quota.Target{{Key: "oauth:" + quota.Fingerprint(c.github), Data: c}}, nil
}

// Fetch queries one target.
func (p *Provider) Fetch(ctx context.Context, t quota.Target) (quota.Account, error) {
	if t.Err != nil {
		return quota.Account{}, t.Err
	}
	switch c := t.Data.(type) {
	case pat:
		return p.fetchPAT(ctx, c)
	case oauth:
		return p.fetchInternal(ctx, c)
	}
	return quota.Account{}, &quota.Error{Kind: quota.KindInternal, Detail: "copilot: unknown target data"}
}

func (p *Provider) fetchPAT(ctx context.Context, c pat) (quota.Account, error) {
	u, err := p.d.Endpoint(baseSetting, defaultBase, "/users/"+c.username+"/settings/billing/premium_request/usage")
	if err != nil {
		return quota.Account{}, err
	}
	h := http.Header{}
	h.Set("Accept", "application/vnd.github+json")
	h.Set("Authorization", "Bearer "+c.token)
	h.Set("X-GitHub-Api-Version", "2022-11-28")
	resp, err := p.d.HTTP.Get(ctx, u, h)
	if err != nil {
		e := classify(err, c.token)
		if qe, ok := e.(*quota.Error); ok && qe.Kind == quota.KindNotFound {
			// Business/Enterprise seats are billed at the organization, so
			// the per-user report does not exist for them.
			english := httpx.Truncate("per-user billing API has no data for org-managed seats: "+qe.Detail, httpx.DetailLen)
			qe.With("detail.copilot.org_seats", map[string]any{"Upstream": qe.DetailMsg()})
			qe.Detail = english
		}
		return quota.Account{}, e
	}
	resp.Body = redact(resp.Body, c.token)
	acct, err := parseBilling(resp.Body, c)
	if err != nil {
		return quota.Account{}, malformed(resp, err)
	}
	return acct, nil
}

// fetchInternal runs the internal-API cascade. It stops at once on
// transport failures and rate limits (hammering a rate-limited GitHub API
// risks a ban); otherwise it returns the most informative failure of the
// GitHub-token steps.
func (p *Provider) fetchInternal(ctx context.Context, c oauth) (quota.Account, error) {
	userURL, err := p.d.Endpoint(baseSetting, defaultBase, userPath)
	if err != nil {
		return quota.Account{}, err
	}
	tokenURL, err := p.d.Endpoint(baseSetting, defaultBase, tokenPath)
	if err != nil {
		return quota.Account{}, err
	}
	now := p.d.Clock()
	key := quota.Fingerprint(c.github)

	// A: the Copilot session token OpenCode cached, while it is valid.
	if c.access != "" && c.access != c.github && c.expires.After(now) {
		acct, err := p.user(ctx, userURL, "Bearer "+c.access)
		if err == nil || stops(ctx, err) {
			return acct, err
		}
	}
	// A session token minted by an earlier run of this process.
	if tok, ok := p.session(key, now); ok {
		acct, err := p.user(ctx, userURL, "Bearer "+tok)
		if err == nil || stops(ctx, err) {
			return acct, err
		}
		p.forget(key)
	}
	// B: the GitHub token in the legacy scheme.
	acct, err := p.user(ctx, userURL, "token "+c.github)
	if err == nil || stops(ctx, err) {
		return acct, err
	}
	best := err
	// C: mint a session token, then use it.
	tok, until, err := p.exchange(ctx, tokenURL, c.github)
	if err != nil {
		if stops(ctx, err) {
			return quota.Account{}, err
		}
		return quota.Account{}, moreInformative(best, err)
	}
	acct, err = p.user(ctx, userURL, "Bearer "+tok)
	if err != nil {
		if stops(ctx, err) {
			return quota.Account{}, err
		}
		return quota.Account{}, moreInformative(best, err)
	}
	if until.After(now.Add(sessionMargin)) {
		p.remember(key, session{token: tok, until: until.Add(-sessionMargin)})
	}
	return acct, nil
}

// copilotHeaders are the editor headers the internal API expects.
func copilotHeaders(authorization string) http.Header {
	h := http.Header{}
	h.Set("Accept", "application/json")
	h.Set("Authorization", authorization)
	h.Set("Editor-Version", "vscode/1.107.0")
	h.Set("Editor-Plugin-Version", "copilot-chat/0.35.0")
	h.Set("User-Agent", "GitHubCopilotChat/0.35.0")
	h.Set("Copilot-Integration-Id", "vscode-chat")
	h.Set("X-GitHub-Api-Version", "2025-04-01")
	return h
}

func (p *Provider) user(ctx context.Context, u, authorization string) (quota.Account, error) {
	if err := ctx.Err(); err != nil {
		return quota.Account{}, httpx.Classify(ctx, err, u)
	}
	resp, err := p.d.HTTP.Get(ctx, u, copilotHeaders(authorization))
	_, secret, _ := strings.Cut(authorization, " ")
	if err != nil {
		return quota.Account{}, classify(err, secret)
	}
	resp.Body = redact(resp.Body, secret)
	acct, err := parseUser(resp.Body)
	if err != nil {
		return quota.Account{}, malformed(resp, err)
	}
	return acct, nil
}

func (p *Provider) exchange(ctx context.Context, u, github string) (string, time.Time, error) {
	if err := ctx.Err(); err != nil {
		return "", time.Time{}, httpx.Classify(ctx, err, u)
	}
	resp, err := p.d.HTTP.Get(ctx, u, copilotHeaders("Bearer "+github))
	if err != nil {
		return "", time.Time{}, classify(err, github)
	}
	tok, exp, err := parseToken(resp.Body)
	if err != nil {
		// No body excerpt: this body may carry a session token.
		qe := quota.AsError(err)
		qe.Status, qe.URL = resp.Status, resp.URL
		return "", time.Time{}, qe
	}
	return tok, exp, nil
}

func (p *Provider) session(key string, now time.Time) (string, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	s, ok := p.sessions[key]
	if ok && !now.Before(s.until) {
		delete(p.sessions, key)
		return "", false
	}
	return s.token, ok
}

func (p *Provider) remember(key string, s session) {
	p.mu.Lock()
	p.sessions[key] = s
	p.mu.Unlock()
}

func (p *Provider) forget(key string) {
	p.mu.Lock()
	delete(p.sessions, key)
	p.mu.Unlock()
}

// stops reports whether the cascade must end with err: the context is
// done, the network or configuration is broken, or GitHub rate-limits us.
func stops(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return true
	}
	switch quota.KindOf(err) {
	case quota.KindTimeout, quota.KindCanceled, quota.KindDNS, quota.KindConnection, quota.KindTLS,
		quota.KindRateLimited, quota.KindQuotaExhausted, quota.KindBadConfig:
		return true
	}
	return false
}

// informative ranks failures by how much they tell the user: a seat or
// verification problem beats a rejected token, which beats a server
// error, which beats a missing endpoint (what a GitHub token minted for
// another OAuth client gets).
var informative = map[quota.Kind]int{
	quota.KindVerification:  7,
	quota.KindForbidden:     6,
	quota.KindNotSubscribed: 5,
	quota.KindUnauthorized:  4,
	quota.KindServerError:   3,
	quota.KindCapacity:      3,
	quota.KindMalformed:     2,
	quota.KindNotFound:      1,
}

// moreInformative returns the better of two failures, the later on ties.
func moreInformative(earlier, later error) error {
	if informative[quota.KindOf(earlier)] > informative[quota.KindOf(later)] {
		return earlier
	}
	return later
}

// classify turns a non-2xx answer into a *quota.Error, using GitHub's
// {"message": ...} as the detail. The request's secrets are removed from
// the body first, before anything truncates it (a cut token would no
// longer match).
func classify(err error, secrets ...string) error {
	var se *httpx.StatusError
	if !errors.As(err, &se) {
		return err
	}
	se.Body = redact(se.Body, secrets...)
	qe := quota.AsError(httpx.FromStatus(err))
	if jsonval.CheckDepth(se.Body, jsonval.MaxDepth) != nil {
		return qe
	}
	if m := gjson.GetBytes(se.Body, "message"); m.Type == gjson.String && m.Str != "" {
		qe.Detail = httpx.Truncate(m.Str, httpx.DetailLen)
	}
	return qe
}

// redact replaces every secret in an upstream body.
func redact(body []byte, secrets ...string) []byte {
	for _, s := range secrets {
		// Shorter strings are too common to be told from text.
		if len(s) >= 6 {
			body = bytes.ReplaceAll(body, []byte(s), []byte(quota.Redacted))
		}
	}
	return body
}

// malformed attaches the response to a parser's malformed error.
func malformed(resp *httpx.Response, err error) error {
	var qe *quota.Error
	if !errors.As(err, &qe) {
		return httpx.Malformed(resp, "")
	}
	return httpx.MalformedFrom(resp, qe)
}

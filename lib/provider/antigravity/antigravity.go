// Package antigravity reports the Google Antigravity (Cloud Code Assist)
// quota of every Google account found in OpenCode's
// antigravity-accounts.json and in Antigravity-Manager's account store:
// per model family (Gemini Pro, Gemini Flash, Gemini Image, Claude,
// Other) and, when the platform offers them, the 5-hour and weekly
// buckets.
//
// Access tokens stored by Antigravity-Manager are used while valid;
// otherwise one is minted in memory from the refresh token with the
// Google OAuth client the user configured (Google refresh tokens do not
// rotate, so nothing is written back).
package antigravity

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/sync/singleflight"

	"github.com/mystatus/mystatus/lib/httpx"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/quota"
)

// FactProxyDisabled is the catalog message of an account that
// Antigravity-Manager paused in its proxy; Data may hold "Reason" (string)
// and "Since" (time.Time).
const FactProxyDisabled = "antigravity.proxy_disabled"

// DefaultBases are the Cloud Code hosts tried in order; the setting
// "cloudcode_base_url" (one URL or a comma-separated list) replaces them.
var DefaultBases = []string{
	"https://daily-cloudcode-pa.sandbox.googleapis.com",
	"https://daily-cloudcode-pa.googleapis.com",
	"https://cloudcode-pa.googleapis.com",
}

// DefaultUserAgent is sent to Cloud Code, which refuses some calls without
// a current Antigravity-style agent; "antigravity_user_agent" overrides it.
const DefaultUserAgent = "antigravity/1.23.2 linux/amd64"

// Cloud Code endpoint paths.
const (
	pathModels  = "/v1internal:fetchAvailableModels"
	pathSummary = "/v1internal:retrieveUserQuotaSummary"
	pathAssist  = "/v1internal:loadCodeAssist"
)

// Provider is the Google Antigravity platform. It is safe for concurrent
// use and meant to be kept: it caches minted access tokens.
type Provider struct {
	d provider.Deps

	mu     sync.Mutex
	tokens map[string]minted // by sha256 of the refresh token
	mints  singleflight.Group

	// pause waits before re-reading a manager file that did not parse.
	pause func(context.Context)
}

var _ quota.Provider = (*Provider)(nil)

// New returns the Antigravity provider.
func New(d provider.Deps) *Provider {
	return &Provider{
		d:      d,
		tokens: map[string]minted{},
		pause:  func(ctx context.Context) { sleep(ctx, reparseDelay) },
	}
}

// ID returns quota.Antigravity.
func (p *Provider) ID() quota.PlatformID { return quota.Antigravity }

// Info lists every probed antigravity-accounts.json and the
// Antigravity-Manager account directory.
func (p *Provider) Info() quota.Info {
	info := quota.Info{ID: quota.Antigravity}
	for _, path := range p.ocPaths() {
		info.Sources = append(info.Sources, quota.Source{Path: path})
		if _, err := os.Stat(path); err == nil {
			info.Configured = true
		}
	}
	if dir := p.amDir(); dir != "" {
		info.Sources = append(info.Sources, quota.Source{Path: dir, What: "Antigravity-Manager *.json"})
		if files, err := amFiles(dir); err != nil || len(files) > 0 {
			info.Configured = true
		}
	}
	return info
}

// bases returns the Cloud Code hosts to try and the setting they came
// from ("default" when built in).
func (p *Provider) bases() ([]string, string) {
	v, src := p.d.Settings.Get("cloudcode_base_url")
	if v == "" {
		return DefaultBases, "default"
	}
	return strings.FieldsFunc(v, func(r rune) bool { return r == ',' || unicode.IsSpace(r) }), src
}

// Fetch queries one account: the model families first (trying each Cloud
// Code host on 429, 5xx or network failure), then, best effort on the
// host that answered, the quota buckets and the plan.
func (p *Provider) Fetch(ctx context.Context, t quota.Target) (quota.Account, error) {
	acct := quota.Account{Name: t.Name}
	if t.Err != nil {
		return acct, t.Err
	}
	c, ok := t.Data.(*cred)
	if !ok {
		return acct, &quota.Error{Kind: quota.KindInternal}
	}
	acct.Source = c.source
	acct.Facts = slices.Clone(c.facts)

	tok, err := p.accessToken(ctx, c, false)
	if err != nil {
		return acct, err
	}
	body, _ := json.Marshal(map[string]string{"project": c.project})
	resp, base, err := p.models(ctx, tok, body)
	if quota.KindOf(err) == quota.KindUnauthorized && c.refresh != "" {
		// The token was rejected before its expiry: mint a new one once.
		// Without a configured client the rejection itself is the news.
		tok2, err2 := p.accessToken(ctx, c, true)
		if err2 != nil && quota.KindOf(err2) != quota.KindBadConfig {
			return acct, err2
		}
		if err2 == nil {
			tok = tok2
			resp, base, err = p.models(ctx, tok, body)
		}
	}
	if err != nil {
		return acct, err
	}
	windows, err := parseModels(resp.Body)
	if err != nil {
		return acct, httpx.Malformed(resp, err.Error())
	}

	var (
		wg      sync.WaitGroup
		buckets []quota.Window
	)
	wg.Go(func() {
		if r, err := p.post(ctx, base, pathSummary, tok, body); err == nil {
			buckets, _ = parseSummary(r.Body)
		}
	})
	wg.Go(func() {
		if r, err := p.post(ctx, base, pathAssist, tok, []byte(`{"metadata":{"ideType":"ANTIGRAVITY"}}`)); err == nil {
			acct.Plan = parsePlan(r.Body)
		}
	})
	wg.Wait()
	acct.Windows = append(windows, buckets...)
	return acct, nil
}

// models calls fetchAvailableModels on each host in turn and returns the
// first success with the host that gave it.
func (p *Provider) models(ctx context.Context, tok string, body []byte) (*httpx.Response, string, error) {
	bases, src := p.bases()
	var last error
	for _, base := range bases {
		r, err := p.post(ctx, base, pathModels, tok, body)
		if err == nil {
			return r, base, nil
		}
		last = err
		if ctx.Err() != nil || !nextBase(err) {
			break
		}
	}
	if last == nil {
		last = &quota.Error{Kind: quota.KindBadConfig, Field: src}
	}
	return nil, "", httpx.FromStatus(last)
}

// nextBase reports whether another host may answer: after a rate limit, a
// server error or a network failure, not after a definite answer.
func nextBase(err error) bool {
	var se *httpx.StatusError
	if errors.As(err, &se) {
		return se.Status == http.StatusTooManyRequests || se.Status >= 500
	}
	switch quota.KindOf(err) {
	case quota.KindConnection, quota.KindDNS, quota.KindTimeout, quota.KindTLS:
		return true
	}
	return false
}

// post sends one Cloud Code call.
func (p *Provider) post(ctx context.Context, base, path, tok string, body []byte) (*httpx.Response, error) {
	_, src := p.bases()
	u, err := httpx.JoinURL(base, path, src)
	if err != nil {
		return nil, err
	}
	ua, _ := p.d.Settings.Get("antigravity_user_agent")
	if ua == "" {
		ua = DefaultUserAgent
	}
	return p.d.HTTP.Post(ctx, u, "application/json", body, http.Header{
		"Authorization": {"Bearer " + tok},
		"User-Agent":    {ua},
		"Accept":        {"application/json"},
	})
}

// Package anthropic reports Claude Pro/Max subscription usage: every limit
// the OAuth usage endpoint lists (5-hour, 7-day, per-model and per-surface
// weekly limits, the one that binds now marked), dollar credit grants and
// pay-as-you-go extra usage as money, with OpenCode's "anthropic" login.
// The profile endpoint, queried beside it, names the account (its e-mail)
// and the plan.
//
// An expired access token is reported, never refreshed: Claude's refresh
// tokens rotate on use, and spending one here would log OpenCode out.
package anthropic

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"github.com/mystatus/mystatus/lib/httpx"
	"github.com/mystatus/mystatus/lib/jsonval"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/quota"
)

const (
	baseSetting = "anthropic_base_url"
	defaultBase = "https://api.anthropic.com"
	usagePath   = "/api/oauth/usage"
	profilePath = "/api/oauth/profile"
	authKey     = "anthropic"
	defaultName = "Claude"
)

// Provider is the Anthropic platform. It holds no mutable state and is
// safe for concurrent use.
type Provider struct {
	d provider.Deps
}

// creds is the OAuth login of one target.
type creds struct {
	access  string
	expires time.Time
	path    string
	plan    string // the plan the credential file names, when the profile does not
	source  string // the account's quota.Account.Source ("" with one source)
}

// New returns the Anthropic provider.
func New(d provider.Deps) *Provider { return &Provider{d: d} }

// ID is the platform's identifier.
const ID quota.PlatformID = "anthropic"

// ID returns [ID].
func (p *Provider) ID() quota.PlatformID { return ID }

// Info names the auth.json key and Claude Code's credential file.
func (p *Provider) Info() quota.Info {
	_, _, err := p.d.Auth.OpenCode(authKey)
	_, cerr := p.claudeCode()
	return quota.Info{
		ID: ID,
		Sources: []quota.Source{p.d.Auth.Paths.OpenCodeSource(authKey),
			{Path: p.ClaudeCodePath(), What: `"claudeAiOauth"`}},
		Configured: err != quota.ErrNotConfigured || !errors.Is(cerr, quota.ErrNotConfigured),
	}
}

// Discover reads the "anthropic" auth.json entry and Claude Code's login
// (see discover). Problems that need no request (an API key, a missing or
// expired token) become the target's error.
func (p *Provider) Discover(ctx context.Context) ([]quota.Target, error) {
	oc, err := p.opencode()
	return p.discover(oc, err)
}

// opencode reads the "anthropic" auth.json entry as a candidate target.
func (p *Provider) opencode() (candidate, error) {
	e, path, err := p.d.Auth.OpenCode(authKey)
	if err != nil {
		return candidate{}, err
	}
	name := defaultName
	for _, k := range []string{"email", "accountEmail", "account.email", "account.email_address"} {
		if v := strings.TrimSpace(e.Raw.Get(k).String()); v != "" {
			name = v
			break
		}
	}
	c := candidate{name: name, refresh: e.Refresh,
		creds: creds{access: e.Access, expires: e.Expires, path: path, source: sourceOpenCode}}
	fail := func(qe *quota.Error) (candidate, error) {
		qe.Path = path
		c.err = qe
		return c, nil
	}
	switch {
	case e.Type == "api":
		return fail((&quota.Error{Kind: quota.KindNotSubscribed, Field: authKey + ".type"}).
			With("detail.anthropic.api_key", nil))
	case e.Type != "oauth":
		return fail((&quota.Error{Kind: quota.KindFieldMissing, Field: authKey + ".type"}).
			With("detail.field.expected", map[string]any{"Want": `"oauth"`}))
	case e.Access == "":
		return fail((&quota.Error{Kind: quota.KindFieldMissing, Field: authKey + ".access"}).With("detail.field.missing", nil))
	case e.Expired(p.d.Clock()):
		return fail(expired(e.Expires, authKey+".expires"))
	}
	return c, nil
}

func expired(at time.Time, field string) *quota.Error {
	return (&quota.Error{Kind: quota.KindTokenExpired, Field: field}).
		With("detail.token.expired", map[string]any{"At": at})
}

// Fetch queries the usage endpoint for one target.
func (p *Provider) Fetch(ctx context.Context, t quota.Target) (quota.Account, error) {
	if t.Err != nil {
		return quota.Account{}, t.Err
	}
	c, ok := t.Data.(creds)
	if !ok {
		return quota.Account{}, &quota.Error{Kind: quota.KindInternal, Detail: "anthropic: unknown target data"}
	}
	// A host may hold a target past the token's expiry.
	if !c.expires.IsZero() && c.expires.Before(p.d.Clock()) {
		qe := expired(c.expires, authKey+".expires")
		if c.path != p.d.Auth.Paths.OpenCodeAuth() {
			qe.Field = "claudeAiOauth.expiresAt"
		}
		qe.Path = c.path
		return quota.Account{}, qe
	}
	u, err := p.d.Endpoint(baseSetting, defaultBase, usagePath)
	if err != nil {
		return quota.Account{}, err
	}
	pu, err := p.d.Endpoint(baseSetting, defaultBase, profilePath)
	if err != nil {
		return quota.Account{}, err
	}
	h := http.Header{}
	h.Set("Authorization", "Bearer "+c.access)
	h.Set("Anthropic-Beta", "oauth-2025-04-20")
	h.Set("Accept", "application/json")
	h.Set("User-Agent", "claude-cli/2.1.0 (external, cli)")
	// The profile (e-mail, plan) is fetched beside the usage, not after
	// it; it only names the account, so its failure is ignored.
	profc := make(chan profile, 1)
	pctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		var pr profile
		if resp, err := p.d.HTTP.Get(pctx, pu, h.Clone()); err == nil {
			pr = parseProfile(resp.Body)
		}
		profc <- pr
	}()
	resp, err := p.d.HTTP.GetRetry(ctx, u, h)
	if err != nil {
		err = classify(err)
		if k := quota.KindOf(err); c.path != p.d.Auth.Paths.OpenCodeAuth() && (k == quota.KindTokenExpired || k == quota.KindUnauthorized) {
			// Claude Code's login: its steps (the variant) follow the path.
			quota.AsError(err).Path = c.path
		}
		return quota.Account{}, err
	}
	name := t.Name
	if name == "" {
		name = defaultName
	}
	acct, err := parseUsage(resp.Body, name)
	if err != nil {
		return quota.Account{}, httpx.MalformedFrom(resp, err)
	}
	var pr profile
	select {
	case pr = <-profc:
	case <-ctx.Done():
	}
	acct.Identity = pr.id
	if pr.email != "" {
		acct.Name = pr.email
	}
	acct.Plan = pr.plan
	if acct.Plan == "" {
		acct.Plan = c.plan
	}
	acct.Source = c.source
	return acct, nil
}

// classify maps a non-2xx answer, reading Anthropic's
// {"type":"error","error":{"type","message"}} envelope.
func classify(err error) error {
	var se *httpx.StatusError
	if !errors.As(err, &se) {
		return err
	}
	qe := quota.AsError(httpx.FromStatus(err))
	msg := gjson.GetBytes(se.Body, "error.message")
	if msg.Type == gjson.String && msg.Str != "" {
		qe.Detail = httpx.Truncate(quota.Scrub(msg.Str), httpx.DetailLen)
	}
	switch {
	case se.Status == http.StatusTooManyRequests:
		// This endpoint throttles polling; a 429 says nothing about the
		// plan's own allowance, however long the requested delay.
		qe.Kind = quota.KindRateLimited
	case se.Status == http.StatusUnauthorized && strings.Contains(strings.ToLower(msg.Str), "expired"):
		qe.Kind = quota.KindTokenExpired
	}
	return qe
}

// profile is what /api/oauth/profile tells about the account.
type profile struct {
	email string
	plan  string
	// id is the account and organization the token belongs to (their
	// uuids), else the e-mail: the same for two logins to one account.
	id string
}

// parseProfile reads account.email and the plan from a profile body
// (organization.organization_type "claude_max", rate_limit_tier
// "default_claude_max_5x" give "max 5x"). A body it cannot read gives the
// zero profile.
func parseProfile(body []byte) profile {
	if jsonval.CheckDepth(body, jsonval.MaxDepth) != nil || !gjson.ValidBytes(body) {
		return profile{}
	}
	root := gjson.ParseBytes(body)
	var pr profile
	if e := cleanName(root.Get("account.email").String()); strings.Contains(e, "@") {
		pr.email = e
	}
	switch acct := root.Get("account.uuid").String(); {
	case len(acct) >= 32: // a UUID (recorded fixtures blank theirs)
		pr.id = acct + "/" + root.Get("organization.uuid").String()
	case pr.email != "":
		pr.id = strings.ToLower(pr.email)
	}
	org := strings.ToLower(cleanName(root.Get("organization.organization_type").String()))
	switch plan, ok := strings.CutPrefix(org, "claude_"); {
	case ok && plan != "":
		pr.plan = plan
	case root.Get("account.has_claude_max").Type == gjson.True:
		pr.plan = "max"
	case root.Get("account.has_claude_pro").Type == gjson.True:
		pr.plan = "pro"
	}
	tier := root.Get("organization.rate_limit_tier").String()
	for _, x := range []string{"5x", "20x"} {
		if pr.plan == "max" && strings.HasSuffix(tier, "_"+x) {
			pr.plan += " " + x
		}
	}
	return pr
}

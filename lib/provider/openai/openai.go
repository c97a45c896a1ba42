// Package openai reports the ChatGPT / Codex plan usage of the OpenAI
// login stored by OpenCode. The access token is used as it is and never
// refreshed: OpenAI refresh tokens rotate on use, and spending one here
// would log the user out of OpenCode and the Codex CLI.
package openai

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/httpx"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/quota"
)

// DefaultBaseURL is the ChatGPT backend; the setting "openai_base_url"
// (MYSTATUS_OPENAI_BASE_URL) replaces it.
const DefaultBaseURL = "https://chatgpt.com/backend-api"

const (
	authKey     = "openai"
	baseSetting = "openai_base_url"
	usagePath   = "/wham/usage"
)

// Provider is the OpenAI platform. It keeps no mutable state, so one
// value may serve concurrent reports.
type Provider struct {
	d provider.Deps
}

// New returns the OpenAI provider.
func New(d provider.Deps) *Provider { return &Provider{d: d} }

// ID is the platform's identifier.
const ID quota.PlatformID = "openai"

// ID returns [ID].
func (p *Provider) ID() quota.PlatformID { return ID }

// Info names the credential sources (OpenCode's entry, the Codex CLI's
// login) and whether either holds an OpenAI login.
func (p *Provider) Info() quota.Info {
	_, _, err := p.credentials()
	_, cerr := p.codexLogin()
	return quota.Info{
		ID: ID,
		Sources: []quota.Source{p.d.Auth.Paths.OpenCodeSource("openai"),
			{Path: p.CodexPath(), What: `"tokens"`}},
		Configured: !errors.Is(err, quota.ErrNotConfigured) || !errors.Is(cerr, quota.ErrNotConfigured),
	}
}

// cred is what Fetch needs from a Target.
type cred struct {
	access    string
	accountID string
	path      string
	source    string // the account's quota.Account.Source ("" with one source)
}

// credentials reads the auth.json entry. An API-key entry (OpenAI API
// billing, not a ChatGPT plan) has no usage to report and counts as not
// configured; an OAuth entry without a token is reported.
func (p *Provider) credentials() (auth.Entry, string, error) {
	e, path, err := p.d.Auth.OpenCode(authKey)
	if err != nil {
		return e, path, err
	}
	switch e.Type {
	case "oauth":
	case "api":
		return e, path, quota.ErrNotConfigured
	default:
		return e, path, &quota.Error{Kind: quota.KindFieldMissing, Path: path, Field: authKey + ".type"}
	}
	if e.Access == "" {
		return e, path, &quota.Error{Kind: quota.KindFieldMissing, Path: path, Field: authKey + ".access"}
	}
	return e, path, nil
}

// Discover returns the OpenAI accounts of OpenCode's and the Codex CLI's
// logins: one target when both hold the same account (see merge), one
// each otherwise. A source that cannot be read fails alone when the other
// holds a login.
func (p *Provider) Discover(ctx context.Context) ([]quota.Target, error) {
	now := p.d.Clock()
	oc, oerr := p.opencodeLogin()
	cx, cerr := p.codexLogin()
	switch {
	case errors.Is(cerr, quota.ErrNotConfigured):
		if oerr != nil {
			return nil, oerr
		}
		return []quota.Target{oc.target(now, false)}, nil
	case errors.Is(oerr, quota.ErrNotConfigured):
		if cerr != nil {
			return nil, cerr
		}
		return []quota.Target{cx.target(now, false)}, nil
	case oerr != nil || cerr != nil:
		var ts []quota.Target
		for _, s := range []struct {
			l   login
			src string
			err error
		}{{oc, sourceOpenCode, oerr}, {cx, sourceCodex, cerr}} {
			if s.err != nil {
				ts = append(ts, quota.Target{Key: "openai:" + s.src, Err: s.err})
			} else {
				ts = append(ts, s.l.target(now, true))
			}
		}
		return ts, nil
	}
	var ts []quota.Target
	for _, l := range merge(oc, cx, now) {
		ts = append(ts, l.target(now, true))
	}
	return ts, nil
}

// Fetch queries the usage endpoint for t.
func (p *Provider) Fetch(ctx context.Context, t quota.Target) (quota.Account, error) {
	c, ok := t.Data.(cred)
	if !ok {
		return quota.Account{}, quota.Errorf(quota.KindInternal, "target %q was not discovered by the openai provider", t.Key)
	}
	url, err := p.d.Endpoint(baseSetting, DefaultBaseURL, usagePath)
	if err != nil {
		return quota.Account{}, err
	}
	h := http.Header{}
	h.Set("Authorization", "Bearer "+c.access)
	h.Set("Accept", "application/json")
	if c.accountID != "" {
		// Without it Team/Enterprise logins get their personal (free) usage.
		h.Set("ChatGPT-Account-Id", c.accountID)
	}
	resp, err := p.d.HTTP.GetRetry(ctx, url, h)
	if err != nil {
		return quota.Account{}, classify(err, c.path, p.d.Clock())
	}
	a, err := parseUsage(resp.Body, p.d.Clock())
	if err != nil {
		return quota.Account{}, httpx.MalformedFrom(resp, err)
	}
	if t.Name != "" {
		a.Name = t.Name
	}
	a.Source = c.source
	return a, nil
}

// classify maps OpenAI's own error bodies before the generic rules: an
// expired session (401 token_expired) and an exhausted plan (429
// usage_limit_reached) carry more than their status says. A login that
// OpenAI revoked on its side (401 token_invalidated or token_revoked)
// stays unauthorized with that code, which picks steps that sign in again
// rather than renew (see lib/explain CodeMessages).
func classify(err error, path string, now time.Time) error {
	var se *httpx.StatusError
	if !errors.As(err, &se) {
		return err
	}
	e := quota.AsError(httpx.FromStatus(err))
	if !gjson.ValidBytes(se.Body) {
		// Codex reports a revoked login in plain text ("Encountered
		// invalidated oauth token for user ... auth error code:
		// token_revoked").
		if low := strings.ToLower(string(se.Body)); se.Status == http.StatusUnauthorized &&
			(strings.Contains(low, "token_revoked") || strings.Contains(low, "invalidated oauth token")) {
			e.Code = "token_revoked"
		}
		return e
	}
	body := gjson.ParseBytes(se.Body)
	// Two shapes: {"detail": {"code", "message"}} (or a bare detail
	// string) and {"error": {"type", "code", "message", ...}}.
	code := first(body, "detail.code", "error.code", "error.type")
	if msg := first(body, "detail.message", "error.message", "detail"); msg != "" {
		e.Detail = httpx.Truncate(quota.Scrub(msg), httpx.DetailLen)
	}
	if isCode(code) {
		e.Code = code
	}
	switch {
	case se.Status == http.StatusUnauthorized && code == "token_expired":
		e.Kind = quota.KindTokenExpired
		e.Path = path
	case se.Status == http.StatusTooManyRequests && hasType(body, "usage_limit_reached"):
		e.Kind = quota.KindQuotaExhausted
		e.Code = "usage_limit_reached"
		e.ResetAt = resetAt(body.Get("error"), now)
	case hasType(body, "usage_not_included"):
		e.Kind = quota.KindNotSubscribed
		e.Code = "usage_not_included"
	}
	return e
}

// first returns the first non-empty string among paths.
func first(body gjson.Result, paths ...string) string {
	for _, p := range paths {
		if r := body.Get(p); r.Type == gjson.String && r.Str != "" {
			return r.Str
		}
	}
	return ""
}

// hasType reports whether the error object names the given type or code.
func hasType(body gjson.Result, typ string) bool {
	return body.Get("error.type").String() == typ || body.Get("error.code").String() == typ
}

// resetAt reads resets_at (epoch seconds) or resets_in_seconds.
func resetAt(e gjson.Result, now time.Time) time.Time {
	if at := e.Get("resets_at"); at.Type == gjson.Number && at.Float() > 0 && at.Float() < maxEpochSeconds {
		return time.Unix(at.Int(), 0)
	}
	if d := seconds(e.Get("resets_in_seconds")); d > 0 {
		return now.Add(d)
	}
	return time.Time{}
}

// isCode reports whether s looks like an error code ("token_expired"):
// anything else an upstream puts there (an echoed token, prose) is not
// kept.
func isCode(s string) bool {
	if s == "" || len(s) > 64 || quota.ScrubKnown(s) != s {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '.' || r == '-') {
			return false
		}
	}
	return true
}

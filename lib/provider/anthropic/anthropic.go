// Package anthropic reports Claude Pro/Max subscription usage: the 5-hour
// and 7-day limits, per-model 7-day limits and pay-as-you-go extra usage,
// from the OAuth usage endpoint with OpenCode's "anthropic" login.
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
	"unicode"
	"unicode/utf8"

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
}

// New returns the Anthropic provider.
func New(d provider.Deps) *Provider { return &Provider{d: d} }

// ID returns quota.Anthropic.
func (p *Provider) ID() quota.PlatformID { return quota.Anthropic }

// Info names the auth.json key.
func (p *Provider) Info() quota.Info {
	_, _, err := p.d.Auth.OpenCode(authKey)
	return quota.Info{
		ID:         quota.Anthropic,
		Sources:    []quota.Source{p.d.Auth.Paths.OpenCodeSource(authKey)},
		Configured: err != quota.ErrNotConfigured,
	}
}

// Discover reads the "anthropic" auth.json entry. Problems that need no
// request (an API key, a missing or expired token) become the target's
// error.
func (p *Provider) Discover(ctx context.Context) ([]quota.Target, error) {
	e, path, err := p.d.Auth.OpenCode(authKey)
	if err != nil {
		return nil, err
	}
	name := defaultName
	for _, k := range []string{"email", "accountEmail", "account.email", "account.email_address"} {
		if v := strings.TrimSpace(e.Raw.Get(k).String()); v != "" {
			name = v
			break
		}
	}
	fail := func(qe *quota.Error) []quota.Target {
		qe.Path = path
		return []quota.Target{{Key: "anthropic:" + path, Name: name, Err: qe}}
	}
	switch {
	case e.Type == "api":
		return fail(&quota.Error{Kind: quota.KindNotSubscribed, Field: authKey + ".type",
			Detail: "API keys have no plan usage"}), nil
	case e.Type != "oauth":
		return fail(&quota.Error{Kind: quota.KindFieldMissing, Field: authKey + ".type",
			Detail: `expected "oauth"`}), nil
	case e.Access == "":
		return fail(&quota.Error{Kind: quota.KindFieldMissing, Field: authKey + ".access", Detail: "missing"}), nil
	case e.Expired(p.d.Clock()):
		return fail(expired(e.Expires)), nil
	}
	return []quota.Target{{Key: "oauth:" + quota.Fingerprint(e.Access), Name: name,
		Data: creds{access: e.Access, expires: e.Expires, path: path}}}, nil
}

func expired(at time.Time) *quota.Error {
	return &quota.Error{Kind: quota.KindTokenExpired, Field: authKey + ".expires",
		Detail: "expired at " + at.UTC().Format(time.RFC3339)}
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
		qe := expired(c.expires)
		qe.Path = c.path
		return quota.Account{}, qe
	}
	u, err := p.d.Endpoint(baseSetting, defaultBase, usagePath)
	if err != nil {
		return quota.Account{}, err
	}
	h := http.Header{}
	h.Set("Authorization", "Bearer "+c.access)
	h.Set("Anthropic-Beta", "oauth-2025-04-20")
	h.Set("Accept", "application/json")
	h.Set("User-Agent", "claude-cli/2.1.0 (external, cli)")
	resp, err := p.d.HTTP.GetRetry(ctx, u, h)
	if err != nil {
		return quota.Account{}, classify(err)
	}
	name := t.Name
	if name == "" {
		name = defaultName
	}
	acct, err := parseUsage(resp.Body, name)
	if err != nil {
		var qe *quota.Error
		errors.As(err, &qe)
		return quota.Account{}, httpx.Malformed(resp, qe.Detail)
	}
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
		qe.Detail = httpx.Truncate(msg.Str, httpx.DetailLen)
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

// parseUsage reads the /api/oauth/usage body. Utilizations are percent
// used (0–100); name is the account name unless the body carries an
// e-mail.
func parseUsage(body []byte, name string) (quota.Account, error) {
	if !gjson.ValidBytes(body) {
		return quota.Account{}, &quota.Error{Kind: quota.KindMalformed, Detail: "not JSON"}
	}
	root := gjson.ParseBytes(body)
	if !root.IsObject() || (!root.Get("five_hour").Exists() && !root.Get("seven_day").Exists()) {
		return quota.Account{}, &quota.Error{Kind: quota.KindMalformed, Detail: "no five_hour or seven_day"}
	}
	acct := quota.Account{Name: name}
	for _, k := range []string{"email", "account.email", "account.email_address"} {
		if v := strings.TrimSpace(root.Get(k).String()); v != "" {
			acct.Name = v
			break
		}
	}
	const week = 7 * 24 * time.Hour
	if w, ok := window(root.Get("five_hour"), quota.KindRate, 5*time.Hour, ""); ok {
		acct.Windows = append(acct.Windows, w)
	}
	if w, ok := window(root.Get("seven_day"), quota.KindRate, week, ""); ok {
		acct.Windows = append(acct.Windows, w)
	}
	root.ForEach(func(k, v gjson.Result) bool {
		if suffix, ok := strings.CutPrefix(k.String(), "seven_day_"); ok && suffix != "" {
			if w, ok := window(v, quota.KindModel, week, titleCase(suffix)); ok {
				acct.Windows = append(acct.Windows, w)
			}
		}
		return true
	})
	if x := root.Get("extra_usage"); x.IsObject() && x.Get("is_enabled").Bool() {
		acct.Windows = append(acct.Windows, extraUsage(x))
		if cur := strings.TrimSpace(x.Get("currency").String()); cur != "" {
			acct.Credits = &quota.Credits{Currency: cur}
		}
	}
	return acct, nil
}

// window reads one {utilization, resets_at} object; null means the
// window does not apply to this plan.
func window(v gjson.Result, kind quota.WindowKind, period time.Duration, name string) (quota.Window, bool) {
	if !v.IsObject() {
		return quota.Window{}, false
	}
	w := quota.Window{Kind: kind, Period: period, Name: name}
	if u := v.Get("utilization"); u.Type == gjson.Number && jsonval.Finite(u.Float()) {
		w.UsedPct = u.Float()
	} else {
		w.NoData = true
	}
	if t, err := time.Parse(time.RFC3339Nano, v.Get("resets_at").String()); err == nil {
		w.ResetAt = t.UTC()
	}
	return w, true
}

// extraUsage reads the pay-as-you-go block as reported (credits, in the
// unit the API uses); without a monthly limit it has no cap.
func extraUsage(x gjson.Result) quota.Window {
	w := quota.Window{Kind: quota.KindExtraUsage, Unit: "credits"}
	if u := x.Get("used_credits"); u.Type == gjson.Number && jsonval.Finite(u.Float()) {
		used := u.Float()
		w.Used = &used
	}
	if l := x.Get("monthly_limit"); l.Type == gjson.Number && jsonval.Finite(l.Float()) {
		limit := l.Float()
		w.Limit = &limit
	}
	switch u := x.Get("utilization"); {
	case u.Type == gjson.Number && jsonval.Finite(u.Float()):
		w.UsedPct = u.Float()
	case w.Used != nil && w.Limit != nil && *w.Limit > 0:
		w.UsedPct = *w.Used / *w.Limit * 100
	case w.Limit == nil:
		w.Unlimited = true
	default:
		w.NoData = true
	}
	return w
}

// titleCase turns an upstream key suffix ("oauth_apps") into the
// display name the API implies ("Oauth Apps").
func titleCase(s string) string {
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '_' || r == '-' })
	for i, p := range parts {
		r, n := utf8.DecodeRuneInString(p)
		parts[i] = string(unicode.ToUpper(r)) + p[n:]
	}
	return strings.Join(parts, " ")
}

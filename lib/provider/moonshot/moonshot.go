// Package moonshot reports the prepaid balance of a Moonshot AI (Kimi
// open platform) API account: GET /v1/users/me/balance, read with the
// API key OpenCode stores in its auth.json. Moonshot runs two separate
// platforms, each its own provider here: the global one (api.moonshot.ai,
// balances in USD) and the mainland-China one (api.moonshot.cn, in CNY);
// a key of one is refused by the other. The Kimi Code coding plan is a
// different product (package kimi).
package moonshot

import (
	"context"
	"errors"

	"github.com/tidwall/gjson"

	"github.com/mystatus/mystatus/lib/httpx"
	"github.com/mystatus/mystatus/lib/jsonval"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/quota"
)

// Platform identifiers.
const (
	ID   quota.PlatformID = "moonshot"   // global, api.moonshot.ai
	IDCN quota.PlatformID = "moonshotcn" // mainland China, api.moonshot.cn
)

// Default base URLs; the settings "moonshot_base_url" and
// "moonshotcn_base_url" (MYSTATUS_MOONSHOT_BASE_URL,
// MYSTATUS_MOONSHOTCN_BASE_URL) replace them.
const (
	DefaultBaseURL   = "https://api.moonshot.ai"
	DefaultBaseURLCN = "https://api.moonshot.cn"
)

// Base-URL settings.
const (
	Setting   = "moonshot_base_url"
	SettingCN = "moonshotcn_base_url"
)

// The OpenCode auth.json keys read: the provider ids models.dev gives the
// two platforms ("Moonshot AI" and "Moonshot AI (China)"), which `opencode
// auth login` writes as {"type": "api", "key": …}. MOONSHOT_API_KEY is
// not read: no platform of mystatus reads keys from the environment (and
// the one variable would not say which platform the key belongs to).
const (
	AuthKey   = "moonshotai"
	AuthKeyCN = "moonshotai-cn"
)

const balancePath = "/v1/users/me/balance"

// Provider is one Moonshot platform. It keeps no mutable state, so one
// value may serve concurrent reports.
type Provider struct {
	d        provider.Deps
	id       quota.PlatformID
	authKey  string // auth.json key
	setting  string // base URL setting name
	base     string // default base URL
	currency string // the platform's balance currency; the body does not say
}

// New returns the global Moonshot AI provider (api.moonshot.ai, USD).
func New(d provider.Deps) *Provider {
	return &Provider{d: d, id: ID, authKey: AuthKey, setting: Setting, base: DefaultBaseURL, currency: "USD"}
}

// NewCN returns the mainland-China Moonshot AI provider (api.moonshot.cn,
// CNY).
func NewCN(d provider.Deps) *Provider {
	return &Provider{d: d, id: IDCN, authKey: AuthKeyCN, setting: SettingCN, base: DefaultBaseURLCN, currency: "CNY"}
}

// ID returns "moonshot" or "moonshotcn".
func (p *Provider) ID() quota.PlatformID { return p.id }

// Describe tells the shared packages about the platform.
func (p *Provider) Describe() provider.Description {
	aliases := []string{"moonshotai"}
	if p.id == IDCN {
		aliases = []string{"moonshotai-cn", "moonshot-cn"}
	}
	return provider.Description{
		ID:        p.id,
		Aliases:   aliases,
		AuthKeys:  []string{p.authKey},
		Endpoints: []provider.Endpoint{{Setting: p.setting, Default: p.base, Paths: []string{balancePath}}},
	}
}

// Info names the credential source and whether it holds a key.
func (p *Provider) Info() quota.Info {
	_, err := p.key()
	return quota.Info{
		ID:         p.id,
		Sources:    []quota.Source{p.d.Auth.Paths.OpenCodeSource(p.authKey)},
		Configured: !errors.Is(err, quota.ErrNotConfigured),
	}
}

// key reads the API key from auth.json (see [provider.APIKey]).
func (p *Provider) key() (string, error) {
	k, _, err := provider.APIKey(p.d.Auth, []string{p.authKey})
	return k, err
}

// Discover returns the one account, named by its masked key. Without a
// key it returns quota.ErrNotConfigured and nothing is requested.
func (p *Provider) Discover(ctx context.Context) ([]quota.Target, error) {
	k, err := p.key()
	if err != nil {
		return nil, err
	}
	return []quota.Target{provider.KeyTarget(p.id, k)}, nil
}

// Fetch queries the balance endpoint for t.
func (p *Provider) Fetch(ctx context.Context, t quota.Target) (quota.Account, error) {
	key, err := provider.TargetKey(p.id, t)
	if err != nil {
		return quota.Account{}, err
	}
	resp, err := p.d.GetBearer(ctx, p.setting, p.base, balancePath, key)
	if err != nil {
		return quota.Account{}, classify(err)
	}
	a, err := parseBalance(resp.Body, p.currency)
	if err != nil {
		return quota.Account{}, provider.ParseFailure(resp, err)
	}
	a.Name = t.Name
	return a, nil
}

// classify maps a non-2xx answer carrying Moonshot's error envelope by
// its type, and anything else by the generic rules.
func classify(err error) error {
	var se *httpx.StatusError
	if !errors.As(err, &se) {
		return err
	}
	generic := quota.AsError(httpx.FromStatus(err))
	if jsonval.CheckDepth(se.Body, jsonval.MaxDepth) != nil || !gjson.ValidBytes(se.Body) {
		return generic
	}
	root := gjson.ParseBytes(se.Body)
	if !root.Get("error").IsObject() {
		return generic
	}
	e := envelopeError(root)
	switch e.Kind {
	case quota.KindMalformed:
		// An unknown or missing type says less than the HTTP status.
		if e.Code != "" || e.DetailID == "" {
			generic.Code, generic.Detail = e.Code, e.Detail
		}
		return generic
	case quota.KindRateLimited:
		// The status and Retry-After tell a short limit from a long one.
		if generic.Kind == quota.KindRateLimited || generic.Kind == quota.KindQuotaExhausted {
			generic.Code, generic.Detail = e.Code, e.Detail
			return generic
		}
	}
	e.Status, e.URL, e.RetryAfter, e.Err = se.Status, se.URL, se.RetryAfter, se
	return e
}

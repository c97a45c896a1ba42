// Package kimi reports the Kimi Code coding plan (Moonshot AI's
// subscription for coding agents): the 5-hour request window and the
// weekly request quota from GET https://api.kimi.com/coding/v1/usages,
// read with the API key OpenCode stores in its auth.json.
package kimi

import (
	"context"
	"errors"

	"github.com/tidwall/gjson"

	"github.com/mystatus/mystatus/lib/httpx"
	"github.com/mystatus/mystatus/lib/jsonval"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/quota"
)

// ID is the platform's identifier.
const ID quota.PlatformID = "kimi"

// DefaultBaseURL is the Kimi Code API root (the base its coding agents
// are given); the setting "kimi_base_url" (MYSTATUS_KIMI_BASE_URL)
// replaces it.
const DefaultBaseURL = "https://api.kimi.com/coding"

// Setting is the base-URL setting.
const Setting = "kimi_base_url"

const usagesPath = "/v1/usages"

// AuthKeys are the OpenCode auth.json keys read, in this order:
// "kimi-for-coding" is the provider id OpenCode (models.dev) gives Kimi
// For Coding, which `opencode auth login` writes; "kimi-code" and "kimi"
// are the ids users give a hand-made provider for the same key, read by
// peers too (slkiser/opencode-quota). The first usable entry wins.
// "moonshotai" is deliberately absent: that is the pay-as-you-go Moonshot
// platform, whose keys have no coding plan.
var AuthKeys = []string{"kimi-for-coding", "kimi-code", "kimi"}

// Provider is the Kimi Code platform. It keeps no mutable state, so one
// value may serve concurrent reports.
type Provider struct{ d provider.Deps }

// New returns the Kimi Code provider.
func New(d provider.Deps) *Provider { return &Provider{d: d} }

// ID returns "kimi".
func (p *Provider) ID() quota.PlatformID { return ID }

// Describe tells the shared packages about the platform.
func (p *Provider) Describe() provider.Description {
	return provider.Description{
		ID:        ID,
		Aliases:   []string{"kimi-code", "kimi-for-coding"},
		AuthKeys:  AuthKeys,
		Endpoints: []provider.Endpoint{{Setting: Setting, Default: DefaultBaseURL, Paths: []string{usagesPath}}},
	}
}

// Info names the credential source and whether it holds a key.
func (p *Provider) Info() quota.Info {
	_, used, err := p.key()
	if used == "" {
		used = AuthKeys[0]
	}
	return quota.Info{
		ID:         ID,
		Sources:    []quota.Source{p.d.Auth.Paths.OpenCodeSource(used)},
		Configured: !errors.Is(err, quota.ErrNotConfigured),
	}
}

// key reads the API key from the first auth.json entry of AuthKeys that
// holds one (see [provider.APIKey]), and the entry it came from.
func (p *Provider) key() (key, from string, err error) {
	return provider.APIKey(p.d.Auth, AuthKeys)
}

// Discover returns the one account, named by its masked key. Without a
// key it returns quota.ErrNotConfigured and nothing is requested.
func (p *Provider) Discover(ctx context.Context) ([]quota.Target, error) {
	k, _, err := p.key()
	if err != nil {
		return nil, err
	}
	return []quota.Target{provider.KeyTarget(ID, k)}, nil
}

// Fetch queries the usages endpoint for t.
func (p *Provider) Fetch(ctx context.Context, t quota.Target) (quota.Account, error) {
	key, err := provider.TargetKey(ID, t)
	if err != nil {
		return quota.Account{}, err
	}
	resp, err := p.d.GetBearer(ctx, Setting, DefaultBaseURL, usagesPath, key)
	if err != nil {
		return quota.Account{}, classify(err)
	}
	a, err := parseUsages(resp.Body)
	if err != nil {
		return quota.Account{}, provider.ParseFailure(resp, err)
	}
	a.Name = t.Name
	return a, nil
}

// classify maps a non-2xx answer carrying Kimi's own error envelope by
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
	if root.Get("error.type").Type != gjson.String {
		return generic
	}
	e := envelopeError(root)
	switch e.Kind {
	case quota.KindMalformed:
		// An unknown type says less than the HTTP status.
		generic.Code, generic.Detail = e.Code, e.Detail
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

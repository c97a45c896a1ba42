// Package openrouter reports an OpenRouter API key: its credit limit (a
// money window that resets daily, weekly or monthly when the key is set
// up so) from GET https://openrouter.ai/api/v1/key, and the account's
// prepaid balance from GET /v1/credits, read with the API key OpenCode
// stores in its auth.json.
package openrouter

import (
	"context"
	"errors"
	"net/http"

	"github.com/mystatus/mystatus/lib/httpx"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/quota"
)

// ID is the platform's identifier.
const ID quota.PlatformID = "openrouter"

// DefaultBaseURL is the OpenRouter API root; the setting
// "openrouter_base_url" (MYSTATUS_OPENROUTER_BASE_URL) replaces it.
const DefaultBaseURL = "https://openrouter.ai/api"

// Setting is the base-URL setting.
const Setting = "openrouter_base_url"

const (
	keyPath     = "/v1/key"
	creditsPath = "/v1/credits"
)

// AuthKeys are the OpenCode auth.json keys read: "openrouter" is the
// provider id OpenCode (models.dev) gives OpenRouter, which `opencode
// auth login` writes.
var AuthKeys = []string{"openrouter"}

// Provider is the OpenRouter platform. It keeps no mutable state, so one
// value may serve concurrent reports.
type Provider struct{ d provider.Deps }

// New returns the OpenRouter provider.
func New(d provider.Deps) *Provider { return &Provider{d: d} }

// ID returns "openrouter".
func (p *Provider) ID() quota.PlatformID { return ID }

// Describe tells the shared packages about the platform.
func (p *Provider) Describe() provider.Description {
	return provider.Description{
		ID:        ID,
		Aliases:   []string{"open-router"},
		AuthKeys:  AuthKeys,
		Endpoints: []provider.Endpoint{{Setting: Setting, Default: DefaultBaseURL, Paths: []string{keyPath, creditsPath}}},
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

// Discover returns the one account, named by its masked key. Without a
// key it returns quota.ErrNotConfigured and nothing is requested.
func (p *Provider) Discover(ctx context.Context) ([]quota.Target, error) {
	k, _, err := p.key()
	if err != nil {
		return nil, err
	}
	return []quota.Target{provider.KeyTarget(ID, k)}, nil
}

// Fetch reads the key's limit, then the account's balance. The balance
// needs a management key on some accounts: when /credits alone refuses
// (or fails), the key's window is still shown, with a note saying why the
// balance is missing.
func (p *Provider) Fetch(ctx context.Context, t quota.Target) (quota.Account, error) {
	key, err := provider.TargetKey(ID, t)
	if err != nil {
		return quota.Account{}, err
	}
	keyURL, err := p.d.Endpoint(Setting, DefaultBaseURL, keyPath)
	if err != nil {
		return quota.Account{}, err
	}
	creditsURL, err := p.d.Endpoint(Setting, DefaultBaseURL, creditsPath)
	if err != nil {
		return quota.Account{}, err
	}
	h := http.Header{}
	h.Set("Authorization", "Bearer "+key)
	h.Set("Accept", "application/json")

	resp, err := p.d.HTTP.GetRetry(ctx, keyURL, h)
	if err != nil {
		return quota.Account{}, classify(err)
	}
	now := p.d.Clock()
	a, err := parseKey(resp.Body, now)
	if err != nil {
		return quota.Account{}, malformed(resp, err)
	}

	cresp, err := p.d.HTTP.GetRetry(ctx, creditsURL, h)
	switch {
	case err != nil && ctx.Err() != nil:
		return quota.Account{}, classify(err)
	case err != nil:
		switch quota.KindOf(classify(err)) {
		case quota.KindUnauthorized, quota.KindForbidden:
			// An inference key may not read the account's credits.
			a.Facts = append(a.Facts, quota.Fact{ID: FactBalanceNeedsManagementKey})
		default:
			a.Facts = append(a.Facts, quota.Fact{ID: FactBalanceUnavailable})
		}
	default:
		w, ok, err := parseCredits(cresp.Body)
		switch {
		case err != nil:
			a.Facts = append(a.Facts, quota.Fact{ID: FactBalanceUnavailable})
		case ok:
			a.Windows = append(a.Windows, w)
		}
	}
	a.Name = t.Name
	return a, nil
}

// malformed completes a parser's error with what the answer was.
func malformed(resp *httpx.Response, err error) error {
	e := quota.AsError(err)
	if e.Kind == quota.KindMalformed && e.Code == "" {
		e = quota.AsError(httpx.MalformedFrom(resp, e))
	}
	e.Status, e.URL = resp.Status, resp.URL
	return e
}

// classify maps a non-2xx answer by the generic rules (OpenRouter's
// error codes are the HTTP statuses), keeping its message as the detail.
func classify(err error) error {
	var se *httpx.StatusError
	if !errors.As(err, &se) {
		return err
	}
	e := quota.AsError(httpx.FromStatus(err))
	if se.Status == http.StatusPaymentRequired {
		// Out of credits: nothing resets it but a top-up.
		e.Kind = quota.KindQuotaExhausted
	}
	if msg := envelopeMessage(se.Body); msg != "" {
		e.Detail = httpx.Truncate(msg, httpx.DetailLen)
	}
	return e
}

// key reads the API key from the first auth.json entry of AuthKeys that
// holds one (see [provider.APIKey]), and the entry it came from.
func (p *Provider) key() (key, from string, err error) {
	return provider.APIKey(p.d.Auth, AuthKeys)
}

// Package deepseek reports the prepaid balance of a DeepSeek API account
// (platform.deepseek.com): GET https://api.deepseek.com/user/balance,
// read with the API key OpenCode stores in its auth.json. DeepSeek has no
// plan and no usage window; what is left is money, one amount per
// currency the account holds.
package deepseek

import (
	"context"
	"errors"
	"net/http"

	"github.com/tidwall/gjson"

	"github.com/mystatus/mystatus/lib/httpx"
	"github.com/mystatus/mystatus/lib/jsonval"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/quota"
)

// ID is the platform's identifier.
const ID quota.PlatformID = "deepseek"

// DefaultBaseURL is the DeepSeek API root; the setting
// "deepseek_base_url" (MYSTATUS_DEEPSEEK_BASE_URL) replaces it.
const DefaultBaseURL = "https://api.deepseek.com"

// Setting is the base-URL setting.
const Setting = "deepseek_base_url"

// balancePath is outside the OpenAI-compatible /v1 namespace: a base
// ending in /v1 is not the API root.
const balancePath = "/user/balance"

// AuthKey is the OpenCode auth.json key read: "deepseek" is the provider
// id models.dev gives DeepSeek, which `opencode auth login` writes as
// {"type": "api", "key": …}. DEEPSEEK_API_KEY is not read: no platform
// of mystatus reads keys from the environment, only from OpenCode.
const AuthKey = "deepseek"

// Provider is the DeepSeek platform. It keeps no mutable state, so one
// value may serve concurrent reports.
type Provider struct{ d provider.Deps }

// New returns the DeepSeek provider.
func New(d provider.Deps) *Provider { return &Provider{d: d} }

// ID returns "deepseek".
func (p *Provider) ID() quota.PlatformID { return ID }

// Describe tells the shared packages about the platform.
func (p *Provider) Describe() provider.Description {
	return provider.Description{
		ID:        ID,
		AuthKeys:  []string{AuthKey},
		Endpoints: []provider.Endpoint{{Setting: Setting, Default: DefaultBaseURL, Paths: []string{balancePath}}},
	}
}

// Info names the credential source and whether it holds a key.
func (p *Provider) Info() quota.Info {
	_, err := p.key()
	return quota.Info{
		ID:         ID,
		Sources:    []quota.Source{p.d.Auth.Paths.OpenCodeSource(AuthKey)},
		Configured: !errors.Is(err, quota.ErrNotConfigured),
	}
}

// key reads the API key from auth.json (see [provider.APIKey]).
func (p *Provider) key() (string, error) {
	k, _, err := provider.APIKey(p.d.Auth, []string{AuthKey})
	return k, err
}

// Discover returns the one account, named by its masked key. Without a
// key it returns quota.ErrNotConfigured and nothing is requested.
func (p *Provider) Discover(ctx context.Context) ([]quota.Target, error) {
	k, err := p.key()
	if err != nil {
		return nil, err
	}
	return []quota.Target{provider.KeyTarget(ID, k)}, nil
}

// Fetch queries the balance endpoint for t.
func (p *Provider) Fetch(ctx context.Context, t quota.Target) (quota.Account, error) {
	key, err := provider.TargetKey(ID, t)
	if err != nil {
		return quota.Account{}, err
	}
	resp, err := p.d.GetBearer(ctx, Setting, DefaultBaseURL, balancePath, key)
	if err != nil {
		return quota.Account{}, classify(err)
	}
	a, err := parseBalance(resp.Body)
	if err != nil {
		return quota.Account{}, provider.ParseFailure(resp, err)
	}
	a.Name = t.Name
	return a, nil
}

// classify maps a non-2xx answer by its status (DeepSeek's error types
// are few and generic: the status is what its error reference documents),
// keeping the envelope's type and message; 402 is DeepSeek's "Insufficient
// Balance", which the generic rules do not know.
func classify(err error) error {
	var se *httpx.StatusError
	if !errors.As(err, &se) {
		return err
	}
	e := quota.AsError(httpx.FromStatus(err))
	if se.Status == http.StatusPaymentRequired {
		e.Kind = quota.KindQuotaExhausted
	}
	if jsonval.CheckDepth(se.Body, jsonval.MaxDepth) != nil || !gjson.ValidBytes(se.Body) {
		return e
	}
	root := gjson.ParseBytes(se.Body)
	if root.Get("error").IsObject() {
		// The status decides the kind; the envelope says what DeepSeek
		// called it.
		typ, msg := root.Get("error.type").String(), root.Get("error.message").String()
		if typ != "" {
			e.Code = httpx.Truncate(typ, 60)
		}
		if msg != "" {
			e.Detail = httpx.Truncate(msg, httpx.DetailLen)
		}
	}
	return e
}

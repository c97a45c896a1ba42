// Package opencodego reports the OpenCode Go subscription: its rolling
// 5-hour, weekly and monthly usage from GET
// https://opencode.ai/zen/go/v1/usage, read with the API key OpenCode
// stores in its auth.json.
package opencodego

import (
	"context"
	"errors"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/mystatus/mystatus/lib/httpx"
	"github.com/mystatus/mystatus/lib/jsonval"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/quota"
)

// ID is the platform's identifier.
const ID quota.PlatformID = "opencodego"

// DefaultBaseURL is the OpenCode Go API root (its models live under
// /v1 of it); the setting "opencodego_base_url"
// (MYSTATUS_OPENCODEGO_BASE_URL) replaces it.
const DefaultBaseURL = "https://opencode.ai/zen/go"

// Setting is the base-URL setting.
const Setting = "opencodego_base_url"

const usagePath = "/v1/usage"

// AuthKeys are the OpenCode auth.json keys read, in this order:
// "opencode-go" is the provider id `opencode auth login` writes for
// OpenCode Go (models.dev's opencode-go); "opencode" is the older id of
// OpenCode's own provider, where setups made before the Go provider
// existed keep the same console API key. Only an {"type": "api"} entry
// under "opencode" is read: an OAuth entry there is OpenCode's console
// sign-in, which this endpoint refuses.
var AuthKeys = []string{"opencode-go", "opencode"}

// Provider is the OpenCode Go platform. It keeps no mutable state, so one
// value may serve concurrent reports.
type Provider struct{ d provider.Deps }

// New returns the OpenCode Go provider.
func New(d provider.Deps) *Provider { return &Provider{d: d} }

// ID returns "opencodego".
func (p *Provider) ID() quota.PlatformID { return ID }

// Describe tells the shared packages about the platform.
func (p *Provider) Describe() provider.Description {
	return provider.Description{
		ID:        ID,
		Aliases:   []string{"opencode-go"},
		AuthKeys:  AuthKeys,
		Endpoints: []provider.Endpoint{{Setting: Setting, Default: DefaultBaseURL, Paths: []string{usagePath}}},
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

// key reads the API key: the "opencode-go" entry, else an API-key entry
// under "opencode". It returns the key and the entry it came from. A
// broken "opencode-go" entry is reported when "opencode" holds no key
// either; anything under "opencode" that is not an API key is OpenCode's
// business and ignored.
func (p *Provider) key() (key, from string, err error) {
	e, path, err := p.d.Auth.OpenCode(AuthKeys[0])
	var broken error
	switch {
	case errors.Is(err, quota.ErrNotConfigured):
	case err != nil:
		return "", AuthKeys[0], err // the file itself is unreadable
	case e.Type != "api":
		broken = &quota.Error{Kind: quota.KindFieldMissing, Path: path, Field: AuthKeys[0] + ".type"}
	case strings.TrimSpace(e.Key) == "":
		broken = &quota.Error{Kind: quota.KindFieldMissing, Path: path, Field: AuthKeys[0] + ".key"}
	default:
		return strings.TrimSpace(e.Key), AuthKeys[0], nil
	}
	if legacy, _, err := p.d.Auth.OpenCode(AuthKeys[1]); err == nil && legacy.Type == "api" && strings.TrimSpace(legacy.Key) != "" {
		return strings.TrimSpace(legacy.Key), AuthKeys[1], nil
	}
	if broken != nil {
		return "", AuthKeys[0], broken
	}
	return "", "", quota.ErrNotConfigured
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

// Fetch queries the usage endpoint for t.
func (p *Provider) Fetch(ctx context.Context, t quota.Target) (quota.Account, error) {
	key, err := provider.TargetKey(ID, t)
	if err != nil {
		return quota.Account{}, err
	}
	resp, err := p.d.GetBearer(ctx, Setting, DefaultBaseURL, usagePath, key)
	if err != nil {
		return quota.Account{}, classify(err)
	}
	a, err := parseUsage(resp.Body)
	if err != nil {
		return quota.Account{}, provider.ParseFailure(resp, err)
	}
	a.Name = t.Name
	return a, nil
}

// classify maps a non-2xx answer carrying OpenCode's own error envelope
// by its type, and anything else by the generic rules.
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
	if !root.IsObject() || !isEnvelope(root) {
		return generic
	}
	e := envelopeError(root)
	switch e.Kind {
	case quota.KindMalformed:
		// An unknown type says less than the HTTP status.
		if e.Code != "" {
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

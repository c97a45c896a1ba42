// Package minimax reports the MiniMax coding plan (now sold as the Token
// Plan): each model's rolling 5-hour interval and weekly window from GET
// /v1/api/openplatform/coding_plan/remains, read with the plan's API key
// (sk-cp-…) that OpenCode stores in its auth.json. Two platforms share
// the implementation: MiniMax global (api.minimax.io) and MiniMax's
// mainland China site (api.minimaxi.com), differing in the auth.json
// keys and the endpoint.
package minimax

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/mystatus/mystatus/lib/httpx"
	"github.com/mystatus/mystatus/lib/jsonval"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/quota"
)

// The platforms' identifiers.
const (
	GlobalID quota.PlatformID = "minimax"
	ChinaID  quota.PlatformID = "minimaxcn"
)

// Default base URLs; the settings "minimax_base_url" and
// "minimaxcn_base_url" (MYSTATUS_MINIMAX_BASE_URL,
// MYSTATUS_MINIMAXCN_BASE_URL) replace them.
const (
	DefaultGlobalBaseURL = "https://api.minimax.io"
	DefaultChinaBaseURL  = "https://api.minimaxi.com"
)

// Base-URL settings.
const (
	GlobalSetting = "minimax_base_url"
	ChinaSetting  = "minimaxcn_base_url"
)

const (
	// remainsPath is the coding plan's quota endpoint.
	remainsPath = "/v1/api/openplatform/coding_plan/remains"
	// tokenPlanPath is the Token Plan's name for the same figures, asked
	// when remainsPath wants a browser session rather than the key (the
	// mainland host answers 1004 "cookie is missing" there: CodexBar
	// issue #1326; MiniMax's own CLI reads this path).
	tokenPlanPath = "/v1/token_plan/remains"
)

// Auth.json keys read, in this order. OpenCode names an entry after its
// models.dev provider id: "minimax-coding-plan" and
// "minimax-cn-coding-plan" are the coding (Token) plan providers, whose
// keys these endpoints answer; "minimax" and "minimax-cn" are the
// pay-as-you-go providers, where setups made before the plan providers
// existed (January 2026) keep the plan's key.
var (
	GlobalAuthKeys = []string{"minimax-coding-plan", "minimax"}
	ChinaAuthKeys  = []string{"minimax-cn-coding-plan", "minimax-cn"}
)

// Provider is the MiniMax global or mainland platform. It keeps no
// mutable state, so one value may serve concurrent reports.
type Provider struct {
	d       provider.Deps
	id      quota.PlatformID
	keys    []string // auth.json keys
	setting string   // base URL setting name
	base    string   // default base URL
	aliases []string
}

// NewGlobal returns the MiniMax global (minimax.io) provider.
func NewGlobal(d provider.Deps) *Provider {
	return &Provider{d: d, id: GlobalID, keys: GlobalAuthKeys, setting: GlobalSetting, base: DefaultGlobalBaseURL,
		aliases: []string{"minimax-coding-plan", "minimax-global"}}
}

// NewChina returns the MiniMax mainland China (minimaxi.com) provider.
func NewChina(d provider.Deps) *Provider {
	return &Provider{d: d, id: ChinaID, keys: ChinaAuthKeys, setting: ChinaSetting, base: DefaultChinaBaseURL,
		aliases: []string{"minimax-cn", "minimax-cn-coding-plan", "minimaxi"}}
}

// ID returns GlobalID or ChinaID.
func (p *Provider) ID() quota.PlatformID { return p.id }

// Describe tells the shared packages about the platform.
func (p *Provider) Describe() provider.Description {
	return provider.Description{
		ID:        p.id,
		Aliases:   p.aliases,
		AuthKeys:  p.keys,
		Endpoints: []provider.Endpoint{{Setting: p.setting, Default: p.base, Paths: []string{remainsPath, tokenPlanPath}}},
	}
}

// Info names the credential source and whether it holds a key.
func (p *Provider) Info() quota.Info {
	_, used, err := p.key()
	if used == "" {
		used = p.keys[0]
	}
	return quota.Info{
		ID:         p.id,
		Sources:    []quota.Source{p.d.Auth.Paths.OpenCodeSource(used)},
		Configured: !errors.Is(err, quota.ErrNotConfigured),
	}
}

// key reads the API key from the first auth.json entry of the platform's keys that
// holds one (see [provider.APIKey]), and the entry it came from.
func (p *Provider) key() (key, from string, err error) {
	return provider.APIKey(p.d.Auth, p.keys)
}

// Discover returns the one account, named by its masked key. Without a
// key it returns quota.ErrNotConfigured and nothing is requested.
func (p *Provider) Discover(ctx context.Context) ([]quota.Target, error) {
	k, _, err := p.key()
	if err != nil {
		return nil, err
	}
	return []quota.Target{provider.KeyTarget(p.id, k)}, nil
}

// Fetch queries the coding plan's remains endpoint for t, and the Token
// Plan's when the first wants a browser session or does not exist.
func (p *Provider) Fetch(ctx context.Context, t quota.Target) (quota.Account, error) {
	key, err := provider.TargetKey(p.id, t)
	if err != nil {
		return quota.Account{}, err
	}
	first, err := p.d.Endpoint(p.setting, p.base, remainsPath)
	if err != nil {
		return quota.Account{}, err
	}
	second, err := p.d.Endpoint(p.setting, p.base, tokenPlanPath)
	if err != nil {
		return quota.Account{}, err
	}
	h := http.Header{}
	h.Set("Authorization", "Bearer "+key)
	h.Set("Accept", "application/json")
	// The coding plan path counts what is left, the Token Plan's what
	// was used (see parseRemains).
	a, err := p.fetch(ctx, first, h, true)
	if err != nil && wantsOtherPath(err) && ctx.Err() == nil {
		a, err = p.fetch(ctx, second, h, false)
	}
	if err != nil {
		return quota.Account{}, err
	}
	a.Name = t.Name
	return a, nil
}

// fetch asks one remains endpoint.
func (p *Provider) fetch(ctx context.Context, url string, h http.Header, countsLeft bool) (quota.Account, error) {
	resp, err := p.d.HTTP.GetRetry(ctx, url, h)
	if err != nil {
		return quota.Account{}, classify(err)
	}
	a, err := parseRemains(resp.Body, p.d.Clock(), countsLeft)
	if err != nil {
		e := quota.AsError(err)
		if e.Kind == quota.KindMalformed && e.Code == "" {
			e = quota.AsError(httpx.MalformedFrom(resp, e))
		}
		e.Status, e.URL = resp.Status, resp.URL
		return quota.Account{}, e
	}
	return a, nil
}

// wantsOtherPath tells a first answer that says nothing about the key:
// 1004 "cookie is missing" (the path wants a console session) or a 404.
func wantsOtherPath(err error) bool {
	e := quota.AsError(err)
	if e == nil {
		return false
	}
	return e.Kind == quota.KindNotFound ||
		(e.Code == "1004" && strings.Contains(strings.ToLower(e.Detail), "cookie"))
}

// classify maps a non-2xx answer that carries MiniMax's base_resp by its
// status code, and anything else by the generic rules.
func classify(err error) error {
	var se *httpx.StatusError
	if !errors.As(err, &se) {
		return err
	}
	generic := quota.AsError(httpx.FromStatus(err))
	if jsonval.CheckDepth(se.Body, jsonval.MaxDepth) != nil || !gjson.ValidBytes(se.Body) {
		return generic
	}
	base := baseResp(gjson.ParseBytes(se.Body))
	if code, ok := jsonval.Number(base.Get("status_code")); !ok || code == 0 {
		return generic
	}
	e := baseError(base)
	switch e.Kind {
	case quota.KindMalformed:
		// An unknown code says less than the HTTP status.
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
	return httpx.Promote(e)
}

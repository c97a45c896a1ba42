// Package zhipu reports the GLM Coding Plan quota of Zhipu AI
// (bigmodel.cn) and Z.ai (api.z.ai). Both sites serve the same monitor
// API; one implementation serves both, differing only in the auth.json
// key and the endpoint.
package zhipu

import (
	"bytes"
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

// Default base URLs; the settings "zhipu_base_url" and "zai_base_url"
// (MYSTATUS_ZHIPU_BASE_URL, MYSTATUS_ZAI_BASE_URL) replace them.
const (
	DefaultZhipuBaseURL = "https://bigmodel.cn"
	DefaultZAIBaseURL   = "https://api.z.ai"
)

const limitPath = "/api/monitor/usage/quota/limit"

// Platform IDs.
const (
	IDZhipu quota.PlatformID = "zhipu"
	IDZAI   quota.PlatformID = "zai"
)

// Provider is the Zhipu AI or the Z.ai platform. It keeps no mutable
// state, so one value may serve concurrent reports.
type Provider struct {
	d       provider.Deps
	id      quota.PlatformID
	authKey string // auth.json key
	setting string // base URL setting name
	base    string // default base URL
}

// NewZhipu returns the Zhipu AI (bigmodel.cn) provider.
func NewZhipu(d provider.Deps) *Provider {
	return &Provider{d: d, id: IDZhipu, authKey: "zhipuai-coding-plan", setting: "zhipu_base_url", base: DefaultZhipuBaseURL}
}

// NewZAI returns the Z.ai provider.
func NewZAI(d provider.Deps) *Provider {
	return &Provider{d: d, id: IDZAI, authKey: "zai-coding-plan", setting: "zai_base_url", base: DefaultZAIBaseURL}
}

// ID returns IDZhipu or IDZAI.
func (p *Provider) ID() quota.PlatformID { return p.id }

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

// Discover returns the one account of the platform, named by its masked
// key.
func (p *Provider) Discover(ctx context.Context) ([]quota.Target, error) {
	k, err := p.key()
	if err != nil {
		return nil, err
	}
	return []quota.Target{provider.KeyTarget(p.id, k)}, nil
}

// Fetch queries the quota endpoint for t.
func (p *Provider) Fetch(ctx context.Context, t quota.Target) (quota.Account, error) {
	key, err := provider.TargetKey(p.id, t)
	if err != nil {
		return quota.Account{}, err
	}
	url, err := p.d.Endpoint(p.setting, p.base, limitPath)
	if err != nil {
		return quota.Account{}, err
	}
	h := http.Header{}
	// The raw key, without "Bearer", as the official plugin sends it.
	h.Set("Authorization", key)
	h.Set("Accept", "application/json")
	resp, err := p.d.HTTP.GetRetry(ctx, url, h)
	if err != nil {
		// Redact before anything truncates the body: a cut key would no
		// longer match.
		var se *httpx.StatusError
		if errors.As(err, &se) {
			se.Body = redactKey(se.Body, key)
		}
		return quota.Account{}, scrub(classify(err), key)
	}
	resp.Body = redactKey(resp.Body, key)
	a, err := parseLimits(resp.Body, p.d.Clock())
	if err != nil {
		e := quota.AsError(err)
		if e.Kind == quota.KindMalformed && e.Code == "" {
			e = quota.AsError(httpx.MalformedFrom(resp, e))
		}
		e.URL = resp.URL
		return quota.Account{}, scrub(e, key)
	}
	a.Name = t.Name
	return a, nil
}

// classify maps a non-2xx answer that still carries a known business
// code by that code, and anything else by the generic rules.
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
	if !root.Get("code").Exists() && !root.Get("error.code").Exists() {
		return generic
	}
	e := envelopeError(root)
	if e.Kind == quota.KindMalformed {
		// An unknown code says less than the HTTP status.
		generic.Code, generic.Detail = e.Code, e.Detail
		return generic
	}
	e.Status, e.URL, e.RetryAfter, e.Err = se.Status, se.URL, se.RetryAfter, se
	return e
}

// keyParts are the strings that must never leave the process: the key
// and each of its "<id>.<secret>" halves (halves shorter than 6 bytes are
// too common to be told from text).
func keyParts(key string) []string {
	parts := []string{key}
	if id, secret, ok := strings.Cut(key, "."); ok {
		parts = append(parts, id, secret)
	}
	out := parts[:0]
	for _, p := range parts {
		if len(p) >= 6 {
			out = append(out, p)
		}
	}
	return out
}

// redactKey replaces every key part in an upstream body.
func redactKey(body []byte, key string) []byte {
	for _, p := range keyParts(key) {
		body = bytes.ReplaceAll(body, []byte(p), []byte(quota.Redacted))
	}
	return body
}

// scrub removes the key, and each of its "<id>.<secret>" halves, should
// an upstream message echo them. The masked form is not used here: even
// its first and last characters are a fragment of the secret.
func scrub(err error, key string) error {
	var e *quota.Error
	if !errors.As(err, &e) || key == "" {
		return err
	}
	for _, p := range keyParts(key) {
		e.Detail = strings.ReplaceAll(e.Detail, p, quota.Redacted)
	}
	e.Detail = quota.Scrub(e.Detail)
	return err
}

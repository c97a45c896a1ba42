package provider

import (
	"context"
	"net/http"

	"github.com/mystatus/mystatus/lib/httpx"
	"github.com/mystatus/mystatus/lib/quota"
)

// keyCred is what an API-key platform's target carries.
type keyCred struct{ key string }

// KeyTarget is the one target of a platform that signs in with an API
// key: keyed by the key's fingerprint, named by the key masked.
func KeyTarget(id quota.PlatformID, key string) quota.Target {
	return quota.Target{Key: string(id) + ":" + quota.Fingerprint(key), Name: quota.MaskKey(key), Data: keyCred{key}}
}

// TargetKey is the API key [KeyTarget] put in t; a target another
// platform discovered is an internal error.
func TargetKey(id quota.PlatformID, t quota.Target) (string, error) {
	c, ok := t.Data.(keyCred)
	if !ok {
		return "", quota.Errorf(quota.KindInternal, "target %q was not discovered by the %s provider", t.Key, id)
	}
	return c.key, nil
}

// GetBearer GETs the platform's endpoint (the setting's base URL, else
// base, joined with path) with key as a Bearer token, asking for JSON;
// the client retries a fast failure once (see httpx.Client.GetRetry).
func (d Deps) GetBearer(ctx context.Context, setting, base, path, key string) (*httpx.Response, error) {
	u, err := d.Endpoint(setting, base, path)
	if err != nil {
		return nil, err
	}
	h := http.Header{}
	h.Set("Authorization", "Bearer "+key)
	h.Set("Accept", "application/json")
	return d.HTTP.GetRetry(ctx, u, h)
}

// ParseFailure is err, a parser's failure on resp's body, with the
// response's status and URL; a malformed body the parser gave no code
// gets the response's own detail (httpx.MalformedFrom).
func ParseFailure(resp *httpx.Response, err error) error {
	e := quota.AsError(err)
	if e.Kind == quota.KindMalformed && e.Code == "" {
		e = quota.AsError(httpx.MalformedFrom(resp, e))
	}
	e.Status, e.URL = resp.Status, resp.URL
	return e
}

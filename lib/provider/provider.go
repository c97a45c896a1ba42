// Package provider holds what every platform package receives from main:
// the shared HTTP client, the credential store, settings and the clock.
// Platform packages live in subdirectories; [all] lists them in order.
package provider

import (
	"strings"
	"time"

	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/httpx"
)

// Deps are the dependencies of a platform.
type Deps struct {
	HTTP *httpx.Client
	Auth *auth.Store
	// Settings resolves configuration; see [Settings.Get].
	Settings Settings
	// Now is the clock.
	Now func() time.Time
}

// Settings resolves a setting by name: the environment variable
// MYSTATUS_<NAME> wins over the config file key <name>.
type Settings struct {
	Getenv func(string) string
	File   map[string]string
}

// Get returns the setting called name (lower snake case, e.g.
// "openai_base_url") and where it came from ("MYSTATUS_OPENAI_BASE_URL" or
// "config:openai_base_url"); both empty when unset.
func (s Settings) Get(name string) (value, source string) {
	env := "MYSTATUS_" + strings.ToUpper(name)
	if s.Getenv != nil {
		if v := strings.TrimSpace(s.Getenv(env)); v != "" {
			return v, env
		}
	}
	if v := strings.TrimSpace(s.File[name]); v != "" {
		return v, "config:" + name
	}
	return "", ""
}

// BaseURL returns the base URL for a platform: the setting name (e.g.
// "openai_base_url") if set, else def. The source names the variable for
// error messages.
func (d Deps) BaseURL(name, def string) (base, source string) {
	if v, src := d.Settings.Get(name); v != "" {
		return v, src
	}
	return def, ""
}

// Endpoint joins the platform base URL and an endpoint path, reporting a
// malformed override as a bad_config error.
func (d Deps) Endpoint(name, def, path string) (string, error) {
	base, src := d.BaseURL(name, def)
	if src == "" {
		src = "default"
	}
	return httpx.JoinURL(base, path, src)
}

// Clock returns d.Now or time.Now.
func (d Deps) Clock() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

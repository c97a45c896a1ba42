package provider

import (
	"encoding/base64"
	"errors"
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/quota"
)

// AuthEntry is what a platform's OpenCode auth.json entry must hold, for
// [CheckAuthEntry].
type AuthEntry struct {
	// Key is the auth.json key ("openai").
	Key string
	// Type is the entry's required "type" ("oauth", "api").
	Type string
	// Field is the field that must be non-empty ("access", "key",
	// "refresh"). Alternatives separated by "|" are tried in order, for
	// entries older OpenCode versions wrote differently; a missing field is
	// reported under the first.
	Field string
	// Expires tells whether the access token's lifetime matters: true for
	// tokens mystatus never renews.
	Expires bool
}

// CheckAuthEntry checks spec's entry of auth.json for doctor: its type,
// the required field and, when spec.Expires, the access token's expiry
// (the earlier of the stored one and the JWT's own exp, as the platforms
// themselves decide). It records nothing when auth.json is absent or
// broken: doctor's file check has said so.
func CheckAuthEntry(c Checkup, spec AuthEntry) {
	if c.File(c.Deps().Auth.Paths.OpenCodeAuth()) == nil {
		return
	}
	e, path, err := c.Deps().Auth.OpenCode(spec.Key)
	if errors.Is(err, quota.ErrNotConfigured) {
		c.OK(CheckCredentials, "", path, c.T("doctor.entry.absent", map[string]any{"Path": path, "Key": spec.Key}))
		return
	}
	if err != nil {
		if !c.Reported(quota.KindOf(err), path) {
			c.Problem(SevError, CheckCredentials, "", err)
		}
		return
	}
	fields := strings.Split(spec.Field, "|")
	value := ""
	for _, f := range fields {
		if value = entryField(e, f); strings.TrimSpace(value) != "" {
			break
		}
	}
	switch {
	case e.Type != spec.Type:
		c.Problem(SevError, CheckCredentials, "", &quota.Error{Kind: quota.KindFieldMissing, Path: path,
			Field: spec.Key + ".type", Detail: c.T("doctor.entry.type", map[string]any{"Got": quota.Scrub(e.Type), "Want": spec.Type})})
		return
	case strings.TrimSpace(value) == "":
		c.Problem(SevError, CheckCredentials, "", &quota.Error{Kind: quota.KindFieldMissing, Path: path, Field: spec.Key + "." + fields[0]})
		return
	}
	if !spec.Expires {
		c.OK(CheckCredentials, "", path, c.T("doctor.entry.ok", map[string]any{"Path": path}))
		return
	}
	exp := e.Expires
	if j := JWTExpiry(e.Access); !j.IsZero() && (exp.IsZero() || j.Before(exp)) {
		exp = j
	}
	now := c.Now()
	switch {
	case exp.IsZero():
		c.OK(CheckCredentials, "", path, c.T("doctor.entry.ok", map[string]any{"Path": path}))
	case exp.Before(now):
		c.Problem(SevWarn, CheckExpiry, "", &quota.Error{Kind: quota.KindTokenExpired, Path: path, Field: spec.Key + ".expires",
			Detail: c.T("doctor.expired.detail", map[string]any{"At": c.When(exp)})})
	default:
		c.OK(CheckExpiry, "", path, c.T("doctor.entry.valid_until", map[string]any{"Path": path,
			"Until": c.When(exp), "In": c.In(exp.Sub(now))}))
	}
}

// entryField is the auth.json entry field called name.
func entryField(e auth.Entry, name string) string {
	switch name {
	case "access":
		return e.Access
	case "key":
		return e.Key
	case "refresh":
		return e.Refresh
	}
	return ""
}

// JWTExpiry reads the exp claim of a JWT without verifying it; zero when
// the token is not a readable JWT.
func JWTExpiry(token string) time.Time {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return time.Time{}
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil || !gjson.ValidBytes(payload) {
		return time.Time{}
	}
	if exp := gjson.GetBytes(payload, "exp"); exp.Type == gjson.Number && exp.Int() > 0 {
		return auth.MillisOrSeconds(exp.Int())
	}
	return time.Time{}
}

// CheckAuthEntries checks, for a platform that reads the first usable of
// several auth.json keys, each entry present (one finding per entry), or
// says once that none is when all are absent.
func CheckAuthEntries(c Checkup, keys []string, spec AuthEntry) {
	present := 0
	for _, k := range keys {
		if _, _, err := c.Deps().Auth.OpenCode(k); errors.Is(err, quota.ErrNotConfigured) {
			continue
		}
		present++
		s := spec
		s.Key = k
		CheckAuthEntry(c, s)
	}
	if present == 0 && len(keys) > 0 {
		s := spec
		s.Key = keys[0]
		CheckAuthEntry(c, s) // records the absence, under the key login writes
	}
}

// APIKey reads an API key from the first of OpenCode's auth.json entries
// keys (`{"type": "api", "key": …}`) that holds one, and names the entry
// it came from. An entry that exists but is unusable (another type, an
// empty key) is reported, with its path and field, when no later entry is
// usable either; an unreadable auth.json is reported at once; with no
// entry at all it returns [quota.ErrNotConfigured]. The platforms that
// sign in with an API key share it so each reads auth.json the same way.
func APIKey(a *auth.Store, keys []string) (key, from string, err error) {
	var broken error
	var brokenKey string
	for _, k := range keys {
		e, path, err := a.OpenCode(k)
		if errors.Is(err, quota.ErrNotConfigured) {
			continue
		}
		if err != nil {
			return "", k, err // the file itself is unreadable: no entry can be read
		}
		var bad error
		switch {
		case e.Type != "api":
			bad = &quota.Error{Kind: quota.KindFieldMissing, Path: path, Field: k + ".type"}
		case strings.TrimSpace(e.Key) == "":
			bad = &quota.Error{Kind: quota.KindFieldMissing, Path: path, Field: k + ".key"}
		default:
			return strings.TrimSpace(e.Key), k, nil
		}
		if broken == nil {
			broken, brokenKey = bad, k
		}
	}
	if broken != nil {
		return "", brokenKey, broken
	}
	return "", "", quota.ErrNotConfigured
}

package anthropic

import (
	"errors"
	"path/filepath"
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/quota"
)

// Claude Code's own login is a second source of the same subscription. On
// Linux and Windows it keeps it in ~/.claude/.credentials.json, under
// $CLAUDE_CONFIG_DIR when that is set:
//
//	{"claudeAiOauth": {"accessToken", "refreshToken", "expiresAt" (ms),
//	  "scopes": [...], "subscriptionType", "rateLimitTier"}}
//
// (the same file may hold MCP servers' logins beside it). On macOS Claude
// Code keeps it in the Keychain, which mystatus does not read. The token
// is used as it is and never refreshed: Claude's refresh tokens rotate, and
// spending one here would log Claude Code out.

// Account sources, recorded on quota.Account.Source when both hold a login.
const (
	sourceOpenCode   = "opencode"
	sourceClaudeCode = "claude-code"
)

// claudeCodeFile is Claude Code's credential file, in its config directory.
const claudeCodeFile = ".credentials.json"

// claudeCodeDir is Claude Code's config directory: $CLAUDE_CONFIG_DIR when
// set, else ~/.claude.
func (p *Provider) claudeCodeDir() string {
	if p.d.Settings.Getenv != nil {
		if v := strings.TrimSpace(p.d.Settings.Getenv("CLAUDE_CONFIG_DIR")); v != "" {
			return v
		}
	}
	return filepath.Join(p.d.Auth.Paths.Home, ".claude")
}

// ClaudeCodePath is where Claude Code keeps its login for these settings.
func (p *Provider) ClaudeCodePath() string {
	return filepath.Join(p.claudeCodeDir(), claudeCodeFile)
}

// ccLogin is what Claude Code's file holds.
type ccLogin struct {
	access, refresh string
	expires         time.Time // zero when the file names none
	plan            string    // "max 5x", from subscriptionType and rateLimitTier
}

// parseClaudeCode reads a .credentials.json body (already valid JSON). A
// file without claudeAiOauth (MCP logins only) is not configured.
func parseClaudeCode(data []byte) (ccLogin, error) {
	root := gjson.ParseBytes(data)
	if !root.IsObject() {
		return ccLogin{}, (&quota.Error{Kind: quota.KindFileMalformed}).With("detail.json.top_not_object", nil)
	}
	o := root.Get("claudeAiOauth")
	switch {
	case !o.Exists() || o.Type == gjson.Null:
		return ccLogin{}, quota.ErrNotConfigured
	case !o.IsObject():
		return ccLogin{}, (&quota.Error{Kind: quota.KindFieldMissing, Field: "claudeAiOauth"}).With("detail.json.not_object", nil)
	}
	access := o.Get("accessToken")
	if access.Type != gjson.String || strings.TrimSpace(access.Str) == "" {
		return ccLogin{}, (&quota.Error{Kind: quota.KindFieldMissing, Field: "claudeAiOauth.accessToken"}).With("detail.field.missing", nil)
	}
	l := ccLogin{access: strings.TrimSpace(access.Str), refresh: o.Get("refreshToken").String()}
	if ex := o.Get("expiresAt"); ex.Type == gjson.Number && ex.Int() > 0 && ex.Float() < 1e15 {
		l.expires = auth.MillisOrSeconds(ex.Int())
	}
	if plan := strings.ToLower(cleanName(o.Get("subscriptionType").String())); plan != "" {
		tier := o.Get("rateLimitTier").String()
		for _, x := range []string{"5x", "20x"} {
			if plan == "max" && strings.HasSuffix(tier, "_"+x) {
				plan += " " + x
			}
		}
		l.plan = plan
	}
	return l, nil
}

// claudeCode reads Claude Code's login as a candidate target.
func (p *Provider) claudeCode() (candidate, error) {
	path := p.ClaudeCodePath()
	f, err := p.d.Auth.Read(path)
	if err != nil {
		if auth.IsMissing(err) {
			return candidate{}, quota.ErrNotConfigured
		}
		return candidate{}, err
	}
	l, err := parseClaudeCode(f.Data)
	if err != nil {
		if qe, ok := err.(*quota.Error); ok {
			qe.Path = path
		}
		return candidate{}, err
	}
	c := candidate{name: defaultName, refresh: l.refresh,
		creds: creds{access: l.access, expires: l.expires, path: path, plan: l.plan, source: sourceClaudeCode}}
	if !l.expires.IsZero() && l.expires.Before(p.d.Clock()) {
		c.err = expired(l.expires, "claudeAiOauth.expiresAt")
		c.err.Path = path
	}
	return c, nil
}

// candidate is one source's login before the sources are merged: its
// credentials, or the error its target reports without a request.
type candidate struct {
	creds
	refresh string
	name    string
	err     *quota.Error
}

// target is c's target; multi keeps the source on the account.
func (c candidate) target(multi bool) quota.Target {
	if !multi {
		c.source = ""
	}
	if c.err != nil {
		return quota.Target{Key: "anthropic:" + c.path, Name: c.name, Err: c.err}
	}
	return quota.Target{Key: "oauth:" + quota.Fingerprint(c.access), Name: c.name, Data: c.creds}
}

// sameLogin reports whether OpenCode's and Claude Code's logins are one:
// the same access or refresh token (OpenCode imported Claude Code's
// login, or the other way round). Two separate sign-ins to one account
// have different tokens and are shown apart: only the profile request
// could tell they are one account, and Discover makes no request.
func sameLogin(a, b candidate) bool {
	return a.access != "" && (a.access == b.access || (a.refresh != "" && a.refresh == b.refresh))
}

// merge picks the targets of OpenCode's (oc) and Claude Code's (cc)
// logins: one login in both is shown once, OpenCode's preferred unless
// only Claude Code's is still valid (or, both expired, is the fresher).
func merge(oc, cc candidate) []quota.Target {
	if !sameLogin(oc, cc) {
		return []quota.Target{oc.target(true), cc.target(true)}
	}
	ocExpired := oc.err != nil && oc.err.Kind == quota.KindTokenExpired
	if ocExpired && (cc.err == nil || cc.expires.After(oc.expires)) {
		return []quota.Target{cc.target(true)}
	}
	oc.plan = cc.plan // the profile names it too; this is for when it fails
	return []quota.Target{oc.target(true)}
}

// discover combines the sources: each alone as it is, both merged; a
// source that cannot be read fails alone when the other holds a login.
func (p *Provider) discover(oc candidate, oerr error) ([]quota.Target, error) {
	cc, cerr := p.claudeCode()
	switch {
	case errors.Is(cerr, quota.ErrNotConfigured):
		if oerr != nil {
			return nil, oerr
		}
		return []quota.Target{oc.target(false)}, nil
	case errors.Is(oerr, quota.ErrNotConfigured):
		if cerr != nil {
			return nil, cerr
		}
		return []quota.Target{cc.target(false)}, nil
	case oerr != nil:
		return []quota.Target{{Key: "anthropic:" + sourceOpenCode, Err: oerr}, cc.target(true)}, nil
	case cerr != nil:
		return []quota.Target{oc.target(true), {Key: "anthropic:" + sourceClaudeCode, Err: cerr}}, nil
	}
	return merge(oc, cc), nil
}

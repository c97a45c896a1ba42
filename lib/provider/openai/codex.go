package openai

import (
	"path/filepath"
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/quota"
)

// The Codex CLI's own login is a second source of the same ChatGPT plan.
// Codex keeps it in $CODEX_HOME/auth.json (default ~/.codex/auth.json):
//
//	{"auth_mode": "chatgpt", "OPENAI_API_KEY": null,
//	 "tokens": {"id_token", "access_token", "refresh_token", "account_id"},
//	 "last_refresh": "<RFC 3339>"}
//
// (openai/codex codex-rs/login/src/auth/storage.rs, AuthDotJson; older
// files lack auth_mode and tokens.account_id). It is read as it is and
// never refreshed: Codex rotates its refresh token on use, so spending it
// here would log the user out of Codex.

// Account sources, recorded on quota.Account.Source when both hold a login.
const (
	sourceOpenCode = "opencode"
	sourceCodex    = "codex"
)

// codexFile is the Codex CLI's login file, relative to CODEX_HOME.
const codexFile = "auth.json"

// codexHome is the Codex CLI's directory: $CODEX_HOME when set (Codex
// ignores an empty one), else ~/.codex, as codex-rs/utils/home-dir does.
func (p *Provider) codexHome() string {
	if p.d.Settings.Getenv != nil {
		if v := strings.TrimSpace(p.d.Settings.Getenv("CODEX_HOME")); v != "" {
			return v
		}
	}
	return filepath.Join(p.d.Auth.Paths.Home, ".codex")
}

// CodexPath is where the Codex CLI keeps its login for these settings.
func (p *Provider) CodexPath() string { return filepath.Join(p.codexHome(), codexFile) }

// login is one source's ChatGPT login.
type login struct {
	cred
	email   string
	expires time.Time // zero when the token names no expiry
}

// identity names the account (workspace + user) when the token says; ""
// when unknown.
func (l login) identity() string {
	if l.accountID == "" && l.email == "" {
		return ""
	}
	return l.accountID + "\x00" + l.email
}

// sameAccount reports whether two logins are the same ChatGPT account:
// the same token, or the same workspace and user. A side that lacks the
// e-mail (an access token without the profile claim) matches on the
// workspace alone; a Team workspace's members differ by e-mail.
func sameAccount(a, b login) bool {
	switch {
	case a.access == b.access:
		return true
	case a.accountID != "" && a.accountID == b.accountID:
		return a.email == "" || b.email == "" || strings.EqualFold(a.email, b.email)
	case a.accountID == "" && b.accountID == "":
		return a.email != "" && strings.EqualFold(a.email, b.email)
	}
	return false
}

// expired reports whether l's token has expired at now.
func (l login) expired(now time.Time) bool { return !l.expires.IsZero() && l.expires.Before(now) }

// codexLogin reads the Codex CLI's login. A missing file, an API-key
// login (OpenAI API billing, not a ChatGPT plan) and a file without
// tokens count as not configured.
func (p *Provider) codexLogin() (login, error) {
	path := p.CodexPath()
	f, err := p.d.Auth.Read(path)
	if err != nil {
		if auth.IsMissing(err) {
			return login{}, quota.ErrNotConfigured
		}
		return login{}, err
	}
	l, err := parseCodexAuth(f.Data)
	if qe, ok := err.(*quota.Error); ok {
		qe.Path = path
	}
	l.path = path
	l.source = sourceCodex
	return l, err
}

// parseCodexAuth reads a Codex auth.json body (already valid JSON). The
// account id is tokens.account_id, else the token's chatgpt_account_id
// claim; the e-mail and the expiry come from the access token, the
// e-mail from the ID token when the access token lacks it.
func parseCodexAuth(data []byte) (login, error) {
	root := gjson.ParseBytes(data)
	if !root.IsObject() {
		return login{}, (&quota.Error{Kind: quota.KindFileMalformed}).With("detail.json.top_not_object", nil)
	}
	tokens := root.Get("tokens")
	if mode := root.Get("auth_mode").String(); !tokens.Exists() || tokens.Type == gjson.Null || strings.EqualFold(mode, "apikey") {
		return login{}, quota.ErrNotConfigured
	}
	if !tokens.IsObject() {
		return login{}, (&quota.Error{Kind: quota.KindFieldMissing, Field: "tokens"}).With("detail.json.not_object", nil)
	}
	access := tokens.Get("access_token")
	if access.Type != gjson.String || strings.TrimSpace(access.Str) == "" {
		return login{}, (&quota.Error{Kind: quota.KindFieldMissing, Field: "tokens.access_token"}).With("detail.field.missing", nil)
	}
	l := login{cred: cred{access: strings.TrimSpace(access.Str)}}
	cl := decodeJWT(l.access)
	id := decodeJWT(tokens.Get("id_token").String())
	l.accountID = first(tokens, "account_id")
	for _, v := range []string{cl.AccountID, id.AccountID} {
		if l.accountID == "" {
			l.accountID = v
		}
	}
	l.email = quota.CleanName(cl.Email)
	if l.email == "" {
		l.email = quota.CleanName(id.Email)
	}
	l.expires = cl.Expires
	return l, nil
}

// opencodeLogin reads OpenCode's "openai" entry as a login.
func (p *Provider) opencodeLogin() (login, error) {
	e, path, err := p.credentials()
	if err != nil {
		return login{cred: cred{path: path}}, err
	}
	l := login{cred: cred{access: e.Access, accountID: e.AccountID, path: path, source: sourceOpenCode}}
	cl := decodeJWT(e.Access)
	if cl.AccountID != "" {
		l.accountID = cl.AccountID
	}
	l.email = cl.Email
	l.expires = cl.Expires
	// OpenCode's own expiry wins when it is the earlier one.
	if !e.Expires.IsZero() && (l.expires.IsZero() || e.Expires.Before(l.expires)) {
		l.expires = e.Expires
	}
	return l, nil
}

// merge picks the logins to report from OpenCode's (oc) and Codex's (cx):
// the same account in both (same account and user, or the same token) is
// shown once, OpenCode's login preferred unless only Codex's is still
// valid (then the fresher one is used); different accounts are both kept.
func merge(oc, cx login, now time.Time) []login {
	if !sameAccount(oc, cx) {
		return []login{oc, cx}
	}
	if oc.expired(now) && (!cx.expired(now) || cx.expires.After(oc.expires)) {
		return []login{cx}
	}
	return []login{oc}
}

// target turns a login into the target of its account. An expired token
// becomes the target's token_expired error, so no request is sent with it;
// for Codex's login the error says when it expired (OpenCode's keeps its
// established wording). multi keeps the source on the account.
func (l login) target(now time.Time, multi bool) quota.Target {
	// The cache key must survive token renewals and never carry the
	// token: hash the account (workspace + user) when the token names it.
	id := l.identity()
	if id == "" {
		id = l.access
	}
	c := l.cred
	if !multi {
		c.source = ""
	}
	t := quota.Target{Key: "openai:" + quota.Fingerprint(id), Name: l.email, Data: c}
	if l.expired(now) {
		qe := &quota.Error{Kind: quota.KindTokenExpired, Path: l.path}
		if l.source == sourceCodex {
			qe.With("detail.token.expired", map[string]any{"At": l.expires})
		}
		t.Err = qe
	}
	return t
}

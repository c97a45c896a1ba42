package geminicli

import (
	"encoding/base64"
	"path/filepath"
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/provider/google"
	"github.com/mystatus/mystatus/lib/quota"
)

// Gemini CLI keeps its login in <home>/.gemini/oauth_creds.json, where
// <home> is $GEMINI_CLI_HOME when set and the user's home directory
// otherwise (packages/core/src/utils/paths.ts homedir(),
// config/storage.ts getOAuthCredsPath()). Node's os.homedir() is $HOME on
// Unix and %USERPROFILE% on Windows, as auth.Paths.Home is; there is no
// XDG or %APPDATA% variant. The account's e-mail is cached next to it in
// google_accounts.json ({"active": "<email>", "old": [...]}).
const (
	// CredsFile is the login file's name; Describe lists it.
	CredsFile = "oauth_creds.json"
	// accountsFile caches the signed-in e-mail (utils/userAccountManager.ts).
	accountsFile = "google_accounts.json"
	geminiDir    = ".gemini"
	// envHome is Gemini CLI's own override of the home directory.
	envHome = "GEMINI_CLI_HOME"
)

// Dir is Gemini CLI's directory for paths and the environment getenv
// (nil reads nothing): $GEMINI_CLI_HOME/.gemini, else ~/.gemini. A relative
// GEMINI_CLI_HOME is ignored: Gemini CLI resolves it against its own
// working directory, which mystatus does not know.
func Dir(paths auth.Paths, getenv func(string) string) string {
	home := paths.Home
	if getenv != nil {
		if h := strings.TrimSpace(getenv(envHome)); h != "" && filepath.IsAbs(h) {
			home = h
		}
	}
	if home == "" {
		return ""
	}
	return filepath.Join(home, geminiDir)
}

// creds is what Fetch needs from the login file. It holds secrets and
// never reaches output.
type creds struct {
	path    string
	access  string
	refresh string
	expiry  time.Time // zero when the file has no expiry_date
	email   string
}

// accessValid reports whether the stored access token can be used as is.
func (c *creds) accessValid(now time.Time) bool {
	return c.access != "" && !c.expiry.IsZero() && c.expiry.After(now.Add(google.TokenSkew))
}

// parseCreds reads oauth_creds.json: google-auth-library's Credentials as
// Gemini CLI saves them ({access_token, refresh_token, scope, token_type,
// id_token, expiry_date}, expiry_date in Unix milliseconds). A file that
// is JSON but not an object, or whose token fields are not strings, is
// malformed; a file without any token says which field is missing.
func parseCreds(path string, data []byte) (*creds, error) {
	if google.CheckBody(data) != nil {
		return nil, &quota.Error{Kind: quota.KindFileMalformed, Path: path}
	}
	root := gjson.ParseBytes(data)
	if !root.IsObject() {
		return nil, &quota.Error{Kind: quota.KindFileMalformed, Path: path}
	}
	for _, f := range []string{"access_token", "refresh_token", "id_token"} {
		if v := root.Get(f); v.Exists() && v.Type != gjson.String && v.Type != gjson.Null {
			return nil, &quota.Error{Kind: quota.KindFileMalformed, Path: path, Field: f}
		}
	}
	c := &creds{
		path:    path,
		access:  google.Str(root.Get("access_token")),
		refresh: google.Str(root.Get("refresh_token")),
		expiry:  millis(root.Get("expiry_date")),
		email:   idTokenEmail(google.Str(root.Get("id_token"))),
	}
	if c.access == "" && c.refresh == "" {
		return nil, &quota.Error{Kind: quota.KindFieldMissing, Path: path, Field: "refresh_token"}
	}
	return c, nil
}

// millis reads expiry_date: Unix milliseconds as a number (or a numeric
// string); zero when absent, unreadable or past year 9999.
func millis(r gjson.Result) time.Time {
	var n int64
	switch r.Type {
	case gjson.Number:
		n = r.Int()
	case gjson.String:
		n = gjson.Parse(strings.TrimSpace(r.Str)).Int()
	}
	if n <= 0 || n > 253402300799999 {
		return time.Time{}
	}
	return auth.MillisOrSeconds(n)
}

// idTokenEmail reads the "email" claim of an OpenID Connect id_token
// without verifying it: it only names the account in the report.
func idTokenEmail(tok string) string {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 || len(parts[1]) > 8<<10 {
		return ""
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil || !gjson.ValidBytes(payload) {
		return ""
	}
	return quota.CleanName(google.Str(gjson.GetBytes(payload, "email")))
}

// activeEmail reads google_accounts.json's "active" e-mail, "" when the
// file is absent or unusable (it only names the account).
func activeEmail(a *auth.Store, dir string) string {
	f, err := a.Read(filepath.Join(dir, accountsFile))
	if err != nil {
		return ""
	}
	return quota.CleanName(google.Str(f.Get("active")))
}

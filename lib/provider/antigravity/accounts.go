package antigravity

import (
	"strconv"
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/provider/google"
)

// ocAccount is one enabled account of OpenCode's antigravity-accounts.json.
type ocAccount struct {
	Index   int // position in accounts[], for naming a broken entry
	Email   string
	Refresh string
	Project string
}

// parseAccountsFile reads antigravity-accounts.json (written by the
// OpenCode Antigravity auth plugin). Accounts with "enabled": false are
// left out; an absent accounts list is no accounts, not an error.
func parseAccountsFile(data []byte) ([]ocAccount, error) {
	if google.CheckBody(data) != nil {
		return nil, google.ErrShape
	}
	root := gjson.ParseBytes(data)
	if !root.IsObject() {
		return nil, google.ErrShape
	}
	list := root.Get("accounts")
	if list.Exists() && list.Type != gjson.Null && !list.IsArray() {
		return nil, google.ErrShape
	}
	out := []ocAccount{}
	for i, a := range list.Array() {
		if !a.IsObject() {
			return nil, google.ErrShape
		}
		if en := a.Get("enabled"); en.Exists() && en.Type != gjson.Null && !en.Bool() {
			continue
		}
		proj := google.Str(a.Get("projectId"))
		if proj == "" {
			proj = google.Str(a.Get("managedProjectId"))
		}
		out = append(out, ocAccount{
			Index:   i,
			Email:   google.Str(a.Get("email")),
			Refresh: google.Str(a.Get("refreshToken")),
			Project: proj,
		})
	}
	return out, nil
}

// amAccount is one Antigravity-Manager account file (accounts/<id>.json).
type amAccount struct {
	Email   string
	Access  string
	Refresh string
	Expiry  time.Time // zero when unknown
	Project string
	// ClientKey is token.oauth_client_key, the OAuth client that minted
	// the refresh token.
	ClientKey string

	Disabled       bool
	DisabledReason string
	DisabledAt     time.Time

	ProxyDisabled bool
	ProxyReason   string
	ProxyAt       time.Time

	ValidationBlocked bool
	ValidationUntil   time.Time
	ValidationReason  string
	ValidationURL     string
}

// parseAMAccount reads one Antigravity-Manager account file.
func parseAMAccount(data []byte) (*amAccount, error) {
	if google.CheckBody(data) != nil {
		return nil, google.ErrShape
	}
	root := gjson.ParseBytes(data)
	if !root.IsObject() {
		return nil, google.ErrShape
	}
	tok := root.Get("token")
	if tok.Exists() && tok.Type != gjson.Null && !tok.IsObject() {
		return nil, google.ErrShape
	}
	a := &amAccount{
		Email:             google.Str(root.Get("email")),
		Access:            google.Str(tok.Get("access_token")),
		Refresh:           google.Str(tok.Get("refresh_token")),
		Expiry:            epoch(tok.Get("expiry_timestamp")),
		Project:           google.Str(tok.Get("project_id")),
		ClientKey:         google.Str(tok.Get("oauth_client_key")),
		Disabled:          root.Get("disabled").Bool(),
		DisabledReason:    google.Str(root.Get("disabled_reason")),
		DisabledAt:        epoch(root.Get("disabled_at")),
		ProxyDisabled:     root.Get("proxy_disabled").Bool(),
		ProxyReason:       google.Str(root.Get("proxy_disabled_reason")),
		ProxyAt:           epoch(root.Get("proxy_disabled_at")),
		ValidationBlocked: root.Get("validation_blocked").Bool(),
		ValidationUntil:   epoch(root.Get("validation_blocked_until")),
		ValidationReason:  google.Str(root.Get("validation_blocked_reason")),
		ValidationURL:     google.Str(root.Get("validation_url")),
	}
	if a.Email == "" {
		a.Email = google.Str(tok.Get("email"))
	}
	return a, nil
}

// epoch reads a Unix time in seconds or milliseconds (a number or a
// numeric string) or an RFC 3339 string; zero when absent or unreadable.
func epoch(r gjson.Result) time.Time {
	var n int64
	switch r.Type {
	case gjson.Number:
		n = r.Int()
	case gjson.String:
		if v, err := strconv.ParseInt(strings.TrimSpace(r.Str), 10, 64); err == nil {
			n = v
		} else {
			return google.ParseTime(r)
		}
	}
	// Past year 9999 in milliseconds is garbage, not a time.
	if n <= 0 || n > 253402300799999 {
		return time.Time{}
	}
	return auth.MillisOrSeconds(n)
}

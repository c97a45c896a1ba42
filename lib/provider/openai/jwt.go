package openai

import (
	"encoding/base64"
	"strings"
	"time"

	"github.com/tidwall/gjson"
)

// claims are the parts of the ChatGPT access token mystatus uses. The
// token is read, never verified: it only names the account and tells
// whether it is worth sending.
type claims struct {
	Email     string
	AccountID string
	Expires   time.Time // zero when the token carries no exp
}

// stdToURL turns the standard base64 alphabet into the URL one; built once.
var stdToURL = strings.NewReplacer("+", "-", "/", "_")

// decodeJWT reads the claims of a JWT without checking its signature. Any
// token that is not a readable JWT yields no claims.
func decodeJWT(token string) claims {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return claims{}
	}
	// Accept both alphabets and any padding: tokens copied by hand or by
	// other tools are not always strict base64url.
	seg := strings.TrimRight(parts[1], "=")
	seg = stdToURL.Replace(seg)
	payload, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil || !gjson.ValidBytes(payload) {
		return claims{}
	}
	root := gjson.ParseBytes(payload)
	if !root.IsObject() {
		return claims{}
	}
	c := claims{
		Email:     root.Get(gjson.Escape("https://api.openai.com/profile") + ".email").String(),
		AccountID: root.Get(gjson.Escape("https://api.openai.com/auth") + ".chatgpt_account_id").String(),
	}
	if c.Email == "" {
		// An ID token (Codex keeps one beside the access token) names the
		// user at the top level.
		c.Email = root.Get("email").String()
	}
	if exp := root.Get("exp"); exp.Type == gjson.Number && exp.Float() > 0 && exp.Float() < maxEpochSeconds {
		c.Expires = time.Unix(exp.Int(), 0)
	}
	return c
}

package google

import (
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/quota"
)

// Client is a Google OAuth client that can renew a refresh token.
type Client struct {
	// Key names the client (Antigravity-Manager's oauth_client_key).
	Key string
	// ID and Secret are the OAuth client id and secret.
	ID, Secret string
}

// The two public installed-application ("desktop") OAuth clients whose
// refresh tokens mystatus reads. A refresh token can only be renewed with
// the client that minted it, so these are built in: a user never has to
// configure one to see their quota.
//
// Why the secrets may be here: Google's OAuth guidance for installed
// applications says such a client secret cannot be kept confidential and
// is not treated as a secret. Antigravity and Gemini CLI ship these values
// inside their public artifacts (Gemini CLI in its open-source code,
// packages/core/src/code_assist/oauth2.ts), and opencode-antigravity-auth,
// Antigravity-Manager and CLIProxyAPI embed the same ones. Secret scanners
// flag the GOCSPX- prefix: this comment is the reason to allow-list this
// one file. No other file may hold a client.
var (
	// Antigravity minted antigravity-accounts.json tokens (OpenCode's
	// Antigravity auth plugin) and Antigravity-Manager accounts (its
	// built-in "antigravity_enterprise" client).
	Antigravity = Client{
		Key:    "antigravity",
		ID:     "1071006060591-tmhssin2h21lcre235vtolojh4g403ep.apps.googleusercontent.com",
		Secret: "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",
	}
	// GeminiCLI minted Gemini CLI (Gemini Code Assist) logins.
	GeminiCLI = Client{
		Key:    "gemini-cli",
		ID:     "681255809395-oo8ft2oprdrnp9e3aqf6av3hmdib135j.apps.googleusercontent.com",
		Secret: "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",
	}
)

// Settings that override the built-in clients.
const (
	SettingClientID     = "google_client_id"
	SettingClientSecret = "google_client_secret"
)

// CodeClientIncomplete is the quota.Error Code of a client override that
// sets only one of the id and the secret.
const CodeClientIncomplete = "oauth_client_incomplete"

// Override returns the user's client override (MYSTATUS_GOOGLE_CLIENT_ID
// and _SECRET, or the config file): ok is false when none is set, and err
// reports an override with one half missing.
func Override(s provider.Settings) (c Client, ok bool, err error) {
	id, idSrc := s.Get(SettingClientID)
	secret, secretSrc := s.Get(SettingClientSecret)
	switch {
	case id != "" && secret != "":
		return Client{Key: "override", ID: id, Secret: secret}, true, nil
	case id != "":
		return Client{}, false, clientIncomplete(idSrc, "MYSTATUS_GOOGLE_CLIENT_SECRET")
	case secret != "":
		return Client{}, false, clientIncomplete(secretSrc, "MYSTATUS_GOOGLE_CLIENT_ID")
	}
	return Client{}, false, nil
}

// Clients lists the clients to try, in order: a complete override alone
// (the user's choice), else the built-in clients given, most likely first.
func Clients(s provider.Settings, builtin ...Client) ([]Client, error) {
	c, ok, err := Override(s)
	if err != nil {
		return nil, err
	}
	if ok {
		return []Client{c}, nil
	}
	return builtin, nil
}

// clientIncomplete reports an override with one half missing. Field names
// the missing setting; Reason the one that is set.
func clientIncomplete(set, missing string) error {
	return &quota.Error{Kind: quota.KindBadConfig, Code: CodeClientIncomplete, Field: missing, Reason: set}
}

// ClientProblem reports why Google refresh tokens cannot be renewed with
// the given settings (an incomplete client override), or nil. doctor uses
// it so that it never calls an account ready that cannot be refreshed.
func ClientProblem(s provider.Settings) error {
	_, _, err := Override(s)
	return err
}

package antigravity

import (
	"strings"

	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/quota"
)

// oauthClient is a Google OAuth client that can renew a refresh token.
type oauthClient struct {
	key, id, secret string
}

// The two public installed-application ("desktop") OAuth clients whose
// refresh tokens mystatus reads. A refresh token can only be renewed with
// the client that minted it, so these are built in: a user never has to
// configure one to see their quota.
//
// Why the secrets may be here: Google's OAuth guidance for installed
// applications says such a client secret cannot be kept confidential and
// is not treated as a secret. Antigravity and Gemini CLI ship these values
// inside their public artifacts (Gemini CLI in its open-source code), and
// opencode-antigravity-auth, Antigravity-Manager and CLIProxyAPI embed the
// same ones. Secret scanners flag the GOCSPX- prefix: this comment is the
// reason to allow-list this one file. No other file may hold a client.
var (
	// clientAntigravity minted antigravity-accounts.json tokens (OpenCode's
	// Antigravity auth plugin) and Antigravity-Manager accounts (its
	// built-in "antigravity_enterprise" client).
	clientAntigravity = oauthClient{
		key:    "antigravity",
		id:     "1071006060591-tmhssin2h21lcre235vtolojh4g403ep.apps.googleusercontent.com",
		secret: "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",
	}
	// clientGeminiCLI minted Gemini CLI (Gemini Code Assist) logins.
	clientGeminiCLI = oauthClient{
		key:    "gemini-cli",
		id:     "681255809395-oo8ft2oprdrnp9e3aqf6av3hmdib135j.apps.googleusercontent.com",
		secret: "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",
	}
)

// Settings that override the built-in clients.
const (
	settingClientID     = "google_client_id"
	settingClientSecret = "google_client_secret"
)

// CodeClientIncomplete is the quota.Error Code of a client override that
// sets only one of the id and the secret.
const CodeClientIncomplete = "oauth_client_incomplete"

// clientsFor lists the clients to try for an account, in order. A complete
// override is the user's choice and the only one tried. Otherwise the
// client the account was minted with comes first (recorded is
// Antigravity-Manager's token.oauth_client_key, which may name a client
// injected with ANTIGRAVITY_OAUTH_CLIENTS; empty means Antigravity), then
// the other known ones, each tried once on invalid_client or
// unauthorized_client.
func (p *Provider) clientsFor(recorded string) ([]oauthClient, error) {
	id, idSrc := p.d.Settings.Get(settingClientID)
	secret, secretSrc := p.d.Settings.Get(settingClientSecret)
	switch {
	case id != "" && secret != "":
		return []oauthClient{{key: "override", id: id, secret: secret}}, nil
	case id != "":
		return nil, clientIncomplete(idSrc, "MYSTATUS_GOOGLE_CLIENT_SECRET")
	case secret != "":
		return nil, clientIncomplete(secretSrc, "MYSTATUS_GOOGLE_CLIENT_ID")
	}
	if c, ok := p.managerClient(recorded); ok {
		// A client injected into Antigravity-Manager minted this token.
		return []oauthClient{c, clientAntigravity, clientGeminiCLI}, nil
	}
	if k := strings.ToLower(recorded); strings.Contains(k, "gemini") {
		return []oauthClient{clientGeminiCLI, clientAntigravity}, nil
	}
	return []oauthClient{clientAntigravity, clientGeminiCLI}, nil
}

// managerClient finds the client called key among those injected into
// Antigravity-Manager with ANTIGRAVITY_OAUTH_CLIENTS
// ("key|client_id|secret|label;…"), read from the same environment.
func (p *Provider) managerClient(key string) (oauthClient, bool) {
	if key == "" || p.d.Settings.Getenv == nil {
		return oauthClient{}, false
	}
	for _, entry := range strings.Split(p.d.Settings.Getenv("ANTIGRAVITY_OAUTH_CLIENTS"), ";") {
		f := strings.Split(strings.TrimSpace(entry), "|")
		if len(f) >= 3 && strings.TrimSpace(f[0]) == key && strings.TrimSpace(f[1]) != "" && strings.TrimSpace(f[2]) != "" {
			return oauthClient{key: key, id: strings.TrimSpace(f[1]), secret: strings.TrimSpace(f[2])}, true
		}
	}
	return oauthClient{}, false
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
	_, err := (&Provider{d: provider.Deps{Settings: s}}).clientsFor("")
	return err
}

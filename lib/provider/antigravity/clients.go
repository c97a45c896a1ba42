package antigravity

import (
	"strings"

	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/provider/google"
)

// CodeClientIncomplete is the quota.Error Code of a client override that
// sets only one of the id and the secret.
const CodeClientIncomplete = google.CodeClientIncomplete

// clientsFor lists the clients to try for an account, in order. A complete
// override is the user's choice and the only one tried. Otherwise the
// client the account was minted with comes first (recorded is
// Antigravity-Manager's token.oauth_client_key, which may name a client
// injected with ANTIGRAVITY_OAUTH_CLIENTS; empty means Antigravity), then
// the other known ones, each tried once on invalid_client or
// unauthorized_client.
func (p *Provider) clientsFor(recorded string) ([]google.Client, error) {
	if c, ok, err := google.Override(p.d.Settings); err != nil || ok {
		if err != nil {
			return nil, err
		}
		return []google.Client{c}, nil
	}
	if c, ok := p.managerClient(recorded); ok {
		// A client injected into Antigravity-Manager minted this token.
		return []google.Client{c, google.Antigravity, google.GeminiCLI}, nil
	}
	if k := strings.ToLower(recorded); strings.Contains(k, "gemini") {
		return []google.Client{google.GeminiCLI, google.Antigravity}, nil
	}
	return []google.Client{google.Antigravity, google.GeminiCLI}, nil
}

// managerClient finds the client called key among those injected into
// Antigravity-Manager with ANTIGRAVITY_OAUTH_CLIENTS
// ("key|client_id|secret|label;…"), read from the same environment.
func (p *Provider) managerClient(key string) (google.Client, bool) {
	if key == "" || p.d.Settings.Getenv == nil {
		return google.Client{}, false
	}
	for _, entry := range strings.Split(p.d.Settings.Getenv("ANTIGRAVITY_OAUTH_CLIENTS"), ";") {
		f := strings.Split(strings.TrimSpace(entry), "|")
		if len(f) >= 3 && strings.TrimSpace(f[0]) == key && strings.TrimSpace(f[1]) != "" && strings.TrimSpace(f[2]) != "" {
			return google.Client{Key: key, ID: strings.TrimSpace(f[1]), Secret: strings.TrimSpace(f[2])}, true
		}
	}
	return google.Client{}, false
}

// ClientProblem reports why Google refresh tokens cannot be renewed with
// the given settings (an incomplete client override), or nil; doctor
// calls it. See [google.ClientProblem].
func ClientProblem(s provider.Settings) error { return google.ClientProblem(s) }

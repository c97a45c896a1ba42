package anthropic

import (
	"embed"
	"net/http"
	"strings"
	"time"

	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/demo/sample"
	"github.com/mystatus/mystatus/lib/provider"
)

var _ provider.Demoer = (*Provider)(nil)

// demodata holds the demo's usage and profile bodies (see
// demodata/SOURCES.md).
//
//go:embed demodata/*.json
var demodata embed.FS

// The demo's credentials: obviously fake, and every secret carries
// "CANARY" so a test can prove none reaches the report.
const (
	demoAccess  = "demo-CANARY-anthropic-access-not-a-real-token"
	demoRefresh = "demo-CANARY-anthropic-refresh-not-a-real-token"
	demoEmail   = "demo@example.com"
)

// Demo serves the usage and profile endpoints to the demo's OAuth login:
// a Max 5x plan whose 5-hour window is projected to run out before its
// reset. Both endpoints require the OAuth beta flag, as the real ones do.
func (p *Provider) Demo(now time.Time, _ auth.Paths) (provider.Demo, error) {
	bodies, err := sample.Parse(demodata, "demodata/*.json", now)
	if err != nil {
		return provider.Demo{}, err
	}
	mux := http.NewServeMux()
	for path, name := range map[string]string{usagePath: "usage.json", profilePath: "profile.json"} {
		body, err := bodies.Render(name, nil)
		if err != nil {
			return provider.Demo{}, err
		}
		mux.HandleFunc("GET "+path, func(w http.ResponseWriter, r *http.Request) {
			switch {
			case sample.Bearer(r) != demoAccess:
				sample.Reply(w, http.StatusUnauthorized, []byte(`{"type":"error","error":{"type":"authentication_error","message":"Invalid bearer token"}}`))
			case !strings.Contains(r.Header.Get("Anthropic-Beta"), "oauth-2025-04-20"):
				sample.Reply(w, http.StatusUnauthorized, []byte(`{"type":"error","error":{"type":"authentication_error","message":"OAuth authentication is currently not supported."}}`))
			default:
				sample.Reply(w, http.StatusOK, body)
			}
		})
	}
	return provider.Demo{
		Handler:  mux,
		Settings: map[string]string{baseSetting: "/"},
		AuthEntries: map[string]any{authKey: map[string]any{"type": "oauth", "access": demoAccess, "refresh": demoRefresh,
			"expires": now.Add(8 * time.Hour).UnixMilli(), "email": demoEmail}},
	}, nil
}

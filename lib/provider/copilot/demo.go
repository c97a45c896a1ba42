package copilot

import (
	"embed"
	"net/http"
	"path/filepath"
	"time"

	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/demo/sample"
	"github.com/mystatus/mystatus/lib/provider"
)

var _ provider.Demoer = (*Provider)(nil)

// demodata holds the demo's billing body (see demodata/SOURCES.md).
//
//go:embed demodata/*.json
var demodata embed.FS

// The demo's PAT file: obviously fake, the token carrying "CANARY" so a
// test can prove it never reaches the report.
const (
	demoUser = "demo-user"
	demoPAT  = "github_pat_demo_CANARY_not_a_real_token"
)

// Demo serves the premium-request billing endpoint to the demo's PAT file:
// a Pro plan with half its premium requests spent over three models.
func (p *Provider) Demo(now time.Time, paths auth.Paths) (provider.Demo, error) {
	bodies, err := sample.Parse(demodata, "demodata/*.json", now)
	if err != nil {
		return provider.Demo{}, err
	}
	billing, err := bodies.Render("billing.json", map[string]any{"User": demoUser})
	if err != nil {
		return provider.Demo{}, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /users/"+demoUser+"/settings/billing/premium_request/usage", func(w http.ResponseWriter, r *http.Request) {
		if sample.Bearer(r) != demoPAT {
			sample.Reply(w, http.StatusUnauthorized, []byte(`{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest","status":"401"}`))
			return
		}
		sample.Reply(w, http.StatusOK, billing)
	})
	return provider.Demo{
		Handler:  mux,
		Settings: map[string]string{baseSetting: "/"},
		Files: map[string]any{filepath.Join(paths.OpenCodeConfigDir(), patFile): map[string]any{
			"token": demoPAT, "username": demoUser, "tier": "pro"}},
	}, nil
}

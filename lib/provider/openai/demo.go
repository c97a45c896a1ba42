package openai

import (
	"embed"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"time"

	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/demo/sample"
	"github.com/mystatus/mystatus/lib/provider"
)

var _ provider.Demoer = (*Provider)(nil)

// demodata holds the demo's usage body (see demodata/SOURCES.md).
//
//go:embed demodata/*.json
var demodata embed.FS

// The demo's credentials: obviously fake, and every secret carries
// "CANARY" so a test can prove none reaches the report.
const (
	demoRefresh   = "demo-CANARY-openai-refresh-not-a-real-token"
	demoAccountID = "demo-account-0001"
	demoEmail     = "demo@example.com"
)

// Demo serves the usage endpoint to the demo's ChatGPT login: a Plus
// plan whose 7-day window is ahead of pace yet lasts to its reset.
func (p *Provider) Demo(now time.Time, _ auth.Paths) (provider.Demo, error) {
	bodies, err := sample.Parse(demodata, "demodata/*.json", now)
	if err != nil {
		return provider.Demo{}, err
	}
	usage, err := bodies.Render("usage.json", nil)
	if err != nil {
		return provider.Demo{}, err
	}
	token := demoToken(now)
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+usagePath, func(w http.ResponseWriter, r *http.Request) {
		if sample.Bearer(r) != token || r.Header.Get("ChatGPT-Account-Id") != demoAccountID {
			sample.Reply(w, http.StatusUnauthorized, []byte(`{"detail":{"code":"invalid_token","message":"Could not validate your credentials"}}`))
			return
		}
		sample.Reply(w, http.StatusOK, usage)
	})
	return provider.Demo{
		Handler:  mux,
		Settings: map[string]string{baseSetting: "/"},
		AuthEntries: map[string]any{authKey: map[string]any{"type": "oauth", "access": token, "refresh": demoRefresh,
			"expires": now.Add(10 * 24 * time.Hour).UnixMilli(), "accountId": demoAccountID}},
	}, nil
}

// demoToken builds an unsigned JWT naming the demo account, valid for ten
// days from now: OpenAI access tokens are read, never verified.
func demoToken(now time.Time) string {
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	header := map[string]any{"alg": "none", "typ": "JWT"}
	claims := map[string]any{
		"exp":                            now.Add(10 * 24 * time.Hour).Unix(),
		"iat":                            now.Add(-time.Hour).Unix(),
		"https://api.openai.com/profile": map[string]any{"email": demoEmail},
		"https://api.openai.com/auth":    map[string]any{"chatgpt_account_id": demoAccountID, "chatgpt_plan_type": "plus"},
	}
	return enc(header) + "." + enc(claims) + ".demo-CANARY-unsigned"
}

package openrouter

import (
	"net/http"
	"time"

	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/provider"
)

// demoKey is the demo's API key; like every demo secret it contains
// CANARY, so a test can prove it never reaches a report.
const demoKey = "sk-or-v1-CANARY-demo-3e8b1f07a2c94d65"

// Demo serves /v1/key with the figures of OpenRouter's documented example
// (testdata/key_docs_monthly.json: $74.50 of a $100 monthly limit left)
// and /v1/credits with its documented example ($100.50 bought, $25.75
// spent). The key's expiry is moved relative to now.
func (p *Provider) Demo(now time.Time, _ auth.Paths) (provider.Demo, error) {
	expires := now.Add(90 * 24 * time.Hour).UTC().Format(time.RFC3339)
	key := []byte(`{"data":{"label":"sk-or-v1-dem...o00","limit":100,"limit_remaining":74.5,"limit_reset":"monthly",` +
		`"usage":25.5,"usage_daily":1.25,"usage_weekly":6.5,"usage_monthly":25.5,"is_free_tier":false,` +
		`"is_management_key":false,"is_provisioning_key":false,"expires_at":"` + expires + `"}}`)
	credits := []byte(`{"data":{"total_credits":100.5,"total_usage":25.75}}`)
	mux := http.NewServeMux()
	serve := func(body []byte) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			if r.Header.Get("Authorization") != "Bearer "+demoKey {
				w.WriteHeader(http.StatusUnauthorized)
				w.Write([]byte(`{"error":{"message":"User not found.","code":401}}`))
				return
			}
			w.Write(body)
		}
	}
	mux.HandleFunc("GET "+keyPath, serve(key))
	mux.HandleFunc("GET "+creditsPath, serve(credits))
	return provider.Demo{
		Handler:     mux,
		Settings:    map[string]string{Setting: "/"},
		AuthEntries: map[string]any{AuthKeys[0]: map[string]any{"type": "api", "key": demoKey}},
	}, nil
}

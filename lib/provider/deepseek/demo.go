package deepseek

import (
	"net/http"
	"time"

	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/provider"
)

// demoKey is the demo's API key; like every demo secret it contains
// CANARY, so a test can prove it never reaches a report.
const demoKey = "sk-deepseek-CANARY-demo-4e8a1f6c"

// demoBody is the real recorded body of testdata/balance_cny_xlyra.json
// with a granted part added, so the demo shows the split.
const demoBody = `{"is_available":true,"balance_infos":[{"currency":"CNY","total_balance":"57.44","granted_balance":"10.00","topped_up_balance":"47.44"}]}`

// Demo serves the balance endpoint; a wrong key is refused as the real
// API refuses it. A balance has no reset, so now is unused.
func (p *Provider) Demo(_ time.Time, _ auth.Paths) (provider.Demo, error) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+balancePath, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Header.Get("Authorization") != "Bearer "+demoKey {
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"error":{"message":"Authentication Fails, Your api key: ****1f6c is invalid","type":"authentication_error","param":null,"code":"invalid_request_error"}}`))
			return
		}
		w.Write([]byte(demoBody))
	})
	return provider.Demo{
		Handler:     mux,
		Settings:    map[string]string{Setting: "/"},
		AuthEntries: map[string]any{AuthKey: map[string]any{"type": "api", "key": demoKey}},
	}, nil
}

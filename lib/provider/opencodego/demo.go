package opencodego

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/provider"
)

// demoKey is the demo's API key; like every demo secret it contains
// CANARY, so a test can prove it never reaches a report.
const demoKey = "sk-CANARY-opencodego-demo-4e8b1f0c9a27"

// Demo serves the usage endpoint with the shape of a real recorded body
// (testdata/usage_gentlepi.json: 15 % of the rolling window, 42 % of the
// week, 3 % of the month), its reset times relative to now.
func (p *Provider) Demo(now time.Time, _ auth.Paths) (provider.Demo, error) {
	win := func(pct int, in time.Duration) map[string]any {
		return map[string]any{"status": "ok", "percent": pct, "resetsAt": now.Add(in).UTC().Format("2006-01-02T15:04:05.000Z")}
	}
	body, err := json.Marshal(map[string]any{"usage": map[string]any{
		"rolling": win(15, 3*time.Hour+20*time.Minute),
		"weekly":  win(42, 3*24*time.Hour+5*time.Hour),
		"monthly": win(3, 26*24*time.Hour),
	}})
	if err != nil {
		return provider.Demo{}, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+usagePath, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Header.Get("Authorization") != "Bearer "+demoKey {
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"type":"error","error":{"type":"AuthError","message":"Invalid API key."}}`))
			return
		}
		w.Write(body)
	})
	return provider.Demo{
		Handler:     mux,
		Settings:    map[string]string{Setting: "/"},
		AuthEntries: map[string]any{AuthKeys[0]: map[string]any{"type": "api", "key": demoKey}},
	}, nil
}

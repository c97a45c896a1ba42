package kimi

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/provider"
)

// demoKey is the demo's API key; like every demo secret it contains
// CANARY, so a test can prove it never reaches a report.
const demoKey = "sk-kimi-CANARY-demo-7f3a9c2e5b1d"

// Demo serves the usages endpoint with the figures of a real recorded
// body (testdata/usages_trial_jiegec.json: 13 of 100 weekly requests, 65
// of 100 in the 5-hour window), its reset times moved relative to now.
func (p *Provider) Demo(now time.Time, _ auth.Paths) (provider.Demo, error) {
	body, err := json.Marshal(map[string]any{
		"user": map[string]any{"userId": "00000000000000000000", "region": "REGION_CN",
			"membership": map[string]any{"level": "LEVEL_TRIAL"}, "businessId": ""},
		"usage": map[string]any{"limit": "100", "used": "13", "remaining": "87",
			"resetTime": now.Add(4*24*time.Hour + 7*time.Hour).UTC().Format(time.RFC3339Nano)},
		"limits": []any{map[string]any{
			"window": map[string]any{"duration": 300, "timeUnit": "TIME_UNIT_MINUTE"},
			"detail": map[string]any{"limit": "100", "used": "65", "remaining": "35",
				"resetTime": now.Add(2*time.Hour + 10*time.Minute).UTC().Format(time.RFC3339Nano)},
		}},
	})
	if err != nil {
		return provider.Demo{}, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+usagesPath, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+demoKey {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"error":{"message":"Invalid Authentication","type":"invalid_authentication_error"}}`))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	})
	return provider.Demo{
		Handler:     mux,
		Settings:    map[string]string{Setting: "/"},
		AuthEntries: map[string]any{AuthKeys[0]: map[string]any{"type": "api", "key": demoKey}},
	}, nil
}

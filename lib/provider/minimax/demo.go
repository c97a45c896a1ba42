package minimax

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/provider"
)

// demoKeys are the demo's API keys; like every demo secret they contain
// CANARY, so a test can prove none reaches a report.
var demoKeys = map[string]string{
	"minimax":   "sk-cp-CANARY-demo-global-5d2e8a1f9b7c",
	"minimaxcn": "sk-cp-CANARY-demo-cn-0a4f6e2b8d3c",
}

// Demo serves the remains endpoint with the shape of a real body
// (testdata/remains_music_cover_mmx.json: counts of what is left, start
// and end times in milliseconds): a general text quota with 1,322 of
// 1,500 requests left in the 5-hour window and 12,100 of 15,000 this
// week, and the video quota of testdata/remains_general_video_opencode_quota.json,
// its times moved relative to now.
func (p *Provider) Demo(now time.Time, _ auth.Paths) (provider.Demo, error) {
	ms := func(t time.Time) int64 { return t.UnixMilli() }
	start := now.Add(-2*time.Hour - 40*time.Minute)
	wstart := now.Add(-3*24*time.Hour - 5*time.Hour)
	body, err := json.Marshal(map[string]any{
		"base_resp": map[string]any{"status_code": 0, "status_msg": "success"},
		"model_remains": []any{
			map[string]any{"model_name": "general",
				"current_interval_total_count": 1500, "current_interval_usage_count": 1322,
				"start_time": ms(start), "end_time": ms(start.Add(interval)), "remains_time": start.Add(interval).Sub(now).Milliseconds(),
				"current_weekly_total_count": 15000, "current_weekly_usage_count": 12100,
				"weekly_start_time": ms(wstart), "weekly_end_time": ms(wstart.Add(week)), "weekly_remains_time": wstart.Add(week).Sub(now).Milliseconds()},
			map[string]any{"model_name": "video", "current_interval_total_count": 3, "current_interval_usage_count": 3,
				"remains_time": (3*time.Hour + 10*time.Minute).Milliseconds()},
		},
	})
	if err != nil {
		return provider.Demo{}, err
	}
	key := demoKeys[string(p.id)]
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+remainsPath, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Header.Get("Authorization") != "Bearer "+key {
			// MiniMax refuses a key under HTTP 200.
			w.Write([]byte(`{"base_resp":{"status_code":2049,"status_msg":"invalid api key"}}`))
			return
		}
		w.Write(body)
	})
	return provider.Demo{
		Handler:     mux,
		Settings:    map[string]string{p.setting: "/"},
		AuthEntries: map[string]any{p.keys[0]: map[string]any{"type": "api", "key": key}},
	}, nil
}

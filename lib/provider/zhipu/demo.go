package zhipu

import (
	"embed"
	"net/http"
	"time"

	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/demo/sample"
	"github.com/mystatus/mystatus/lib/provider"
)

var _ provider.Demoer = (*Provider)(nil)

// demodata holds the demo's quota bodies (see demodata/SOURCES.md).
//
//go:embed demodata/*.json
var demodata embed.FS

// The demo's API keys: obviously fake, with "CANARY" so a test can prove
// neither reaches the report.
const (
	demoZhipuKey = "demo-CANARY-zhipu-not-a-real-key-0001"
	demoZAIKey   = "demo-CANARY-zai-not-a-real-key-0002"
)

// Demo serves the quota endpoint. Zhipu AI answers a healthy Pro plan; Z.ai
// always rejects its key the way it rejects an expired one (HTTP 200 with
// an error envelope), so the demo shows a failure and its fix.
func (p *Provider) Demo(now time.Time, _ auth.Paths) (provider.Demo, error) {
	bodies, err := sample.Parse(demodata, "demodata/*.json", now)
	if err != nil {
		return provider.Demo{}, err
	}
	key, name, failing := demoZhipuKey, "zhipu_limit.json", false
	if p.id == IDZAI {
		key, name, failing = demoZAIKey, "zai_limit.json", true
	}
	body, err := bodies.Render(name, nil)
	if err != nil {
		return provider.Demo{}, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+limitPath, func(w http.ResponseWriter, r *http.Request) {
		// The raw key (as the official plugin sends it) or a bearer token;
		// like the real API, a bad key gets HTTP 200.
		if !failing && r.Header.Get("Authorization") != key && sample.Bearer(r) != key {
			sample.Reply(w, http.StatusOK, []byte(`{"code":1000,"msg":"Authentication Failed","success":false}`))
			return
		}
		sample.Reply(w, http.StatusOK, body)
	})
	return provider.Demo{
		Handler:     mux,
		Settings:    map[string]string{p.setting: "/"},
		AuthEntries: map[string]any{p.authKey: map[string]any{"type": "api", "key": key}},
		Failing:     failing,
	}, nil
}

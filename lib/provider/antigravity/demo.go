package antigravity

import (
	"embed"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"time"

	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/demo/sample"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/provider/google"
)

var _ provider.Demoer = (*Provider)(nil)

// demodata holds the demo's token and Cloud Code bodies (see
// demodata/SOURCES.md).
//
//go:embed demodata/*.json
var demodata embed.FS

// The demo's OAuth client: obviously fake, the secret carrying "CANARY"
// so a test can prove it never reaches the report.
const (
	demoClientID     = "demo-client-id.apps.example.com"
	demoClientSecret = "demo-CANARY-client-secret-not-real"
)

// demoAccount is one demo account.
type demoAccount struct {
	name    string // body suffix: models_<name>.json
	email   string
	refresh string
	access  string // what the fake token endpoint mints
	project string
}

// demoAccounts are the two demo accounts: one healthy, one whose Claude
// and GPT family is exhausted.
var demoAccounts = []demoAccount{
	{name: "main", email: "demo.alpha@example.com", refresh: "1//demo-CANARY-google-refresh-alpha",
		access: "ya29.demo-CANARY-google-access-alpha", project: "demo-project-alpha"},
	{name: "second", email: "demo.beta@example.com", refresh: "1//demo-CANARY-google-refresh-beta",
		access: "ya29.demo-CANARY-google-access-beta", project: "demo-project-beta"},
}

// demoBodies are the answers for one account.
type demoBodies struct {
	acct                           demoAccount
	token, models, summary, assist []byte
}

// Demo serves the Google token endpoint (under "/oauth") and Cloud Code
// (under "/cloudcode") to the two accounts of the demo's accounts file,
// through a fake OAuth client.
func (p *Provider) Demo(now time.Time, paths auth.Paths) (provider.Demo, error) {
	bodies, err := sample.Parse(demodata, "demodata/*.json", now)
	if err != nil {
		return provider.Demo{}, err
	}
	var all []demoBodies
	var accounts []map[string]any
	for _, a := range demoAccounts {
		b := demoBodies{acct: a}
		v := map[string]any{"Access": a.access, "Project": a.project}
		for _, f := range []struct {
			dst  *[]byte
			name string
		}{
			{&b.token, "token.json"},
			{&b.models, "models_" + a.name + ".json"},
			{&b.summary, "summary_" + a.name + ".json"},
			{&b.assist, "assist_" + a.name + ".json"},
		} {
			if *f.dst, err = bodies.Render(f.name, v); err != nil {
				return provider.Demo{}, err
			}
		}
		all = append(all, b)
		accounts = append(accounts, map[string]any{"email": a.email, "refreshToken": a.refresh,
			"projectId": a.project, "enabled": true, "addedAt": now.Add(-30 * 24 * time.Hour).UnixMilli()})
	}

	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth"+google.PathToken, func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			sample.Reply(w, http.StatusBadRequest, []byte(`{"error":"invalid_request","error_description":"malformed form"}`))
			return
		}
		if r.PostForm.Get("client_id") != demoClientID || r.PostForm.Get("client_secret") != demoClientSecret {
			sample.Reply(w, http.StatusUnauthorized, []byte(`{"error":"invalid_client","error_description":"The OAuth client was not found."}`))
			return
		}
		if r.PostForm.Get("grant_type") != "refresh_token" {
			sample.Reply(w, http.StatusBadRequest, []byte(`{"error":"unsupported_grant_type","error_description":"Invalid grant_type"}`))
			return
		}
		for _, b := range all {
			if r.PostForm.Get("refresh_token") == b.acct.refresh {
				sample.Reply(w, http.StatusOK, b.token)
				return
			}
		}
		sample.Reply(w, http.StatusBadRequest, []byte(`{"error":"invalid_grant","error_description":"Bad Request"}`))
	})
	// cloudcode answers one call for the account owning the bearer token;
	// withProject calls must name that account's project.
	cloudcode := func(pick func(demoBodies) []byte, withProject bool) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			var req struct {
				Project string `json:"project"`
			}
			body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<16))
			json.Unmarshal(body, &req)
			for _, b := range all {
				if sample.Bearer(r) != b.acct.access {
					continue
				}
				if withProject && req.Project != b.acct.project {
					sample.Reply(w, http.StatusForbidden, []byte(`{"error":{"code":403,"message":"The caller does not have permission","status":"PERMISSION_DENIED"}}`))
					return
				}
				sample.Reply(w, http.StatusOK, pick(b))
				return
			}
			sample.Reply(w, http.StatusUnauthorized, []byte(`{"error":{"code":401,"message":"Request had invalid authentication credentials.","status":"UNAUTHENTICATED"}}`))
		}
	}
	mux.HandleFunc("POST /cloudcode"+pathModels, cloudcode(func(b demoBodies) []byte { return b.models }, true))
	mux.HandleFunc("POST /cloudcode"+pathSummary, cloudcode(func(b demoBodies) []byte { return b.summary }, true))
	mux.HandleFunc("POST /cloudcode"+pathAssist, cloudcode(func(b demoBodies) []byte { return b.assist }, false))

	return provider.Demo{
		Handler: mux,
		Settings: map[string]string{
			google.SettingOAuthURL:     "/oauth",
			settingBases:               "/cloudcode",
			google.SettingClientID:     demoClientID,
			google.SettingClientSecret: demoClientSecret,
		},
		Files: map[string]any{filepath.Join(paths.OpenCodeConfigDir(), accountsFile): map[string]any{
			"version": 3, "accounts": accounts, "activeIndex": 0}},
	}, nil
}

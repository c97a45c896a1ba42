package geminicli

import (
	"encoding/base64"
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

// The demo's login. Every secret contains CANARY so a test can prove none
// reaches the report.
const (
	demoEmail   = "demo.gemini@example.com"
	demoAccess  = "ya29.demo-CANARY-geminicli-access"
	demoMinted  = "ya29.demo-CANARY-geminicli-minted"
	demoRefresh = "1//demo-CANARY-geminicli-refresh"
	demoProject = "demo-project-gemini"
)

// Demo serves loadCodeAssist and retrieveUserQuota (the shapes of
// testdata/assist/standard_g1_pro.json and testdata/quota/, figures
// invented) and Google's token endpoint under "/oauth". The stored access
// token expired an hour ago, as it has whenever Gemini CLI has not run
// for a while, so every report mints one from the refresh token there:
// the demo shows the path real logins take, and a fault at the token
// endpoint is noticed.
func (p *Provider) Demo(now time.Time, paths auth.Paths) (provider.Demo, error) {
	at := func(d time.Duration) string { return now.Add(d + sample.Slack).UTC().Format(time.RFC3339) }
	assist, err := json.Marshal(map[string]any{
		"currentTier":             map[string]any{"id": "standard-tier", "name": "Gemini Code Assist"},
		"paidTier":                map[string]any{"id": "g1-pro-tier", "name": "Gemini Code Assist in Google One AI Pro"},
		"cloudaicompanionProject": demoProject,
	})
	if err != nil {
		return provider.Demo{}, err
	}
	// Daily per-model allowances; Pro's TOKENS bucket binds before its
	// REQUESTS one, and Flash has a Vertex twin, as real answers do.
	quotaBody, err := json.Marshal(map[string]any{"buckets": []any{
		map[string]any{"modelId": "gemini-2.5-pro", "tokenType": "REQUESTS", "remainingFraction": 0.58, "resetTime": at(9*time.Hour + 14*time.Minute)},
		map[string]any{"modelId": "gemini-2.5-pro", "tokenType": "TOKENS", "remainingFraction": 0.41, "resetTime": at(9*time.Hour + 14*time.Minute)},
		map[string]any{"modelId": "gemini-2.5-flash", "tokenType": "REQUESTS", "remainingFraction": 0.87, "resetTime": at(9*time.Hour + 14*time.Minute)},
		map[string]any{"modelId": "gemini-2.5-flash_vertex", "tokenType": "REQUESTS", "remainingFraction": 0.87, "resetTime": at(9*time.Hour + 14*time.Minute)},
		map[string]any{"modelId": "gemini-2.5-flash-lite", "tokenType": "REQUESTS", "remainingFraction": 1, "resetTime": at(9*time.Hour + 14*time.Minute)},
	}})
	if err != nil {
		return provider.Demo{}, err
	}
	token, err := json.Marshal(map[string]any{"access_token": demoMinted, "expires_in": 3599,
		"scope": "https://www.googleapis.com/auth/cloud-platform openid", "token_type": "Bearer"})
	if err != nil {
		return provider.Demo{}, err
	}

	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth"+google.PathToken, func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			sample.Reply(w, http.StatusBadRequest, []byte(`{"error":"invalid_request","error_description":"malformed form"}`))
			return
		}
		// Whichever client asks (the built-in one or an override): the
		// refresh token is what the fake knows.
		switch {
		case r.PostForm.Get("client_id") == "" || r.PostForm.Get("client_secret") == "":
			sample.Reply(w, http.StatusUnauthorized, []byte(`{"error":"invalid_client","error_description":"The OAuth client was not found."}`))
		case r.PostForm.Get("grant_type") != "refresh_token" || r.PostForm.Get("refresh_token") != demoRefresh:
			sample.Reply(w, http.StatusBadRequest, []byte(`{"error":"invalid_grant","error_description":"Bad Request"}`))
		default:
			sample.Reply(w, http.StatusOK, token)
		}
	})
	authorized := func(w http.ResponseWriter, r *http.Request) bool {
		if tok := sample.Bearer(r); tok != demoAccess && tok != demoMinted {
			sample.Reply(w, http.StatusUnauthorized, []byte(`{"error":{"code":401,"message":"Request had invalid authentication credentials.","status":"UNAUTHENTICATED"}}`))
			return false
		}
		return true
	}
	mux.HandleFunc("POST "+google.PathAssist, func(w http.ResponseWriter, r *http.Request) {
		if authorized(w, r) {
			sample.Reply(w, http.StatusOK, assist)
		}
	})
	mux.HandleFunc("POST "+pathQuota, func(w http.ResponseWriter, r *http.Request) {
		if !authorized(w, r) {
			return
		}
		var req struct {
			Project string `json:"project"`
		}
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<16))
		if json.Unmarshal(body, &req) != nil || req.Project != demoProject {
			sample.Reply(w, http.StatusForbidden, []byte(`{"error":{"code":403,"message":"The caller does not have permission","status":"PERMISSION_DENIED"}}`))
			return
		}
		sample.Reply(w, http.StatusOK, quotaBody)
	})

	creds := map[string]any{
		"access_token":  demoAccess,
		"refresh_token": demoRefresh,
		"scope":         "https://www.googleapis.com/auth/cloud-platform https://www.googleapis.com/auth/userinfo.email https://www.googleapis.com/auth/userinfo.profile openid",
		"id_token":      demoIDToken(now),
		"expiry_date":   now.Add(-time.Hour).UnixMilli(),
	}
	return provider.Demo{
		Handler:  mux,
		Settings: map[string]string{Setting: "/", google.SettingOAuthURL: "/oauth"},
		Files:    map[string]any{filepath.Join(paths.Home, geminiDir, CredsFile): creds},
	}, nil
}

// demoIDToken is an unsigned id_token naming the demo's e-mail; its
// "signature" carries CANARY like every demo secret.
func demoIDToken(now time.Time) string {
	enc := func(v any) string {
		b, _ := json.Marshal(v) // plain maps: cannot fail
		return base64.RawURLEncoding.EncodeToString(b)
	}
	return enc(map[string]any{"alg": "RS256", "typ": "JWT"}) + "." +
		enc(map[string]any{"iss": "https://accounts.google.com", "email": demoEmail, "email_verified": true,
			"sub": "100000000000000000002", "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}) +
		".demo-CANARY-signature"
}

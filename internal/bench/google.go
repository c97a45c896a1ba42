package bench

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/mystatus/mystatus/lib/auth"
)

// The fake Google OAuth client the fixtures configure.
const (
	GoogleClientID     = "bench-client-id.apps.example.com"
	GoogleClientSecret = "bench-CANARY-client-secret-not-real"
)

//go:embed data/*.json
var data embed.FS

// body returns an embedded response body; the files are part of the
// package, so a missing one is a programming error.
func body(name string) []byte {
	b, err := data.ReadFile("data/" + name)
	if err != nil {
		panic(err)
	}
	return b
}

// Google answers Google's OAuth token endpoint (POST /token) and the three
// Cloud Code calls mystatus makes (POST /v1internal:…) for any account:
// the token endpoint mints an access token derived from the refresh
// token, Cloud Code answers every bearer with the same sample bodies.
func Google() http.Handler {
	models, summary, assist := body("models.json"), body("summary.json"), body("assist.json")
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "refresh_token" ||
			r.PostForm.Get("client_id") != GoogleClientID || r.PostForm.Get("client_secret") != GoogleClientSecret {
			reply(w, http.StatusBadRequest, []byte(`{"error":"invalid_request"}`))
			return
		}
		sum := sha256.Sum256([]byte(r.PostForm.Get("refresh_token")))
		tok, _ := json.Marshal(map[string]any{
			"access_token": "ya29.bench-CANARY-" + hex.EncodeToString(sum[:8]),
			"expires_in":   3599,
			"token_type":   "Bearer",
		})
		reply(w, http.StatusOK, tok)
	})
	cloud := func(b []byte) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ya29.bench-CANARY-") {
				reply(w, http.StatusUnauthorized, []byte(`{"error":{"code":401,"status":"UNAUTHENTICATED"}}`))
				return
			}
			reply(w, http.StatusOK, b)
		}
	}
	mux.HandleFunc("POST /v1internal:fetchAvailableModels", cloud(models))
	mux.HandleFunc("POST /v1internal:retrieveUserQuotaSummary", cloud(summary))
	mux.HandleFunc("POST /v1internal:loadCodeAssist", cloud(assist))
	return mux
}

// benchRefresh starts the refresh tokens [GoogleHome] writes.
const benchRefresh = "1//bench-CANARY-refresh-"

// GoogleWith is [Google] whose token endpoint hands a refresh token that
// is not a bench account's to other (the demo's own Google token fake,
// which Gemini CLI's demo login needs: the token setting is one for every
// Google platform).
func GoogleWith(other http.Handler) http.Handler {
	g := Google()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/token" {
			g.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			reply(w, http.StatusBadRequest, []byte(`{"error":"invalid_request"}`))
			return
		}
		form, _ := url.ParseQuery(string(body))
		r.Body = io.NopCloser(bytes.NewReader(body))
		if strings.HasPrefix(form.Get("refresh_token"), benchRefresh) {
			g.ServeHTTP(w, r)
			return
		}
		other.ServeHTTP(w, r)
	})
}

func reply(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
}

// GoogleHome writes, under the new HOME directory home, an OpenCode
// antigravity-accounts.json holding n enabled accounts, each with its own
// refresh token and project, and returns the paths mystatus derives from
// that HOME. With no stored access token, every account's chain is
// token → (fetchAvailableModels ∥ retrieveUserQuotaSummary ∥
// loadCodeAssist): two round trips.
func GoogleHome(home string, n int) (auth.Paths, error) {
	paths := auth.PathsFromEnv(func(k string) string {
		if k == "HOME" {
			return home
		}
		return ""
	})
	accts := make([]map[string]any, n)
	for i := range accts {
		accts[i] = map[string]any{
			"email":        fmt.Sprintf("bench%04d@example.com", i),
			"refreshToken": fmt.Sprintf(benchRefresh+"%04d", i),
			"projectId":    fmt.Sprintf("bench-project-%04d", i),
			"enabled":      true,
		}
	}
	b, err := json.MarshalIndent(map[string]any{"version": 3, "accounts": accts, "activeIndex": 0}, "", "  ")
	if err != nil {
		return auth.Paths{}, err
	}
	dir := paths.OpenCodeConfigDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return auth.Paths{}, err
	}
	return paths, os.WriteFile(filepath.Join(dir, "antigravity-accounts.json"), b, 0o600)
}

// GoogleSettings points the Antigravity platform at a Google fake served
// at base, as settings (names without the MYSTATUS_ prefix).
func GoogleSettings(base string) map[string]string {
	return map[string]string{
		"google_oauth_url":     base,
		"cloudcode_base_url":   base,
		"google_client_id":     GoogleClientID,
		"google_client_secret": GoogleClientSecret,
	}
}

// Environ turns settings into MYSTATUS_<NAME>=value environment entries.
func Environ(settings map[string]string) []string {
	out := make([]string, 0, len(settings))
	for k, v := range settings {
		out = append(out, "MYSTATUS_"+strings.ToUpper(k)+"="+v)
	}
	return out
}

package demo

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/mystatus/mystatus/lib/auth"
)

// The demo credentials. They are obviously fake, and carry "CANARY" so a
// test can prove none of them reaches the report.
const (
	openaiRefresh    = "demo-CANARY-openai-refresh-not-a-real-token"
	openaiAccountID  = "demo-account-0001"
	demoEmail        = "demo@example.com"
	anthropicAccess  = "demo-CANARY-anthropic-access-not-a-real-token"
	anthropicRefresh = "demo-CANARY-anthropic-refresh-not-a-real-token"
	zhipuKey         = "demo-CANARY-zhipu-not-a-real-key-0001"
	zaiKey           = "demo-CANARY-zai-not-a-real-key-0002"
	githubUser       = "demo-user"
	githubPAT        = "github_pat_demo_CANARY_not_a_real_token"

	googleClientID     = "demo-client-id.apps.example.com"
	googleClientSecret = "demo-CANARY-client-secret-not-real"
)

// googleAccount is one demo Antigravity account.
type googleAccount struct {
	name    string // body suffix: cloudcode_models_<name>.json
	email   string
	refresh string
	access  string // what the fake token endpoint mints
	project string
}

// googleAccounts are the two Antigravity accounts: one healthy, one whose
// Claude family is exhausted.
var googleAccounts = []googleAccount{
	{name: "main", email: "demo.alpha@example.com", refresh: "1//demo-CANARY-google-refresh-alpha",
		access: "ya29.demo-CANARY-google-access-alpha", project: "demo-project-alpha"},
	{name: "second", email: "demo.beta@example.com", refresh: "1//demo-CANARY-google-refresh-beta",
		access: "ya29.demo-CANARY-google-access-beta", project: "demo-project-beta"},
}

// openaiToken builds an unsigned JWT naming the demo account, valid for
// ten days from now. OpenAI tokens are read, never verified.
func openaiToken(now time.Time) string {
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	header := map[string]any{"alg": "none", "typ": "JWT"}
	claims := map[string]any{
		"exp":                            now.Add(10 * 24 * time.Hour).Unix(),
		"iat":                            now.Add(-time.Hour).Unix(),
		"https://api.openai.com/profile": map[string]any{"email": demoEmail},
		"https://api.openai.com/auth":    map[string]any{"chatgpt_account_id": openaiAccountID, "chatgpt_plan_type": "plus"},
	}
	return enc(header) + "." + enc(claims) + ".demo-CANARY-unsigned"
}

// writeCredentials writes the demo credential files where the platforms
// look for them under paths.
func writeCredentials(paths auth.Paths, now time.Time) error {
	ms := func(d time.Duration) int64 { return now.Add(d).UnixMilli() }
	authJSON := map[string]any{
		"openai": map[string]any{"type": "oauth", "access": openaiToken(now), "refresh": openaiRefresh,
			"expires": ms(10 * 24 * time.Hour), "accountId": openaiAccountID},
		"anthropic": map[string]any{"type": "oauth", "access": anthropicAccess, "refresh": anthropicRefresh,
			"expires": ms(8 * time.Hour), "email": demoEmail},
		"zhipuai-coding-plan": map[string]any{"type": "api", "key": zhipuKey},
		"zai-coding-plan":     map[string]any{"type": "api", "key": zaiKey},
	}
	var accounts []map[string]any
	for _, a := range googleAccounts {
		accounts = append(accounts, map[string]any{"email": a.email, "refreshToken": a.refresh,
			"projectId": a.project, "enabled": true, "addedAt": ms(-30 * 24 * time.Hour)})
	}
	files := map[string]any{
		paths.OpenCodeAuth(): authJSON,
		filepath.Join(paths.OpenCodeConfigDir(), "antigravity-accounts.json"): map[string]any{
			"version": 3, "accounts": accounts, "activeIndex": 0},
		filepath.Join(paths.OpenCodeConfigDir(), "copilot-quota-token.json"): map[string]any{
			"token": githubPAT, "username": githubUser, "tier": "pro"},
	}
	for path, v := range files {
		data, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			return fmt.Errorf("demo credentials: %w", err)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return fmt.Errorf("demo credentials: %w", err)
		}
		if err := os.WriteFile(path, data, 0o600); err != nil {
			return fmt.Errorf("demo credentials: %w", err)
		}
	}
	return nil
}

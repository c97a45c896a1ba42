package geminicli

import (
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/provider/google"
)

var _ provider.Describer = (*Provider)(nil)

// FixDataPath is the FixData key naming the login file in fix steps
// ({{.GeminiCredsPath}}).
const FixDataPath = "GeminiCredsPath"

// Describe tells the shared packages about Gemini CLI: its login file,
// the Code Assist host and the Google token endpoint it shares with
// Antigravity. "gemini" is not an alias: it is Antigravity's.
func (p *Provider) Describe() provider.Description {
	return provider.Description{
		ID:      ID,
		Aliases: []string{"gemini-cli"},
		Files:   []string{CredsFile},
		Endpoints: []provider.Endpoint{
			{Setting: Setting, Default: DefaultBaseURL, Paths: []string{google.PathAssist, pathQuota}},
			{Setting: google.SettingOAuthURL, Default: google.DefaultOAuthURL, Paths: []string{google.PathToken}},
		},
		FixData: map[string]any{FixDataPath: CredsPath(p.d)},
	}
}

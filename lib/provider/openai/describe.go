package openai

import "github.com/mystatus/mystatus/lib/provider"

var _ provider.Describer = (*Provider)(nil)

// Describe tells the shared packages about OpenAI: its auth.json key, the
// Codex CLI's login file and the usage endpoint.
func (p *Provider) Describe() provider.Description {
	return provider.Description{
		ID:        p.ID(),
		Aliases:   []string{"codex", "chatgpt"},
		AuthKeys:  []string{authKey},
		Files:     []string{codexFile},
		Endpoints: []provider.Endpoint{{Setting: baseSetting, Default: DefaultBaseURL, Paths: []string{usagePath}}},
		FixData:   map[string]any{"CodexPath": p.CodexPath()},
		Variants:  []string{sourceCodex},
		Variant: func(path string) string {
			if path != "" && path == p.CodexPath() {
				return sourceCodex
			}
			return ""
		},
	}
}

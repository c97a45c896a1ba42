package anthropic

import "github.com/mystatus/mystatus/lib/provider"

var _ provider.Describer = (*Provider)(nil)

// Describe tells the shared packages about Anthropic: its auth.json key,
// Claude Code's login file and the OAuth usage and profile endpoints.
func (p *Provider) Describe() provider.Description {
	return provider.Description{
		ID:        p.ID(),
		Aliases:   []string{"claude"},
		AuthKeys:  []string{authKey},
		Files:     []string{claudeCodeFile},
		Endpoints: []provider.Endpoint{{Setting: baseSetting, Default: defaultBase, Paths: []string{usagePath, profilePath}}},
		FixData:   map[string]any{"ClaudeCodePath": p.ClaudeCodePath()},
		Variants:  []string{sourceClaudeCode},
		Variant: func(path string) string {
			if path != "" && path == p.ClaudeCodePath() {
				return sourceClaudeCode
			}
			return ""
		},
	}
}

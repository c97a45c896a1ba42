package copilot

import (
	"path/filepath"

	"github.com/mystatus/mystatus/lib/provider"
)

var _ provider.Describer = (*Provider)(nil)

// patVariant names the PAT file route for specialised steps
// ("error.<kind>.steps.copilot.pat").
const patVariant = "pat"

// Describe tells the shared packages about GitHub Copilot: the PAT file,
// the auth.json key and the GitHub API paths of both routes.
func (p *Provider) Describe() provider.Description {
	return provider.Description{
		ID:       ID,
		Aliases:  []string{"github", "gh"},
		AuthKeys: []string{authKey},
		Files:    []string{patFile},
		Endpoints: []provider.Endpoint{{Setting: baseSetting, Default: defaultBase,
			Paths: []string{userPath, tokenPath, "/users/{user}/settings/billing/premium_request/usage"}}},
		FixData:  map[string]any{"PATPath": p.patPaths()[0]},
		Variants: []string{patVariant},
		Variant: func(path string) string {
			if path != "" && filepath.Base(path) == patFile {
				return patVariant
			}
			return ""
		},
	}
}

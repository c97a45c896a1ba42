package zhipu

import "github.com/mystatus/mystatus/lib/provider"

var _ provider.Describer = (*Provider)(nil)

// Describe tells the shared packages about Zhipu AI or Z.ai: the coding
// plan's auth.json key and the quota endpoint.
func (p *Provider) Describe() provider.Description {
	d := provider.Description{
		ID:        p.id,
		AuthKeys:  []string{p.authKey},
		Endpoints: []provider.Endpoint{{Setting: p.setting, Default: p.base, Paths: []string{limitPath}}},
	}
	if p.id == IDZAI {
		d.Aliases = []string{"z.ai"}
	} else {
		d.Aliases = []string{"bigmodel"}
	}
	return d
}

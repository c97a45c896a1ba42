// Package all is the ordered list of platforms: the only package that
// imports every platform package. Adding a platform is one line here.
package all

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/provider/anthropic"
	"github.com/mystatus/mystatus/lib/provider/antigravity"
	"github.com/mystatus/mystatus/lib/provider/copilot"
	"github.com/mystatus/mystatus/lib/provider/deepseek"
	"github.com/mystatus/mystatus/lib/provider/geminicli"
	"github.com/mystatus/mystatus/lib/provider/kimi"
	"github.com/mystatus/mystatus/lib/provider/minimax"
	"github.com/mystatus/mystatus/lib/provider/moonshot"
	"github.com/mystatus/mystatus/lib/provider/openai"
	"github.com/mystatus/mystatus/lib/provider/opencodego"
	"github.com/mystatus/mystatus/lib/provider/openrouter"
	"github.com/mystatus/mystatus/lib/provider/zhipu"
	"github.com/mystatus/mystatus/lib/quota"
)

// Providers returns every platform in report order. It panics on a
// duplicate platform ID, a programming error caught by any test.
func Providers(d provider.Deps) []quota.Provider {
	ps := []quota.Provider{
		openai.New(d),
		anthropic.New(d),
		zhipu.NewZhipu(d),
		zhipu.NewZAI(d),
		antigravity.New(d),
		geminicli.New(d),
		copilot.New(d),
		kimi.New(d),
		opencodego.New(d),
		minimax.NewGlobal(d),
		minimax.NewChina(d),
		openrouter.New(d),
		deepseek.New(d),
		moonshot.New(d),
		moonshot.NewCN(d),
	}
	seen := map[quota.PlatformID]bool{}
	for _, p := range ps {
		if seen[p.ID()] {
			panic(fmt.Sprintf("all: duplicate platform %q", p.ID()))
		}
		seen[p.ID()] = true
	}
	return ps
}

// Descriptions returns what every platform says of itself (see
// [provider.Describer]) for dependencies d, in report order.
func Descriptions(d provider.Deps) []provider.Description {
	var ds []provider.Description
	for _, p := range Providers(d) {
		ds = append(ds, provider.Describe(p))
	}
	return ds
}

// Lookup resolves a platform's id or one of its aliases, in any case.
func Lookup(name string) (quota.PlatformID, bool) {
	name = strings.ToLower(strings.TrimSpace(name))
	// No file is read: an empty store only gives Describe paths to join.
	for _, d := range Descriptions(provider.Deps{Auth: auth.NewStore(auth.Paths{})}) {
		if string(d.ID) == name || slices.Contains(d.Aliases, name) {
			return d.ID, true
		}
	}
	return "", false
}

// IDs returns the platform IDs in report order. Constructors only store
// their dependencies, so zero Deps are enough to ask each provider its ID.
func IDs() []quota.PlatformID {
	var ids []quota.PlatformID
	for _, p := range Providers(provider.Deps{}) {
		ids = append(ids, p.ID())
	}
	return ids
}

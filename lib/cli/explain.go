package cli

import (
	"github.com/mystatus/mystatus/i18n"
	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/explain"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/quota"
	"github.com/mystatus/mystatus/lib/render"
)

// Explainer returns the failure explainer every surface uses: the
// taxonomy's localized title, meaning and steps, with paths resolved
// against p and each platform's fix steps and data as ps describe them.
func Explainer(p auth.Paths, ps []quota.Provider) render.Explainer {
	ds := Descriptions(ps)
	return func(loc *i18n.Localizer, id quota.PlatformID, err error) render.Explanation {
		d, ok := ds[id]
		if !ok {
			d = provider.Description{ID: id}
		}
		x := explain.For(loc, d, err, p)
		return render.Explanation{Kind: x.Kind, Title: x.Title, Meaning: x.Meaning, Steps: x.Steps, Detail: x.Detail}
	}
}

// Descriptions are what ps describe of themselves, by platform.
func Descriptions(ps []quota.Provider) map[quota.PlatformID]provider.Description {
	ds := make(map[quota.PlatformID]provider.Description, len(ps))
	for _, p := range ps {
		ds[p.ID()] = provider.Describe(p)
	}
	return ds
}

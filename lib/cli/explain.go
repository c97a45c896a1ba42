package cli

import (
	"github.com/mystatus/mystatus/i18n"
	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/explain"
	"github.com/mystatus/mystatus/lib/quota"
	"github.com/mystatus/mystatus/lib/render"
)

// Explainer returns the failure explainer every surface uses: the
// taxonomy's localized title, meaning and steps, with paths resolved
// against p.
func Explainer(p auth.Paths) render.Explainer {
	return func(loc *i18n.Localizer, id quota.PlatformID, err error) render.Explanation {
		x := explain.Explain(loc, id, err, p)
		return render.Explanation{Kind: x.Kind, Title: x.Title, Meaning: x.Meaning, Steps: x.Steps, Detail: x.Detail}
	}
}

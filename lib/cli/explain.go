package cli

import (
	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/render"
)

// Explainer returns the failure explainer used by every surface.
func Explainer(p auth.Paths) render.Explainer {
	return nil
}

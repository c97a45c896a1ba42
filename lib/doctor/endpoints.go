package doctor

import (
	"slices"
	"strings"
	"unicode"

	"github.com/mystatus/mystatus/lib/httpx"
)

// endpoints validates every base URL override the way the platforms will
// join it (each platform names its settings and paths in its
// Description); defaults are not checked. A setting two platforms share
// (the Google token endpoint) is checked once, for the first.
func (r *run) endpoints() {
	overrides := 0
	var checked []string
	for _, d := range r.descriptions {
		for _, ep := range d.Endpoints {
			if slices.Contains(checked, ep.Setting) {
				continue
			}
			checked = append(checked, ep.Setting)
			value, src := r.opts.Deps.Settings.Get(ep.Setting)
			if value == "" {
				continue
			}
			overrides++
			bases := []string{value}
			if ep.List {
				bases = strings.FieldsFunc(value, func(r rune) bool { return r == ',' || unicode.IsSpace(r) })
			}
			if err := joinAll(bases, ep.Paths, src); err != nil {
				r.problem(Error, CheckEndpoint, d.ID, "", err)
				continue
			}
			r.ok(CheckEndpoint, d.ID, "", "", r.t("doctor.endpoint.ok", map[string]any{"Source": src, "URL": value}))
		}
	}
	if overrides == 0 {
		r.ok(CheckEndpoint, "", "", "", r.t("doctor.endpoint.defaults", nil))
	}
}

// joinAll returns the first error of joining any base with any path.
func joinAll(bases, paths []string, src string) error {
	for _, b := range bases {
		for _, p := range paths {
			if _, err := httpx.JoinURL(b, p, src); err != nil {
				return err
			}
		}
	}
	return nil
}

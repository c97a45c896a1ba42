package render

import (
	"strings"

	"github.com/mystatus/mystatus/i18n"
	"github.com/mystatus/mystatus/lib/quota"
)

// Line renders the report as one compact line for status bars: per
// platform the lowest remaining (or highest used) percentage over its
// windows, "!" for a failure.
func Line(rep quota.Report, loc *i18n.Localizer, opts Options) string {
	rep = normalize(rep)
	var parts []string
	for _, res := range rep.Results {
		name := loc.T("platform."+string(res.Platform)+".short", nil)
		lowest, have, failed := 101.0, false, res.Err != nil
		for _, a := range res.Accounts {
			if a.Err != nil {
				failed = true
			}
			for _, w := range a.Windows {
				if !hasShare(w) {
					continue
				}
				if r := w.RemainingPct(); r < lowest {
					lowest, have = r, true
				}
			}
		}
		part := name + " "
		switch {
		case have && opts.Show == ShowUsed:
			part += loc.T("line.pct", map[string]any{"Pct": Round(Clamp(100 - lowest))})
		case have:
			part += loc.T("line.pct", map[string]any{"Pct": Round(Clamp(lowest))})
		default:
			part += "–"
		}
		if failed {
			part += "!"
		}
		parts = append(parts, part)
	}
	if len(parts) == 0 {
		return loc.T("line.none", nil)
	}
	return strings.Join(parts, " · ")
}

package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/mystatus/mystatus/lib/quota"
)

// maxPlausiblePct is the largest share used taken as data rather than
// garbage: an allowance used ten times over. Up to it, a share over 100
// (Copilot premium requests billed beyond the allowance) is real and only
// clamped, since the window is exhausted and Used/Limit keep the counts.
const maxPlausiblePct = 1000

// sanitize clamps every window's share to 0..100 and drops non-finite
// figures, so nothing downstream prints "-9223372036854775808%" or "146%
// remaining", nor fails to encode NaN as JSON. A figure no platform could
// mean (NaN, ±Inf, a negative share, more than [maxPlausiblePct]) also
// marks the account as having sent malformed data, naming the figures,
// unless it already failed for another reason.
func sanitize(a quota.Account) quota.Account {
	var bad []string
	finite := func(p *float64, what string) *float64 {
		if p != nil && (math.IsNaN(*p) || math.IsInf(*p, 0)) {
			bad = append(bad, what+" "+strconv.FormatFloat(*p, 'g', 4, 64))
			return nil
		}
		return p
	}
	if len(a.Windows) > 0 {
		a.Windows = append([]quota.Window(nil), a.Windows...) // never write into the provider's slice
	}
	for i := range a.Windows {
		w := &a.Windows[i]
		label := w.Name
		if label == "" {
			label = string(w.Kind)
		}
		switch u := w.UsedPct; {
		case math.IsNaN(u), math.IsInf(u, 0), u < -0.5, u > maxPlausiblePct:
			bad = append(bad, fmt.Sprintf("%s used_percent %s", label, strconv.FormatFloat(u, 'g', 4, 64)))
			if u > 0 {
				w.UsedPct = 100
			} else {
				w.UsedPct = 0
			}
		default:
			w.UsedPct = min(max(u, 0), 100)
		}
		w.Used = finite(w.Used, label+" used")
		w.Limit = finite(w.Limit, label+" limit")
	}
	a.Overage = finite(a.Overage, "overage")
	if len(bad) > 0 && a.Err == nil {
		a.Err = quota.Detailed(quota.KindMalformed, "detail.figures.clamped", map[string]any{"Figures": strings.Join(bad, ", ")})
	}
	return a
}

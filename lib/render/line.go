package render

import (
	"strings"

	"github.com/mystatus/mystatus/i18n"
	"github.com/mystatus/mystatus/lib/pace"
	"github.com/mystatus/mystatus/lib/quota"
)

// PaceMarker follows a platform's percentage in the line form when one of
// its windows is projected to run out before it resets (lib/pace).
const PaceMarker = "⏳"

// Line renders the report as one compact line for status bars: per
// platform the lowest remaining (or highest used) percentage over its
// windows, [PaceMarker] when a window is projected to run out before its
// reset, "!" for a failure. A platform with no share to compare, only
// prepaid balances (DeepSeek, Moonshot), shows its first balance's amount.
func Line(rep quota.Report, loc *i18n.Localizer, opts Options) string {
	rep = normalize(rep)
	if opts.Now.IsZero() {
		opts.Now = rep.GeneratedAt
	}
	pw := &writer{loc: loc, opts: opts}
	var parts []string
	for _, res := range rep.Results {
		name := loc.T("platform."+string(res.Platform)+".short", nil)
		lowest, have, failed, runsOut := 101.0, false, res.Err != nil, false
		var balance *quota.Money
		for _, a := range res.Accounts {
			if a.Err != nil {
				failed = true
			}
			for _, w := range a.Windows {
				if !hasShare(w) {
					if left, ok := balanceLeft(w.Money); ok && pureBalance(w) && balance == nil {
						balance = &left
					}
					continue
				}
				if r := w.RemainingPct(); r < lowest {
					lowest, have = r, true
				}
				if !w.Exhausted() && pw.pace(w).Status == pace.RunsOut {
					runsOut = true
				}
			}
		}
		part := name + " "
		switch {
		case have && opts.Show == ShowUsed:
			part += loc.T("line.pct", map[string]any{"Pct": Round(Clamp(100 - lowest))})
		case have:
			part += loc.T("line.pct", map[string]any{"Pct": Round(Clamp(lowest))})
		case balance != nil:
			part += MoneyString(loc, *balance)
		default:
			part += "–"
		}
		if runsOut {
			part += PaceMarker
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

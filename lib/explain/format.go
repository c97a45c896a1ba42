package explain

import (
	"time"

	"github.com/mystatus/mystatus/i18n"
	"github.com/mystatus/mystatus/lib/render"
)

// Duration renders a wait in the user's language: seconds below a minute
// ("45s"), else the renderer's form ("2h 30m") rounded up to the minute
// so a wait is never understated.
func Duration(loc *i18n.Localizer, d time.Duration) string {
	if d < time.Minute {
		s := int((d + time.Second - 1) / time.Second)
		return loc.T("explain.duration.seconds", map[string]any{"S": s})
	}
	return render.Duration(loc, (d+time.Minute-1)/time.Minute*time.Minute)
}

// DateTime renders t in local time with the renderer's layouts.
func DateTime(loc *i18n.Localizer, t, now time.Time) string {
	return render.When(loc, t, now, time.Local)
}

package quota

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxNameLen bounds upstream names (e-mails, plans, limit and model names)
// shown in the report, in runes.
const MaxNameLen = 64

// CleanName makes an upstream name safe to show: control and format
// characters dropped, spaces collapsed, at most MaxNameLen runes, and any
// credential mystatus sent (an upstream may echo it) redacted.
func CleanName(s string) string {
	s = ScrubKnown(s)
	out := make([]rune, 0, min(len(s), MaxNameLen))
	space := false
	for _, r := range s {
		switch {
		case r == utf8.RuneError || unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
		case unicode.IsSpace(r):
			space = true
		default:
			if space && len(out) > 0 {
				out = append(out, ' ')
			}
			space = false
			out = append(out, r)
		}
		if len(out) >= MaxNameLen {
			break
		}
	}
	return strings.TrimSpace(string(out[:min(len(out), MaxNameLen)]))
}

package plugin

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// SanitizePrompt makes text safe to pass through OpenCode's command
// template engine, which substitutes $1…$N and $ARGUMENTS, runs !`cmd`
// and attaches files named by @path. A dollar sign before a digit or
// ARGUMENTS becomes the fullwidth dollar sign, "!`" gets a space, and an
// @ that would start a file reference becomes the fullwidth at sign.
func SanitizePrompt(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	prev := rune(-1) // -1: start of text
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		rest := s[i+n:]
		switch {
		case r == '$' && (startsWithDigit(rest) || strings.HasPrefix(rest, "ARGUMENTS")):
			b.WriteRune('＄')
		case r == '!' && strings.HasPrefix(rest, "`"):
			b.WriteString("! ")
		case r == '@' && fileRefStart(prev) && rest != "" && !startsWithSpace(rest):
			b.WriteRune('＠')
		default:
			b.WriteString(s[i : i+n])
		}
		prev = r
		i += n
	}
	return b.String()
}

func startsWithDigit(s string) bool { return s != "" && s[0] >= '0' && s[0] <= '9' }

// startsWithSpace uses the narrow ASCII set (tab, newline, form feed,
// carriage return, space): an @ before any other character, a vertical tab
// or a Unicode space included, is escaped, which is always safe.
func startsWithSpace(s string) bool {
	return s != "" && strings.IndexByte("\t\n\f\r ", s[0]) >= 0
}

// fileRefStart reports whether an @ after prev can start a file
// reference: at the start of the text or after anything but a word
// character or a backtick (so e-mail addresses stay as they are).
func fileRefStart(prev rune) bool {
	if prev == -1 {
		return true
	}
	return !(prev == '_' || prev == '`' || unicode.IsLetter(prev) || unicode.IsDigit(prev))
}

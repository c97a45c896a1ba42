package quota

import "unicode/utf8"

// MaskKey returns a display form of an API key that never reveals it:
// "****" for keys of 8 characters or fewer, "****" + the last 4 for keys
// under 16 characters, and the first 4 + "****" + the last 4 otherwise
// (real platform keys are 32+ characters).
func MaskKey(key string) string {
	n := utf8.RuneCountInString(key)
	r := []rune(key)
	switch {
	case n <= 8:
		return "****"
	case n < 16:
		return "****" + string(r[n-4:])
	}
	return string(r[:4]) + "****" + string(r[n-4:])
}

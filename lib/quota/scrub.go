package quota

import (
	"regexp"
	"strings"
)

// Redacted replaces whatever [Scrub] removes.
const Redacted = "[redacted]"

// secretPatterns match credentials by their shape. Order matters: the
// labelled forms go first so their label stays readable.
var secretPatterns = []*regexp.Regexp{
	// "Authorization: Bearer x" and "Basic x".
	regexp.MustCompile(`(?i)\b(bearer|basic)(\s+)[A-Za-z0-9._~+/=:-]{8,}`),
	// key=value and "key": "value" pairs whose name says secret.
	regexp.MustCompile(`(?i)(\b(?:api[_-]?key|access[_-]?token|refresh[_-]?token|id[_-]?token|client[_-]?secret|password|secret|token|key)"?\s*[:=]\s*"?)[^\s"',;&}]{6,}`),
	// JSON Web Tokens.
	regexp.MustCompile(`eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.?[A-Za-z0-9_-]*`),
	// Vendor prefixes: OpenAI/Anthropic keys, GitHub tokens, Google
	// access and refresh tokens, Google OAuth client secrets.
	regexp.MustCompile(`\b(?:sk-[A-Za-z0-9_-]{6,}|github_pat_[A-Za-z0-9_]{6,}|gh[opsur]_[A-Za-z0-9]{6,}|ya29\.[A-Za-z0-9._-]{6,}|GOCSPX-[A-Za-z0-9_-]{6,})`),
	regexp.MustCompile(`1//[A-Za-z0-9_-]{6,}`),
	// Zhipu keys: "<32 hex>.<secret>".
	regexp.MustCompile(`\b[0-9a-fA-F]{24,}\.[A-Za-z0-9]{6,}`),
}

// runPattern finds long unbroken runs of token characters; [Scrub] decides
// by their content whether they are secrets.
var runPattern = regexp.MustCompile(`[A-Za-z0-9+/=_-]{24,}`)

var hexRun = regexp.MustCompile(`^[0-9a-fA-F]+$`)

// Scrub removes from s anything that looks like a credential: bearer
// values, secret-named key/value pairs, JWTs, sk-…, github_pat_…, gho_…,
// ya29.…, 1//… refresh tokens, and runs of 24 or more hex or base64
// characters. Hyphenated names (model ids, UUIDs) and paths are kept.
func Scrub(s string) string {
	if s == "" {
		return s
	}
	for i, re := range secretPatterns {
		if i < 2 {
			// Keep the label, drop the value.
			s = re.ReplaceAllString(s, "${1}${2}"+Redacted)
			continue
		}
		s = re.ReplaceAllString(s, Redacted)
	}
	return runPattern.ReplaceAllStringFunc(s, func(run string) string {
		if looksSecret(run) {
			return Redacted
		}
		return run
	})
}

// looksSecret tells a token from a long name: all hex, or base64 mixing
// upper case, lower case and digits, or letters and digits without the
// separators that names and paths use.
func looksSecret(run string) bool {
	if hexRun.MatchString(run) {
		return true
	}
	var upper, lower, digit bool
	for _, r := range run {
		switch {
		case r >= 'A' && r <= 'Z':
			upper = true
		case r >= 'a' && r <= 'z':
			lower = true
		case r >= '0' && r <= '9':
			digit = true
		}
	}
	if upper && lower && digit {
		return true
	}
	return digit && (upper || lower) && !strings.ContainsAny(run, "-_/")
}

package render

import (
	"strings"
	"unicode/utf8"
)

// Clean makes a string of outside origin (an account or model name, an
// upstream message) safe to print on one line of a terminal: it removes
// ANSI escape sequences (CSI, OSC, DCS and the other string sequences,
// two-byte escapes), the C0 controls, DEL and the C1 controls, and the
// bidirectional overrides that can reorder what a reader sees; newlines
// and tabs become spaces. Invalid UTF-8 becomes U+FFFD.
//
// Hand-written rather than a terminal library: only removal is needed,
// and the rules are the ECMA-48 sequence shapes below.
func Clean(s string) string { return clean(s, false) }

// CleanText is [Clean] for multi-line text: newlines and tabs are kept.
func CleanText(s string) string { return clean(s, true) }

func clean(s string, multiline bool) string {
	if isPlain(s) {
		return s
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == 0x1b: // ESC: skip the whole sequence
			i += escapeLen(s[i:])
			continue
		case r == '\n' || r == '\t':
			if multiline {
				b.WriteRune(r)
			} else {
				b.WriteByte(' ')
			}
		case r == '\r':
			// A carriage return rewrites the line it is on: drop it.
		case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0:
			// C0, DEL, C1.
		case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
			// Bidirectional embeddings, overrides and isolates.
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// isPlain reports whether s is printable ASCII (the common case, kept
// allocation-free).
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// escapeLen is the length of the escape sequence at the start of s
// (s[0] is ESC), up to the end of s when it is unterminated.
func escapeLen(s string) int {
	if len(s) < 2 {
		return len(s)
	}
	switch s[1] {
	case '[': // CSI: parameters and intermediates, then a final byte 0x40–0x7E
		for i := 2; i < len(s); i++ {
			if s[i] >= 0x40 && s[i] <= 0x7e {
				return i + 1
			}
		}
		return len(s)
	case ']', 'P', 'X', '^', '_': // OSC, DCS, SOS, PM, APC: up to BEL or ST (ESC \)
		for i := 2; i < len(s); i++ {
			if s[i] == 0x07 {
				return i + 1
			}
			if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '\\' {
				return i + 2
			}
		}
		return len(s)
	}
	// Other escapes: intermediate bytes (0x20–0x2F, as in the charset
	// designator "ESC ( B") then one final byte (0x30–0x7E). A multi-byte
	// rune after ESC is kept.
	i := 1
	for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
		i++
	}
	if i < len(s) && s[i] >= 0x30 && s[i] <= 0x7e {
		return i + 1
	}
	return i
}

// escapeMarkdown escapes the ASCII punctuation that could make text of
// outside origin into markdown syntax (emphasis, links, HTML, code, table
// cell boundaries, entities). CommonMark allows a backslash before any
// ASCII punctuation, so escaped text renders as written.
func escapeMarkdown(s string) string {
	const special = "\\`*_[]<>|~&"
	if !strings.ContainsAny(s, special) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if r < utf8.RuneSelf && strings.IndexByte(special, byte(r)) >= 0 {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// table is a GFM table, padded so that its raw text lines up in a
// fixed-width font too. Cells must already be escaped.
type table struct {
	head  []string
	right []bool // right-aligned columns
	rows  [][]string
}

// repeat writes n copies of c (strings.Repeat would allocate each run).
func repeat(b *strings.Builder, c byte, n int) {
	for range n {
		b.WriteByte(c)
	}
}

// writeTo writes the table to b (the report itself, not a copy of it).
func (t table) writeTo(b *strings.Builder) {
	widths := make([]int, len(t.head))
	for i, h := range t.head {
		widths[i] = max(cellWidth(h), 3)
	}
	for _, r := range t.rows {
		for i, c := range r {
			widths[i] = max(widths[i], cellWidth(c))
		}
	}
	row := func(cells []string) {
		b.WriteByte('|')
		for i, c := range cells {
			gap := widths[i] - cellWidth(c)
			b.WriteByte(' ')
			if i < len(t.right) && t.right[i] {
				repeat(b, ' ', gap)
				b.WriteString(c)
			} else {
				b.WriteString(c)
				repeat(b, ' ', gap)
			}
			b.WriteString(" |")
		}
		b.WriteByte('\n')
	}
	row(t.head)
	b.WriteByte('|')
	for i := range t.head {
		if i < len(t.right) && t.right[i] {
			b.WriteByte(' ')
			repeat(b, '-', widths[i]-1)
			b.WriteString(": |")
		} else {
			b.WriteString(" :")
			repeat(b, '-', widths[i]-1)
			b.WriteString(" |")
		}
	}
	b.WriteByte('\n')
	for _, r := range t.rows {
		row(r)
	}
}

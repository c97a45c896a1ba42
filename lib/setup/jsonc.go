package setup

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// The scanner below reads JSON and JSONC (JSON plus // and /* */ comments
// and trailing commas, as OpenCode, VS Code and Zed accept). It keeps the
// byte span of every value and member so a config file can be edited by
// splicing text into it: everything the user wrote outside the one entry
// mystatus owns, comments and layout included, survives byte for byte.

// Reason codes of a syntaxError; each has a catalog message setup.why.<code>.
const (
	whyEOF           = "eof"
	whyChar          = "char"
	whyString        = "string"
	whyEscape        = "escape"
	whyControl       = "control"
	whyNumber        = "number"
	whyComment       = "comment"
	whyNoComments    = "no_comments"
	whyTrailingComma = "trailing_comma"
	whyDepth         = "depth"
	whyTrailing      = "trailing"
)

// maxDepth bounds nesting so hostile input cannot grow the stack without limit.
const maxDepth = 512

// syntaxError is where and why the scanner stopped.
type syntaxError struct {
	Offset int
	Reason string
}

func (e *syntaxError) Error() string { return "offset " + strconv.Itoa(e.Offset) + ": " + e.Reason }

// node is one parsed value and its span src[start:end].
type node struct {
	kind       byte // '{' object, '[' array, '"' string, '0' number, 't' true, 'f' false, 'n' null
	start, end int
	members    []member // objects
	elems      []*node  // arrays
}

// member is one "key": value pair of an object.
type member struct {
	key      string // decoded
	keyStart int
	val      *node
	comma    int // offset of the comma after the value, -1 when none
}

// lookup returns the last member named key (the one JSON parsers keep), or nil.
func (n *node) lookup(key string) *member {
	for i := len(n.members) - 1; i >= 0; i-- {
		if n.members[i].key == key {
			return &n.members[i]
		}
	}
	return nil
}

var bom = []byte("\xEF\xBB\xBF")

type scanner struct {
	src    []byte
	pos    int
	strict bool // plain JSON: no comments, no trailing commas, no BOM
	depth  int
}

// parseJSONC parses src as one JSONC document (strict: plain JSON).
func parseJSONC(src []byte, strict bool) (*node, error) {
	s := &scanner{src: src, strict: strict}
	if !strict && bytes.HasPrefix(src, bom) {
		s.pos = len(bom)
	}
	if err := s.skip(); err != nil {
		return nil, err
	}
	n, err := s.value()
	if err != nil {
		return nil, err
	}
	if err := s.skip(); err != nil {
		return nil, err
	}
	if s.pos < len(src) {
		return nil, s.fail(whyTrailing)
	}
	return n, nil
}

// blank reports whether src holds no value at all: only whitespace and,
// in JSONC, comments.
func blank(src []byte, strict bool) bool {
	s := &scanner{src: src, strict: strict}
	if !strict && bytes.HasPrefix(src, bom) {
		s.pos = len(bom)
	}
	return s.skip() == nil && s.pos == len(src)
}

func (s *scanner) fail(why string) error { return &syntaxError{Offset: s.pos, Reason: why} }

// skip moves past whitespace and comments.
func (s *scanner) skip() error {
	for s.pos < len(s.src) {
		switch s.src[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		case '/':
			if s.strict {
				return s.fail(whyNoComments)
			}
			if s.pos+1 >= len(s.src) {
				return s.fail(whyChar)
			}
			switch s.src[s.pos+1] {
			case '/':
				if i := bytes.IndexByte(s.src[s.pos:], '\n'); i >= 0 {
					s.pos += i
				} else {
					s.pos = len(s.src)
				}
			case '*':
				i := bytes.Index(s.src[s.pos+2:], []byte("*/"))
				if i < 0 {
					return s.fail(whyComment)
				}
				s.pos += 2 + i + 2
			default:
				return s.fail(whyChar)
			}
		default:
			return nil
		}
	}
	return nil
}

func (s *scanner) value() (*node, error) {
	if s.pos >= len(s.src) {
		return nil, s.fail(whyEOF)
	}
	switch c := s.src[s.pos]; {
	case c == '{':
		return s.object()
	case c == '[':
		return s.array()
	case c == '"':
		return s.str()
	case c == 't':
		return s.literal("true", 't')
	case c == 'f':
		return s.literal("false", 'f')
	case c == 'n':
		return s.literal("null", 'n')
	case c == '-' || c >= '0' && c <= '9':
		return s.number()
	}
	return nil, s.fail(whyChar)
}

func (s *scanner) enter() error {
	s.depth++
	if s.depth > maxDepth {
		return s.fail(whyDepth)
	}
	return nil
}

func (s *scanner) object() (*node, error) {
	if err := s.enter(); err != nil {
		return nil, err
	}
	defer func() { s.depth-- }()
	n := &node{kind: '{', start: s.pos}
	s.pos++
	for {
		if err := s.skip(); err != nil {
			return nil, err
		}
		if s.pos >= len(s.src) {
			return nil, s.fail(whyEOF)
		}
		c := s.src[s.pos]
		if c == '}' {
			if k := len(n.members); k > 0 && n.members[k-1].comma >= 0 && s.strict {
				s.pos = n.members[k-1].comma
				return nil, s.fail(whyTrailingComma)
			}
			s.pos++
			n.end = s.pos
			return n, nil
		}
		if k := len(n.members); k > 0 && n.members[k-1].comma < 0 || c != '"' {
			return nil, s.fail(whyChar)
		}
		m := member{keyStart: s.pos, comma: -1}
		k, err := s.str()
		if err != nil {
			return nil, err
		}
		m.key = decodeString(s.src[k.start:k.end])
		if err := s.skip(); err != nil {
			return nil, err
		}
		if s.pos >= len(s.src) {
			return nil, s.fail(whyEOF)
		}
		if s.src[s.pos] != ':' {
			return nil, s.fail(whyChar)
		}
		s.pos++
		if err := s.skip(); err != nil {
			return nil, err
		}
		if m.val, err = s.value(); err != nil {
			return nil, err
		}
		if err := s.skip(); err != nil {
			return nil, err
		}
		if s.pos < len(s.src) && s.src[s.pos] == ',' {
			m.comma = s.pos
			s.pos++
		}
		n.members = append(n.members, m)
	}
}

func (s *scanner) array() (*node, error) {
	if err := s.enter(); err != nil {
		return nil, err
	}
	defer func() { s.depth-- }()
	n := &node{kind: '[', start: s.pos}
	s.pos++
	comma := -1 // offset of the comma after the last element
	for {
		if err := s.skip(); err != nil {
			return nil, err
		}
		if s.pos >= len(s.src) {
			return nil, s.fail(whyEOF)
		}
		if s.src[s.pos] == ']' {
			if comma >= 0 && s.strict {
				s.pos = comma
				return nil, s.fail(whyTrailingComma)
			}
			s.pos++
			n.end = s.pos
			return n, nil
		}
		if len(n.elems) > 0 && comma < 0 {
			return nil, s.fail(whyChar)
		}
		v, err := s.value()
		if err != nil {
			return nil, err
		}
		n.elems = append(n.elems, v)
		if err := s.skip(); err != nil {
			return nil, err
		}
		comma = -1
		if s.pos < len(s.src) && s.src[s.pos] == ',' {
			comma = s.pos
			s.pos++
		}
	}
}

func (s *scanner) str() (*node, error) {
	n := &node{kind: '"', start: s.pos}
	s.pos++
	for s.pos < len(s.src) {
		switch c := s.src[s.pos]; {
		case c == '"':
			s.pos++
			n.end = s.pos
			return n, nil
		case c == '\\':
			s.pos++
			if s.pos >= len(s.src) {
				s.pos = n.start
				return nil, s.fail(whyString)
			}
			switch s.src[s.pos] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.pos++
			case 'u':
				s.pos++
				for range 4 {
					if s.pos >= len(s.src) || !isHex(s.src[s.pos]) {
						return nil, s.fail(whyEscape)
					}
					s.pos++
				}
			default:
				return nil, s.fail(whyEscape)
			}
		case c < 0x20:
			return nil, s.fail(whyControl)
		default:
			s.pos++
		}
	}
	s.pos = n.start
	return nil, s.fail(whyString)
}

// decodeString decodes a scanned string token as encoding/json does
// (invalid UTF-8 and lone surrogates become U+FFFD).
func decodeString(tok []byte) string {
	if body := tok[1 : len(tok)-1]; bytes.IndexByte(body, '\\') < 0 && utf8.Valid(body) {
		return string(body)
	}
	var v string
	_ = json.Unmarshal(tok, &v) // the scanner accepted tok, so this cannot fail
	return v
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// number scans -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?.
func (s *scanner) number() (*node, error) {
	n := &node{kind: '0', start: s.pos}
	digits := func() bool {
		i := s.pos
		for s.pos < len(s.src) && isDigit(s.src[s.pos]) {
			s.pos++
		}
		return s.pos > i
	}
	if s.src[s.pos] == '-' {
		s.pos++
	}
	switch {
	case s.pos < len(s.src) && s.src[s.pos] == '0':
		s.pos++
	case !digits():
		return nil, s.fail(whyNumber)
	}
	if s.pos < len(s.src) && s.src[s.pos] == '.' {
		s.pos++
		if !digits() {
			return nil, s.fail(whyNumber)
		}
	}
	if s.pos < len(s.src) && (s.src[s.pos] == 'e' || s.src[s.pos] == 'E') {
		s.pos++
		if s.pos < len(s.src) && (s.src[s.pos] == '+' || s.src[s.pos] == '-') {
			s.pos++
		}
		if !digits() {
			return nil, s.fail(whyNumber)
		}
	}
	n.end = s.pos
	return n, nil
}

func (s *scanner) literal(word string, kind byte) (*node, error) {
	if !bytes.HasPrefix(s.src[s.pos:], []byte(word)) {
		return nil, s.fail(whyChar)
	}
	n := &node{kind: kind, start: s.pos, end: s.pos + len(word)}
	s.pos = n.end
	return n, nil
}

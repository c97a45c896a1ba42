package jsonval

import (
	"errors"
	"fmt"

	"github.com/mystatus/mystatus/lib/quota"
)

// MaxDepth is the deepest nesting of arrays and objects mystatus accepts in
// JSON of outside origin (credential files, config, upstream bodies,
// JSON-RPC frames). No real document of theirs comes near it; gjson's
// validator and parser recurse once per level, so unbounded depth is a
// stack overflow (10 MiB of "[" kills the process) and a memory bomb.
const MaxDepth = 128

// ErrTooDeep is wrapped by the error [CheckDepth] returns.
var ErrTooDeep = errors.New("JSON nested too deeply")

// DepthError locates the first level past the limit.
type DepthError struct {
	Max    int
	Offset int // byte offset of the opening bracket past the limit
}

func (e *DepthError) Error() string {
	return fmt.Sprintf("JSON nested deeper than %d levels (at byte %d)", e.Max, e.Offset)
}

func (e *DepthError) Unwrap() error { return ErrTooDeep }

// DepthDetail gives e, whose Err is a [*DepthError], the catalog's words
// for it (see [quota.Error.DetailID]); e is returned unchanged otherwise.
func DepthDetail(e *quota.Error) *quota.Error {
	var de *DepthError
	if errors.As(e.Err, &de) {
		e.With("detail.json.depth", map[string]any{"Max": de.Max, "Offset": de.Offset})
	}
	return e
}

// CheckDepth reports a [*DepthError] when b nests arrays or objects deeper
// than max levels. It is a single pass without recursion or allocation
// (hand-written because neither gjson nor encoding/json offers a depth
// bound that runs before their recursive descent). It does not validate:
// run it before gjson.Valid or any parse. Brackets inside strings (escapes
// included) do not count.
func CheckDepth(b []byte, max int) error {
	depth := 0
	inString, escaped := false, false
	for i, c := range b {
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '[', '{':
			depth++
			if depth > max {
				return &DepthError{Max: max, Offset: i}
			}
		case ']', '}':
			if depth > 0 {
				depth--
			}
		}
	}
	return nil
}

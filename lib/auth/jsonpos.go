package auth

import (
	"encoding/json"
	"errors"
	"strconv"
)

// syntaxPos finds the line and column of the first JSON syntax error.
func syntaxPos(data []byte) (line, col int, ok bool) {
	var v any
	err := json.Unmarshal(data, &v)
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		return 0, 0, false
	}
	// Offset counts the bytes read, including the offending one.
	off := int(se.Offset) - 1
	if off < 0 {
		off = 0
	}
	if off > len(data) {
		off = len(data)
	}
	line, col = 1, 1
	for _, b := range data[:off] {
		if b == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col, true
}

func itoa(n int) string { return strconv.Itoa(n) }

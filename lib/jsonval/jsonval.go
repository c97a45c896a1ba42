// Package jsonval reads values out of upstream JSON whose shapes drift:
// numbers that arrive as strings, epochs in seconds or milliseconds.
// Garbage (NaN, infinities, absurd epochs) reads as absent.
package jsonval

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/tidwall/gjson"
)

// Number reads a finite number given as a JSON number or a numeric string.
func Number(r gjson.Result) (float64, bool) {
	var v float64
	switch r.Type {
	case gjson.Number:
		v = r.Num
	case gjson.String:
		f, err := strconv.ParseFloat(strings.TrimSpace(r.Str), 64)
		if err != nil {
			return 0, false
		}
		v = f
	default:
		return 0, false
	}
	return v, Finite(v)
}

// Finite reports whether f is neither NaN nor infinite.
func Finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// maxMillis is the year 9999 in milliseconds; larger values are garbage.
const maxMillis = 253402300799999

// Epoch reads a Unix time in seconds or milliseconds (values from 1e11 on
// are milliseconds: 1e11 seconds is the year 5138), given as a number or a
// numeric string. Zero, negative or absurd values give the zero time.
func Epoch(r gjson.Result) time.Time {
	v, ok := Number(r)
	if !ok || v <= 0 || v > maxMillis {
		return time.Time{}
	}
	if v < 1e11 {
		return time.Unix(int64(v), 0)
	}
	return time.UnixMilli(int64(v))
}

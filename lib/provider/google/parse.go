package google

import (
	"errors"
	"math"
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"github.com/mystatus/mystatus/lib/jsonval"
	"github.com/mystatus/mystatus/lib/quota"
)

// ErrShape reports a body that is JSON but not the expected shape.
var ErrShape = errors.New("unexpected response shape")

// ShapeDetail gives ErrShape the catalog's words for the report; other
// errors pass through.
func ShapeDetail(err error) error {
	if errors.Is(err, ErrShape) {
		return quota.Detailed(quota.KindMalformed, "detail.json.shape", nil)
	}
	return err
}

// CheckBody rejects a body that is not JSON or is nested too deeply for a
// recursive parse.
func CheckBody(body []byte) error {
	if err := jsonval.CheckDepth(body, jsonval.MaxDepth); err != nil {
		return err
	}
	if !gjson.ValidBytes(body) {
		return ErrShape
	}
	return nil
}

// Unwrap returns the object a Cloud Code answer carries: some hosts and
// the local language server wrap it as {"response": {...}}. key is a field
// the bare answer has.
func Unwrap(root gjson.Result, key string) gjson.Result {
	if !root.Get(key).Exists() {
		if r := root.Get("response"); r.IsObject() {
			return r
		}
	}
	return root
}

// fracSlack is how far outside 0..1 a fraction may stray by float noise
// and still be clamped; beyond it the figure is malformed.
const fracSlack = 1e-6

// Figure reads a Cloud Code quota object ({remainingFraction,
// resetTime}: quotaInfo, a summary or retrieveUserQuota bucket): the
// remaining fraction (proto3 JSON omits a zero, so a reset time without a
// fraction means nothing is left) and the reset time. ok is false when the
// object carries neither, or a fraction outside 0..1: there is no usable
// data.
func Figure(q gjson.Result) (frac float64, reset time.Time, ok bool) {
	if !q.IsObject() {
		return 0, time.Time{}, false
	}
	reset = ParseTime(q.Get("resetTime"))
	rf := q.Get("remainingFraction")
	f, hasFrac := jsonval.Number(rf)
	if rf.Exists() && rf.Type != gjson.Null && (!hasFrac || f < -fracSlack || f > 1+fracSlack) {
		return 0, time.Time{}, false
	}
	if !hasFrac && reset.IsZero() {
		return 0, time.Time{}, false
	}
	return min(max(f, 0), 1), reset, true
}

// ParseTime reads an RFC 3339 timestamp; zero when absent or unreadable.
func ParseTime(r gjson.Result) time.Time {
	if r.Type != gjson.String {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, r.Str)
	if err != nil {
		return time.Time{}
	}
	return t
}

// UsedPct turns a remaining fraction into a used percentage, rounded to
// remove float noise (1-0.6 is not 0.4).
func UsedPct(frac float64) float64 {
	return math.Round((1-frac)*100*1e6) / 1e6
}

// Str reads a trimmed string field; other types are absent.
func Str(r gjson.Result) string {
	if r.Type != gjson.String {
		return ""
	}
	return strings.TrimSpace(r.Str)
}

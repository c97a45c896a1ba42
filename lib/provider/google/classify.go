package google

import (
	"errors"
	"time"

	"github.com/tidwall/gjson"

	"github.com/mystatus/mystatus/lib/httpx"
	"github.com/mystatus/mystatus/lib/jsonval"
	"github.com/mystatus/mystatus/lib/quota"
)

// Classify classifies an error of a Google API. A *httpx.StatusError whose
// body is a google.rpc.Status naming a known reason in error.details[]
// (QUOTA_EXHAUSTED, RATE_LIMIT_EXCEEDED, MODEL_CAPACITY_EXHAUSTED,
// VALIDATION_REQUIRED, ACCESS_TOKEN_EXPIRED, CREDENTIALS_MISSING) is
// classified by that reason, with the reset time, retry delay
// (RetryInfo.retryDelay, metadata.quotaResetDelay) and validation link it
// carries; anything else goes to the generic rules of [httpx.FromStatus].
func Classify(err error) error {
	var se *httpx.StatusError
	if !errors.As(err, &se) {
		return err
	}
	body := se.Body
	// A StatusError built by hand may carry any body: bound its depth
	// before the recursive validator runs.
	if jsonval.CheckDepth(body, jsonval.MaxDepth) != nil || !gjson.ValidBytes(body) {
		return httpx.FromStatus(err)
	}
	e := &quota.Error{Status: se.Status, URL: se.URL, Detail: se.Detail(), RetryAfter: se.RetryAfter, Err: se}
	for _, d := range gjson.GetBytes(body, "error.details").Array() {
		switch d.Get("reason").String() {
		case "QUOTA_EXHAUSTED":
			e.Kind = quota.KindQuotaExhausted
			if ts := d.Get("metadata.quotaResetTimeStamp").Time(); !ts.IsZero() {
				e.ResetAt = ts
			}
		case "RATE_LIMIT_EXCEEDED":
			e.Kind = quota.KindRateLimited
		case "MODEL_CAPACITY_EXHAUSTED":
			e.Kind = quota.KindCapacity
		case "VALIDATION_REQUIRED":
			e.Kind = quota.KindVerification
			e.Link = d.Get("metadata.validation_link").String()
		case "ACCESS_TOKEN_EXPIRED", "CREDENTIALS_MISSING":
			e.Kind = quota.KindUnauthorized
		}
		if e.RetryAfter == 0 {
			e.RetryAfter = delay(d.Get("retryDelay"))
		}
		if e.RetryAfter == 0 {
			e.RetryAfter = delay(d.Get("metadata.quotaResetDelay"))
		}
	}
	if e.Kind == "" {
		return httpx.FromStatus(err)
	}
	if m := gjson.GetBytes(body, "error.message").String(); m != "" {
		e.Detail = httpx.Truncate(m, httpx.DetailLen)
	}
	return httpx.Promote(e)
}

// delay reads a google.protobuf.Duration in its JSON form ("33740.9s").
func delay(r gjson.Result) time.Duration {
	if r.Type != gjson.String || r.Str == "" {
		return 0
	}
	d, err := time.ParseDuration(r.Str)
	if err != nil {
		return 0
	}
	return d
}

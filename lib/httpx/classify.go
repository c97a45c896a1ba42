package httpx

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"github.com/mystatus/mystatus/lib/jsonval"
	"github.com/mystatus/mystatus/lib/quota"
)

// FromStatus classifies a *StatusError by the generic rules of the
// taxonomy: the OAuth "error" field first, then rate-limit headers, then
// the status, then text. Platforms handle their own envelopes before
// calling it (the Google platforms' google.rpc.Status reasons are read by
// package provider/google). Other errors pass through.
func FromStatus(err error) error {
	var se *StatusError
	if !errors.As(err, &se) {
		return err
	}
	e := &quota.Error{Status: se.Status, URL: se.URL, Detail: se.Detail(), RetryAfter: se.RetryAfter, Err: se}
	body := se.Body
	// A StatusError built by hand may carry any body: bound its depth
	// before the recursive validator runs.
	valid := jsonval.CheckDepth(body, jsonval.MaxDepth) == nil && gjson.ValidBytes(body)
	// OAuth token endpoint bodies: {"error": "invalid_grant", ...}.
	if valid {
		if oe := gjson.GetBytes(body, "error"); oe.Type == gjson.String {
			switch oe.Str {
			case "invalid_grant":
				e.Kind = quota.KindRefreshRevoked
			case "invalid_client", "unauthorized_client":
				e.Kind = quota.KindClientMismatch
			}
			if e.Kind != "" {
				if d := gjson.GetBytes(body, "error_description").String(); d != "" {
					e.Detail = Truncate(oe.Str+": "+d, DetailLen)
				}
				return e
			}
		}
	}
	// Rate-limit headers (GitHub: 403/429 with x-ratelimit-remaining: 0).
	if se.Status == 403 || se.Status == 429 {
		if se.Header.Get("X-Ratelimit-Remaining") == "0" {
			e.Kind = quota.KindRateLimited
			if reset, err := strconv.ParseInt(se.Header.Get("X-Ratelimit-Reset"), 10, 64); err == nil {
				e.ResetAt = time.Unix(reset, 0)
			}
			return e
		}
		if se.RetryAfter > 0 {
			e.Kind = quota.KindRateLimited
			return Promote(e)
		}
	}
	low := strings.ToLower(string(body))
	switch {
	case se.Status == 401:
		e.Kind = quota.KindUnauthorized
	case se.Status == 403:
		e.Kind = quota.KindForbidden
		if strings.Contains(low, "secondary rate limit") || strings.Contains(low, "rate limit") {
			e.Kind = quota.KindRateLimited
		} else if strings.Contains(low, "verify your account") || strings.Contains(low, "validation_url") ||
			strings.Contains(low, "further action is required") {
			e.Kind = quota.KindVerification
		}
	case se.Status == 404:
		e.Kind = quota.KindNotFound
	case se.Status == 429:
		// A bare 429 (even RESOURCE_EXHAUSTED) is a rate limit, never proof
		// of an exhausted quota; explicit quota words are.
		e.Kind = quota.KindRateLimited
		if strings.Contains(low, "quota_exhausted") || strings.Contains(low, "daily quota") ||
			strings.Contains(low, "quota reset") || strings.Contains(low, "usage_limit_reached") {
			e.Kind = quota.KindQuotaExhausted
		}
	case se.Status == 503 || se.Status == 529:
		e.Kind = quota.KindCapacity
	case se.Status >= 500:
		e.Kind = quota.KindServerError
	case se.Status >= 200 && se.Status < 300:
		e.Kind = quota.KindMalformed
	default:
		e.Kind = quota.KindMalformed
	}
	return Promote(e)
}

// Promote turns a rate limit whose delay is over five minutes into an
// exhausted quota with a reset time. Platforms classifying their own
// envelopes apply it as FromStatus does.
func Promote(e *quota.Error) *quota.Error {
	if e.Kind == quota.KindRateLimited && e.RetryAfter > 5*time.Minute {
		e.Kind = quota.KindQuotaExhausted
	}
	return e
}

// Malformed builds the error for a 2xx body that cannot be read. The body
// (and why, which may quote it) is scrubbed of secrets before it is cut.
func Malformed(r *Response, why string) error {
	e := &quota.Error{Kind: quota.KindMalformed, Detail: Truncate(why, DetailLen)}
	if r != nil {
		e.Status = r.Status
		e.URL = r.URL
		// Truncate scrubs the body before cutting it.
		if why == "" {
			e.Detail = Truncate(string(r.Body), DetailLen)
		} else if len(r.Body) > 0 {
			e.Detail = Truncate(why, DetailLen) + ": " + Truncate(string(r.Body), 120)
		}
	}
	return e
}

// MalformedFrom is [Malformed] for a parser's error: a [*quota.Error]
// keeps its catalog detail (localized later), the body stays verbatim.
func MalformedFrom(r *Response, cause error) error {
	var qe *quota.Error
	if !errors.As(cause, &qe) || qe.DetailID == "" {
		why := ""
		if qe != nil {
			why = qe.Detail
		} else if cause != nil {
			why = cause.Error()
		}
		return Malformed(r, why)
	}
	e := quota.AsError(Malformed(r, qe.Detail))
	if r == nil || len(r.Body) == 0 {
		return e.WithMsg(qe.DetailMsg())
	}
	// Each part keeps the cut the English Detail has (see Malformed).
	why := qe.DetailMsg()
	why.Text = Truncate(why.Text, DetailLen)
	english := e.Detail
	e.With("detail.body", map[string]any{"Why": why, "Body": Truncate(string(r.Body), 120)})
	e.Detail = english
	return e
}

// Package faults serves the failures mystatus must survive: a server that
// hangs, drops the connection, answers every error status, an HTML page,
// cut-off JSON, a body far over the size cap, a 200 carrying an error, or
// a dead refresh token. The fault-injection suite in this package's tests
// runs every platform against each of them.
package faults

import (
	"io"
	"net/http"
	"strings"
	"time"
)

// Fault is one way an upstream misbehaves.
type Fault string

// The faults, each answered to every request by [Handler].
const (
	Timeout        Fault = "timeout"        // hangs until the client gives up
	Reset          Fault = "reset"          // closes the connection without answering
	Unauthorized   Fault = "401"            // rejects the credentials
	Forbidden      Fault = "403"            // refuses access
	NotFound       Fault = "404"            // no such endpoint
	RateLimited    Fault = "429"            // rate limit with Retry-After
	QuotaExhausted Fault = "429-quota"      // google.rpc QUOTA_EXHAUSTED with a reset time
	ServerError    Fault = "500"            // internal error
	Unavailable    Fault = "503"            // overloaded
	HTMLPage       Fault = "html-200"       // a login or captive-portal page with 200
	TruncatedJSON  Fault = "truncated-json" // JSON cut off mid-body
	HugeBody       Fault = "huge-body"      // HugeSize bytes of valid-looking JSON
	ErrorBody200   Fault = "error-200"      // 200 whose body is an error envelope
	InvalidGrant   Fault = "invalid_grant"  // OAuth: the refresh token is dead
)

// All lists every fault.
var All = []Fault{Timeout, Reset, Unauthorized, Forbidden, NotFound, RateLimited, QuotaExhausted,
	ServerError, Unavailable, HTMLPage, TruncatedJSON, HugeBody, ErrorBody200, InvalidGrant}

// HugeSize is the size of the HugeBody answer: fifty times the 1 MiB cap.
const HugeSize = 50 << 20

// RetryAfter is the delay RateLimited asks for: over the 30 s a client may
// sleep, under the five minutes that would mean an exhausted quota.
const RetryAfter = "120"

// MaxHang bounds how long Timeout holds a request whose client never
// gives up, so a test server always closes.
const MaxHang = time.Minute

// Handler answers every request with f. The 401 body echoes the request's
// Authorization header, as some upstreams do, so tests can check that a
// secret sent upstream never comes back out.
func Handler(f Fault) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch f {
		case Timeout:
			// Read the body first: the server notices the client leaving
			// only once the request body is consumed.
			io.Copy(io.Discard, r.Body)
			select {
			case <-r.Context().Done():
			case <-time.After(MaxHang):
			}
		case Reset:
			if hj, ok := w.(http.Hijacker); ok {
				if conn, _, err := hj.Hijack(); err == nil {
					conn.Close()
					return
				}
			}
			panic(http.ErrAbortHandler)
		case Unauthorized:
			reply(w, 401, nil, `{"error":{"code":401,"message":"invalid credentials: `+jsonSafe(r.Header.Get("Authorization"))+
				`","status":"UNAUTHENTICATED"},"detail":{"message":"Could not validate credentials"}}`)
		case Forbidden:
			reply(w, 403, nil, `{"error":{"code":403,"message":"The caller does not have permission","status":"PERMISSION_DENIED"}}`)
		case NotFound:
			reply(w, 404, nil, `{"error":{"code":404,"message":"Not Found","status":"NOT_FOUND"}}`)
		case RateLimited:
			reply(w, 429, map[string]string{"Retry-After": RetryAfter}, `{"error":{"code":429,"message":"Too many requests, please slow down.","status":"RESOURCE_EXHAUSTED"}}`)
		case QuotaExhausted:
			reset := time.Now().Add(9 * time.Hour).UTC().Format(time.RFC3339)
			reply(w, 429, nil, `{"error":{"code":429,"message":"Individual quota reached. Resets in 9h0m0s.","status":"RESOURCE_EXHAUSTED",`+
				`"details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"QUOTA_EXHAUSTED","domain":"cloudcode-pa.googleapis.com",`+
				`"metadata":{"quotaResetDelay":"32400s","quotaResetTimeStamp":"`+reset+`"}},`+
				`{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"32400s"}]}}`)
		case ServerError:
			reply(w, 500, nil, `{"error":{"code":500,"message":"Internal error encountered.","status":"INTERNAL"}}`)
		case Unavailable:
			reply(w, 503, nil, `{"error":{"code":503,"message":"The service is currently unavailable.","status":"UNAVAILABLE"}}`)
		case HTMLPage:
			w.Header().Set("Content-Type", "text/html")
			io.WriteString(w, "<!DOCTYPE html><html><head><title>Sign in</title></head><body><form>Log in to continue</form></body></html>")
		case TruncatedJSON:
			reply(w, 200, nil, `{"rate_limit":{"primary_window":{"used_percent":12,"reset_at":17`)
		case HugeBody:
			w.Header().Set("Content-Type", "application/json")
			chunk := []byte(`{"pad":"` + strings.Repeat("x", 32<<10) + `"},`)
			io.WriteString(w, "[")
			for n := 0; n < HugeSize; n += len(chunk) {
				if _, err := w.Write(chunk); err != nil {
					return // the client stopped reading at its cap
				}
			}
			io.WriteString(w, "{}]")
		case ErrorBody200:
			reply(w, 200, nil, `{"success":false,"code":401,"msg":"token expired or incorrect",`+
				`"error":{"code":401,"message":"Request had invalid authentication credentials.","status":"UNAUTHENTICATED"}}`)
		case InvalidGrant:
			reply(w, 400, nil, `{"error":"invalid_grant","error_description":"Token has been expired or revoked."}`)
		}
	})
}

func reply(w http.ResponseWriter, status int, header map[string]string, body string) {
	w.Header().Set("Content-Type", "application/json")
	for k, v := range header {
		w.Header().Set(k, v)
	}
	w.WriteHeader(status)
	io.WriteString(w, body)
}

// jsonSafe drops the characters that would break the JSON it is put in.
func jsonSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '"' || r == '\\' || r < ' ' {
			return -1
		}
		return r
	}, s)
}

// Package faults serves the failures mystatus must survive: a server that
// hangs, drops the connection, answers every error status, an HTML page,
// cut-off JSON, a body far over the size cap, a body nested a million
// levels deep, a 200 carrying an error, a dead refresh token, a redirect
// to another origin, or an error that echoes the credential it was sent.
// The fault-injection suite in this package's tests runs every registered
// platform that has a demo (provider.Demoer) against each of them, with
// its demo's credentials and settings and this handler mounted instead of
// its demo's, and against special and hostile credential files.
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
	DeepJSON       Fault = "deep-json"      // 200 whose body is DeepSize bytes of "["
	Redirect       Fault = "redirect"       // 307 (GET) or 308 (POST) to another origin
	EchoKey        Fault = "echo-key"       // 401 echoing the credential whole, split and in part
)

// All lists every fault.
var All = []Fault{Timeout, Reset, Unauthorized, Forbidden, NotFound, RateLimited, QuotaExhausted,
	ServerError, Unavailable, HTMLPage, TruncatedJSON, HugeBody, ErrorBody200, InvalidGrant,
	DeepJSON, Redirect, EchoKey}

// DeepSize is the size of the DeepJSON answer: just under the 1 MiB body
// cap, so only a depth limit stops a recursive parser.
const DeepSize = 1<<20 - 1

// DefaultForeign is where [Handler]'s Redirect points: a port nothing
// listens on. Tests pass a recorder of their own to [HandlerTo].
const DefaultForeign = "http://127.0.0.1:9"

// HugeSize is the size of the HugeBody answer: fifty times the 1 MiB cap.
const HugeSize = 50 << 20

// RetryAfter is the delay RateLimited asks for: over the 30 s a client may
// sleep, under the five minutes that would mean an exhausted quota.
const RetryAfter = "120"

// MaxHang bounds how long Timeout holds a request whose client never
// gives up, so a test server always closes.
const MaxHang = time.Minute

// Handler answers every request with f, redirecting to [DefaultForeign].
// The 401 body echoes the request's Authorization header, as some
// upstreams do, so tests can check that a secret sent upstream never comes
// back out.
func Handler(f Fault) http.Handler { return HandlerTo(f, DefaultForeign) }

// HandlerTo is [Handler] with the Redirect fault pointing at foreign (a
// base URL; the request's path and query are kept).
func HandlerTo(f Fault, foreign string) http.Handler {
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
			// ResponseController reaches the connection through a
			// wrapping writer (the demo server's, which counts requests).
			if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
				conn.Close()
				return
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
		case DeepJSON:
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, strings.Repeat("[", DeepSize))
		case Redirect:
			// 308 keeps the method and body of a POST (the token form);
			// 307 does the same for a GET with its headers.
			status := http.StatusTemporaryRedirect
			if r.Method == http.MethodPost {
				status = http.StatusPermanentRedirect
			}
			io.Copy(io.Discard, r.Body)
			http.Redirect(w, r, strings.TrimRight(foreign, "/")+r.URL.RequestURI(), status)
		case EchoKey:
			reply(w, 401, nil, `{"error":{"code":401,"message":"`+jsonSafe(echo(credential(r)))+`","status":"UNAUTHENTICATED"}}`)
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

// credential is what the request authenticates with: the Authorization
// value without its scheme, or an API-key header.
func credential(r *http.Request) string {
	v := r.Header.Get("Authorization")
	if _, tok, ok := strings.Cut(v, " "); ok {
		v = tok
	}
	if v == "" {
		v = r.Header.Get("X-Api-Key")
	}
	return v
}

// echo quotes c as careless upstreams do: whole, split across a line
// break and a space, and its two halves on their own.
func echo(c string) string {
	h := len(c) / 2
	return "invalid api key " + c + "; received " + c[:h] + `\n` + c[h:] + " (" + c[:h/2] + " " + c[h/2:] +
		"); prefix " + c[:h] + "; suffix " + c[h:]
}

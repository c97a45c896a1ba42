// Package httpx is the one HTTP helper every platform uses: requests bound
// to a context deadline, a capped response body checked for nesting depth,
// typed status errors with a scrubbed, truncated body and the parsed
// Retry-After, classification of transport failures into [quota.Kind]
// values, and one redirect policy (see [Client.Do]).
package httpx

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/tidwall/gjson"

	"github.com/mystatus/mystatus/lib/jsonval"
	"github.com/mystatus/mystatus/lib/quota"
)

// MaxBody is the largest response body read (1 MiB); a larger body is an
// error of kind malformed and is never buffered whole.
const MaxBody = 1 << 20

// DetailLen is how much of an upstream body an error keeps.
const DetailLen = 300

// UserAgent is sent when a request sets none.
const UserAgent = "mystatus"

// Client sends requests. The zero value is not usable; use [New].
type Client struct {
	// HTTP is the shared client (keep-alive connections are reused).
	HTTP *http.Client
	// Timeout bounds each request, token refreshes included.
	Timeout time.Duration
	// MaxBody overrides [MaxBody] when positive.
	MaxBody int64
	// Now is the clock used for Retry-After dates.
	Now func() time.Time
	// Backoff picks the pause before a retry that named no delay
	// ([Backoff] when nil); Sleep waits between attempts and reports
	// false when ctx ended first ([Sleep] when nil). Tests replace both so
	// no test waits on the wall clock.
	Backoff func() time.Duration
	Sleep   func(ctx context.Context, d time.Duration) bool
}

// New returns a client with its own transport and the given per-request
// timeout.
func New(timeout time.Duration) *Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	// A platform fetches up to report.DefaultMaxInFlight (64) accounts at
	// once, each with up to three requests side by side: over HTTP/1.1
	// that is up to 192 connections to one host. Keeping them for the
	// next wave saves a dial (and a TLS handshake) per request; with 16,
	// the 500-account benchmark re-dialled ~176 connections per wave and
	// spent a third of its CPU in dials and closes. HTTP/2 hosts use one.
	tr.MaxIdleConnsPerHost = 192
	tr.MaxIdleConns = 512
	tr.ForceAttemptHTTP2 = true
	return &Client{HTTP: &http.Client{Transport: tr}, Timeout: timeout, Now: time.Now}
}

// Response is a fully read response.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
	URL    string
}

// StatusError is a non-2xx response.
type StatusError struct {
	Status     int
	Header     http.Header
	Body       []byte // at most MaxBody bytes, for classification
	URL        string
	RetryAfter time.Duration // zero when absent
	// Dropped, when set, says why Body is empty although the server sent
	// one (it nested deeper than [jsonval.MaxDepth]: no parser may see it).
	Dropped error
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("HTTP %d from %s: %s", e.Status, e.URL, e.Detail())
}

// Detail returns the body, scrubbed of every known secret and of anything
// that looks like a credential (upstreams sometimes echo the token), then
// truncated (see [Truncate]).
func (e *StatusError) Detail() string {
	if e.Dropped != nil && len(e.Body) == 0 {
		return e.Dropped.Error()
	}
	return Truncate(string(e.Body), DetailLen)
}

// ErrBodyTooLarge reports a response body over the cap.
var ErrBodyTooLarge = errors.New("response body exceeds the size limit")

// Do sends req with the client's timeout and returns the read response. A
// non-2xx status returns a *StatusError (and the response). Transport
// failures return a classified *quota.Error.
//
// Redirects are never followed, whatever c.HTTP says: a 3xx answer is an
// error of kind malformed naming where it pointed (see [RedirectError]).
// Following one means deciding which of the request's credentials
// (Authorization, ChatGPT-Account-Id, any header a platform sets) and
// which body (the Google token form carries the refresh token and the
// client secret) may go to the new address; Go's default replays the body
// on 307/308 across hosts and keeps Authorization when only the port
// changes. No quota endpoint answers with a redirect, so refusing them all
// is simpler and safer than an origin check, and a moved endpoint is
// better fixed by the user's base URL than silently chased.
//
// Every body is checked with [jsonval.CheckDepth] before anyone parses
// it: a 2xx body nested deeper than [jsonval.MaxDepth] is an error of kind
// malformed, and a non-2xx one is dropped from the *StatusError (its
// status still classifies it), so no recursive parser ever sees it.
func (c *Client) Do(ctx context.Context, req *http.Request) (*Response, error) {
	if c.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.Timeout)
		defer cancel()
	}
	req = req.WithContext(ctx)
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", UserAgent)
	}
	shown := Redact(req.URL)
	registerSent(req)
	hc := http.Client{}
	if c.HTTP != nil {
		hc = *c.HTTP // a copy, so the policy holds for any client a caller set
	}
	hc.CheckRedirect = refuseRedirect
	resp, err := hc.Do(req)
	if err != nil {
		return nil, Classify(ctx, err, shown)
	}
	defer resp.Body.Close()
	limit := c.MaxBody
	if limit <= 0 {
		limit = MaxBody
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, Classify(ctx, err, shown)
	}
	if int64(len(body)) > limit {
		// Drain nothing more: closing discards the rest without buffering it.
		return nil, (&quota.Error{Kind: quota.KindMalformed, Status: resp.StatusCode, URL: shown,
			Err: ErrBodyTooLarge}).With("detail.http.body_too_large", map[string]any{"Limit": limit})
	}
	ok := resp.StatusCode >= 200 && resp.StatusCode <= 299
	var dropped error
	if err := jsonval.CheckDepth(body, jsonval.MaxDepth); err != nil {
		if ok {
			return nil, jsonval.DepthDetail(&quota.Error{Kind: quota.KindMalformed, Status: resp.StatusCode, URL: shown,
				Detail: err.Error(), Err: err})
		}
		body, dropped = nil, err
	}
	if ok {
		registerMinted(body)
	}
	r := &Response{Status: resp.StatusCode, Header: resp.Header, Body: body, URL: shown}
	if !ok {
		now := time.Now
		if c.Now != nil {
			now = c.Now
		}
		ra, _ := ParseRetryAfter(resp.Header.Get("Retry-After"), now())
		return r, &StatusError{Status: resp.StatusCode, Header: resp.Header, Body: body, URL: shown, RetryAfter: ra, Dropped: dropped}
	}
	return r, nil
}

// RedirectError is a 3xx answer [Client.Do] refused to follow. Both URLs
// are shown without query, fragment or user info.
type RedirectError struct {
	Status   int
	From, To string
}

func (e *RedirectError) Error() string {
	return fmt.Sprintf("HTTP %d redirect to %s not followed: mystatus follows no redirect, so credentials never leave "+
		"the configured address; if the platform moved, set its base URL to the new one", e.Status, e.To)
}

// refuseRedirect is the CheckRedirect of every request (see [Client.Do]).
func refuseRedirect(req *http.Request, via []*http.Request) error {
	e := &RedirectError{To: Redact(req.URL)}
	if req.Response != nil {
		e.Status = req.Response.StatusCode
	}
	if len(via) > 0 {
		e.From = Redact(via[0].URL)
	}
	return e
}

// CloseIdle closes the client's idle keep-alive connections; later
// requests dial anew.
func (c *Client) CloseIdle() { c.HTTP.CloseIdleConnections() }

// Get sends one GET with headers. Platforms with a fallback of their own
// (host lists, token cascades) use it; single-endpoint platforms use
// [Client.GetRetry].
func (c *Client) Get(ctx context.Context, rawURL string, header http.Header) (*Response, error) {
	req, err := newRequest(http.MethodGet, rawURL, "", nil, header)
	if err != nil {
		return nil, err
	}
	return c.Do(ctx, req)
}

// GetRetry is Get retried once where the taxonomy allows (see
// [Client.DoRetry]).
func (c *Client) GetRetry(ctx context.Context, rawURL string, header http.Header) (*Response, error) {
	return c.DoRetry(ctx, func() (*http.Request, error) {
		return newRequest(http.MethodGet, rawURL, "", nil, header)
	})
}

// Post sends body with the given content type and headers, once.
func (c *Client) Post(ctx context.Context, rawURL, contentType string, body []byte, header http.Header) (*Response, error) {
	req, err := newRequest(http.MethodPost, rawURL, contentType, body, header)
	if err != nil {
		return nil, err
	}
	return c.Do(ctx, req)
}

func newRequest(method, rawURL, contentType string, body []byte, header http.Header) (*http.Request, error) {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, rawURL, r)
	if err != nil {
		return nil, &quota.Error{Kind: quota.KindBadConfig, URL: rawURL, Err: err}
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return req, nil
}

// ParseRetryAfter reads a Retry-After value: delta seconds or an HTTP date.
func ParseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		if n > 365*24*3600 {
			n = 365 * 24 * 3600
		}
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}

// Classify turns a transport error into a *quota.Error.
func Classify(ctx context.Context, err error, shownURL string) error {
	var qe *quota.Error
	if errors.As(err, &qe) {
		return err
	}
	var re *RedirectError
	if errors.As(err, &re) {
		return (&quota.Error{Kind: quota.KindMalformed, Status: re.Status, URL: shownURL, Err: re}).
			With("detail.http.redirect", map[string]any{"Status": re.Status, "To": re.To})
	}
	k := quota.KindConnection
	var dnsErr *net.DNSError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var certErr *tls.CertificateVerificationError
	var netErr net.Error
	switch {
	case errors.Is(err, context.Canceled) && ctx.Err() == context.Canceled:
		k = quota.KindCanceled
	case errors.Is(err, context.DeadlineExceeded):
		k = quota.KindTimeout
	case errors.As(err, &dnsErr):
		k = quota.KindDNS
		if dnsErr.IsTimeout {
			k = quota.KindTimeout
		}
	case errors.As(err, &certErr), errors.As(err, &unknownAuth), errors.As(err, &hostErr):
		k = quota.KindTLS
	case errors.As(err, &netErr) && netErr.Timeout():
		k = quota.KindTimeout
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EHOSTUNREACH),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		k = quota.KindConnection
	}
	e := &quota.Error{Kind: k, URL: shownURL, Detail: Truncate(stripURL(err), DetailLen), Err: err}
	// Go's own words for the two ends every user meets get the catalog's;
	// Detail keeps Go's text for logs. Other system errors stay as Go
	// wrote them.
	switch {
	case k == quota.KindTimeout:
		e.DetailID = "detail.net.timeout"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		e.DetailID = "detail.net.closed"
	}
	return e
}

// stripURL returns the error text without the *url.Error prefix, whose URL
// could carry a query secret.
func stripURL(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}

// Redact returns u without query string, fragment or user info.
func Redact(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	c.User = nil
	c.RawQuery = ""
	c.Fragment = ""
	return c.String()
}

// Truncate prepares a string of outside origin (an upstream message, a
// body, a reason from a credential file) for display: it collapses
// whitespace so a detail stays on one line, masks every secret with
// [quota.Scrub] (known secrets first, then shapes), and only then cuts the
// result to at most n bytes on a rune boundary, adding "…". Scrubbing
// after a cut would leave the piece of a key the cut kept.
//
// A long input is first cut to a window many times n, so scrubbing a
// 1 MiB body costs no more than scrubbing what could be shown.
func Truncate(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if w := scrubWindow(n); len(s) > w {
		s = s[:runeCut(s, w)]
	}
	s = quota.Scrub(s)
	if len(s) <= n {
		return s
	}
	return s[:runeCut(s, n)] + "…"
}

// scrubWindow is how much of a long input [Truncate] scrubs: scrubbing
// replaces a secret with the shorter [quota.Redacted] at most, so a window
// this much larger than n always fills the n bytes shown.
func scrubWindow(n int) int { return max(8*n, 4096) }

// runeCut is the largest cut at or below n that starts a rune.
func runeCut(s string, n int) int {
	if n >= len(s) {
		return len(s)
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return n
}

// registerSent adds the credentials req carries to the known secrets: the
// Authorization value, headers named like a key or token, and the secret
// fields of a form body (the Google token form's refresh token and client
// secret), so an upstream that echoes them is masked wherever shown.
func registerSent(req *http.Request) {
	for name, vals := range req.Header {
		low := strings.ToLower(name)
		if low != "authorization" && !secretName(low) {
			continue
		}
		for _, v := range vals {
			quota.RegisterSecret(v)
			if _, cred, ok := strings.Cut(strings.TrimSpace(v), " "); ok && low == "authorization" {
				quota.RegisterSecret(cred) // the token of "Bearer <token>"
			}
		}
	}
	if req.GetBody == nil || !strings.HasPrefix(req.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		return
	}
	rc, err := req.GetBody()
	if err != nil {
		return
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, 64<<10))
	if err != nil {
		return
	}
	form, err := url.ParseQuery(string(b))
	if err != nil {
		return
	}
	for k, vals := range form {
		if secretName(strings.ToLower(k)) {
			for _, v := range vals {
				quota.RegisterSecret(v)
			}
		}
	}
}

// secretName reports whether a lower-case header or field name names a
// credential.
func secretName(low string) bool {
	for _, w := range []string{"token", "secret", "key", "password", "assertion"} {
		if strings.Contains(low, w) {
			return true
		}
	}
	return false
}

// registerMinted adds the tokens a 2xx JSON object hands out (an OAuth
// token endpoint's access_token, refresh_token and id_token, a token
// exchange's "token") to the known secrets.
func registerMinted(body []byte) {
	b := bytes.TrimSpace(body)
	if len(b) == 0 || b[0] != '{' || len(b) > 64<<10 {
		return
	}
	// Most 2xx bodies hand out no token: every key looked for ends in
	// "token", so a body without that word, nor a \u escape that could spell
	// it, is not scanned twice more (validated, then queried).
	if !bytes.Contains(b, []byte("token")) && !bytes.Contains(b, []byte(`\u`)) {
		return
	}
	if !gjson.ValidBytes(b) {
		return
	}
	for _, r := range gjson.GetManyBytes(b, "access_token", "refresh_token", "id_token", "token") {
		if r.Type == gjson.String {
			quota.RegisterSecret(r.Str)
		}
	}
}

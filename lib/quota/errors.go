package quota

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mystatus/mystatus/i18n"
)

// Kind is one class of failure in the closed error taxonomy. Each kind has
// a localized title, meaning and steps in the catalogs under
// "error.<kind>.title|meaning|steps" (steps may be specialised per platform
// with "error.<kind>.steps.<platform>").
type Kind string

// The closed set of error kinds, in the order of the taxonomy.
const (
	KindFileMissing     Kind = "file_missing"     // credential file expected but absent
	KindFileUnreadable  Kind = "file_unreadable"  // permission denied, a directory, ...
	KindFileMalformed   Kind = "file_malformed"   // not valid JSON
	KindFieldMissing    Kind = "field_missing"    // a required field is absent or wrong
	KindNoAccounts      Kind = "no_accounts"      // a store with no usable account
	KindTokenExpired    Kind = "token_expired"    // access token expired and must not be refreshed here
	KindRefreshRevoked  Kind = "refresh_revoked"  // invalid_grant: the login is dead
	KindClientMismatch  Kind = "client_mismatch"  // OAuth client wrong for this token
	KindUnauthorized    Kind = "unauthorized"     // 401 / rejected key
	KindVerification    Kind = "verification"     // the account needs human verification
	KindForbidden       Kind = "forbidden"        // 403 without rate-limit signals
	KindNotSubscribed   Kind = "not_subscribed"   // no plan / plan expired
	KindNotFound        Kind = "not_found"        // 404 / bad base URL
	KindBadConfig       Kind = "bad_config"       // invalid configuration value (base URL, ...)
	KindRateLimited     Kind = "rate_limited"     // short-term rate limit, with retry-after
	KindQuotaExhausted  Kind = "quota_exhausted"  // allowance used up until a reset time
	KindCapacity        Kind = "capacity"         // upstream overloaded
	KindServerError     Kind = "server_error"     // 5xx
	KindTimeout         Kind = "timeout"          // deadline exceeded
	KindDNS             Kind = "dns"              // host name not resolved
	KindConnection      Kind = "connection"       // refused, reset, unreachable
	KindTLS             Kind = "tls"              // certificate verification failed
	KindMalformed       Kind = "malformed"        // upstream answered something unreadable
	KindProjectMissing  Kind = "project_missing"  // Google account without Code Assist project
	KindAccountDisabled Kind = "account_disabled" // disabled by Antigravity-Manager
	KindInternal        Kind = "internal"         // a bug in mystatus (panic)
	KindCanceled        Kind = "canceled"         // interrupted by the user
)

// Kinds lists every kind; the catalog completeness test walks it.
var Kinds = []Kind{
	KindFileMissing, KindFileUnreadable, KindFileMalformed, KindFieldMissing,
	KindNoAccounts, KindTokenExpired, KindRefreshRevoked, KindClientMismatch,
	KindUnauthorized, KindVerification, KindForbidden, KindNotSubscribed,
	KindNotFound, KindBadConfig, KindRateLimited, KindQuotaExhausted,
	KindCapacity, KindServerError, KindTimeout, KindDNS, KindConnection,
	KindTLS, KindMalformed, KindProjectMissing, KindAccountDisabled,
	KindInternal, KindCanceled,
}

// Retryable reports whether one automatic retry may help for this kind.
// Dead credentials, permission problems and exhausted quotas never retry.
func (k Kind) Retryable() bool {
	switch k {
	case KindRateLimited, KindCapacity, KindServerError, KindTimeout,
		KindConnection, KindMalformed, KindDNS:
		return true
	}
	return false
}

// Error is a classified failure. Every field except Kind is optional; the
// renderer fills the localized title, meaning and steps from Kind and uses
// the other fields as template data. No field may hold a secret.
type Error struct {
	Kind Kind
	// Path is the credential file involved, Field the JSON field.
	Path, Field string
	// Status is the HTTP status, Code the platform's own error code or,
	// for a credential file, the cause mystatus found (auth.Code*: not a
	// regular file, too large, permission denied); catalog messages may
	// branch on it.
	Status int
	Code   string
	// URL is the request URL (without query secrets).
	URL string
	// Detail is the upstream's own message, secret-free and truncated (in
	// that order: see httpx.Truncate).
	Detail string
	// DetailID, when set, is the catalog message of a detail mystatus
	// composes itself ("detail.<thing>"), DetailData its template data;
	// explanations show it localized, and Detail keeps the English text
	// for logs and Error(). Upstream text goes into DetailData verbatim;
	// a [Msg] value there is localized in turn.
	DetailID   string
	DetailData map[string]any
	// RetryAfter is the server-requested delay; ResetAt the quota reset.
	RetryAfter time.Duration
	ResetAt    time.Time
	// Link is a page the user must visit (verification, billing).
	Link string
	// Reason and Since describe a disabled account.
	Reason string
	Since  time.Time
	// Err is the underlying cause, kept for errors.Is/As.
	Err error
}

func (e *Error) Error() string {
	s := string(e.Kind)
	if e.Status != 0 {
		s += fmt.Sprintf(" (HTTP %d)", e.Status)
	}
	if e.Path != "" {
		s += ": " + e.Path
	}
	if e.Field != "" {
		s += ": field " + e.Field
	}
	// Details quote upstream bodies, which may echo a credential.
	if e.Detail != "" {
		s += ": " + Scrub(e.Detail)
	}
	if e.Err != nil && e.Detail == "" {
		s += ": " + Scrub(e.Err.Error())
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Msg is a message mystatus composes itself: a catalog id and its data.
// As a [Error.DetailData] value it is localized with the detail; Text is
// its English form. A Msg without ID is verbatim text.
type Msg struct {
	ID   string
	Data map[string]any
	Text string
}

// String is the English text, so a Msg prints as itself in English.
func (m Msg) String() string { return m.Text }

// M builds the Msg of catalog message id with data, its Text rendered in
// English from the catalog (so code and catalog never disagree).
func M(id string, data map[string]any) Msg {
	return Msg{ID: id, Data: data, Text: i18n.New("en").T(id, englishData(data))}
}

// englishData is data as the English fallback shows it: times in RFC
// 3339 UTC, nested messages as their English text.
func englishData(data map[string]any) map[string]any {
	out := make(map[string]any, len(data))
	for k, v := range data {
		switch v := v.(type) {
		case time.Time:
			out[k] = v.UTC().Format(time.RFC3339)
		case Msg:
			out[k] = v.Text
		default:
			out[k] = v
		}
	}
	return out
}

// With gives e a detail of mystatus's own words, catalog message id with
// data (see [Error.DetailID]), and returns e.
func (e *Error) With(id string, data map[string]any) *Error {
	m := M(id, data)
	e.DetailID, e.DetailData, e.Detail = m.ID, m.Data, m.Text
	return e
}

// WithMsg is [Error.With] for a message already built.
func (e *Error) WithMsg(m Msg) *Error {
	e.DetailID, e.DetailData, e.Detail = m.ID, m.Data, m.Text
	return e
}

// DetailMsg is e's detail as a Msg: its catalog message when it has one,
// else its Detail (upstream text) verbatim.
func (e *Error) DetailMsg() Msg {
	return Msg{ID: e.DetailID, Data: e.DetailData, Text: e.Detail}
}

// Detailed builds an *Error of kind k whose detail is catalog message id
// with data: [Errorf] for mystatus's own words.
func Detailed(k Kind, id string, data map[string]any) *Error {
	return (&Error{Kind: k}).With(id, data)
}

// Errorf builds an *Error of kind k whose Detail is a formatted message.
func Errorf(k Kind, format string, args ...any) *Error {
	return &Error{Kind: k, Detail: fmt.Sprintf(format, args...)}
}

// KindOf classifies any error: an *Error anywhere in the chain gives its
// kind; context errors map to timeout and canceled; anything else is
// internal.
func KindOf(err error) Kind {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return KindTimeout
	case errors.Is(err, context.Canceled):
		return KindCanceled
	}
	return KindInternal
}

// AsError returns err as an *Error, wrapping unclassified errors with
// [KindOf].
func AsError(err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Kind: KindOf(err), Err: err}
}

package quota

import (
	"context"
	"errors"
	"fmt"
	"time"
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

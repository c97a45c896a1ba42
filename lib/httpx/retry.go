package httpx

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/mystatus/mystatus/lib/quota"
)

// MaxRetryWait is the longest server-requested delay [Client.DoRetry]
// sleeps; a longer one is reported to the user as a time instead.
const MaxRetryWait = 5 * time.Second

// backoff is the pause before retrying a failure that named no delay
// (5xx, overload, a dropped connection): 300 ms to 1 s, jittered so
// concurrent accounts do not retry in step.
var backoff = func() time.Duration {
	return 300*time.Millisecond + rand.N(700*time.Millisecond)
}

// DoRetry sends the request that build returns, like [Client.Do], and
// retries it at most once when the failure's kind is retryable (rate
// limit, overload, 5xx, timeout, DNS, connection). Dead credentials,
// refusals, exhausted quotas, oversized or unexpected answers never
// retry. A server-requested delay (Retry-After, RetryInfo, a rate-limit
// reset) is slept only when it is at most [MaxRetryWait] and shorter than
// what is left before ctx's deadline; otherwise the error is returned at
// once and carries the delay for the report. build is called once per
// attempt because a request body cannot be sent twice.
//
// Errors have the same shape as Do's: a *StatusError for a non-2xx
// answer, so platforms can still read their own error envelopes.
func (c *Client) DoRetry(ctx context.Context, build func() (*http.Request, error)) (*Response, error) {
	resp, err := c.attempt(ctx, build)
	if err == nil {
		return resp, nil
	}
	wait, ok := c.retryWait(ctx, err)
	if !ok {
		return resp, err
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return resp, err
	case <-t.C:
	}
	return c.attempt(ctx, build)
}

func (c *Client) attempt(ctx context.Context, build func() (*http.Request, error)) (*Response, error) {
	req, err := build()
	if err != nil {
		var qe *quota.Error
		if errors.As(err, &qe) {
			return nil, err
		}
		return nil, &quota.Error{Kind: quota.KindBadConfig, Err: err, Detail: err.Error()}
	}
	return c.Do(ctx, req)
}

// retryWait decides whether err deserves the one retry and how long to
// wait first.
func (c *Client) retryWait(ctx context.Context, err error) (time.Duration, bool) {
	if ctx.Err() != nil {
		return 0, false
	}
	e := quota.AsError(FromStatus(err))
	switch {
	case !e.Kind.Retryable(), e.Kind == quota.KindMalformed:
		// A 2xx body is judged by the caller; what Do itself calls
		// malformed (an oversized body, an unexpected status) would come
		// back the same.
		return 0, false
	}
	wait := e.RetryAfter
	if wait == 0 && !e.ResetAt.IsZero() {
		now := time.Now
		if c.Now != nil {
			now = c.Now
		}
		wait = e.ResetAt.Sub(now())
	}
	if wait <= 0 {
		wait = backoff()
	} else if wait > MaxRetryWait {
		return 0, false
	}
	if dl, ok := ctx.Deadline(); ok && wait >= time.Until(dl) {
		return 0, false
	}
	return wait, true
}

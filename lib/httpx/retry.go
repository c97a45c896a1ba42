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

// Backoff is the default pause before retrying a failure that named no
// delay (5xx, overload, a dropped connection): 300 ms to 1 s, jittered so
// concurrent accounts do not retry in step.
func Backoff() time.Duration {
	return 300*time.Millisecond + rand.N(700*time.Millisecond)
}

// Sleep is the default wait between attempts: it returns false when ctx
// ends first.
func Sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// DoRetry sends the request that build returns, like [Client.Do], and
// retries it at most once when the failure is a fast one that a second
// try may fix: a rate limit with a short delay, overload or another 5xx,
// a refused or reset connection, a DNS failure. A request that timed out
// (the client's timeout or ctx's deadline) is never retried: it already
// spent the time the user gave, and a second wait would double it. Dead
// credentials, refusals, exhausted quotas, oversized or unexpected answers
// never retry. A server-requested delay (Retry-After, RetryInfo, a
// rate-limit reset) is waited only when it is at most [MaxRetryWait] and
// shorter than what is left before ctx's deadline; otherwise the error is
// returned at once and carries the delay for the report. build is called
// once per attempt because a request body cannot be sent twice.
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
	sleep := c.Sleep
	if sleep == nil {
		sleep = Sleep
	}
	if !sleep(ctx, wait) {
		return resp, err
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
	case !e.Kind.Retryable(), e.Kind == quota.KindMalformed, e.Kind == quota.KindTimeout:
		// A 2xx body is judged by the caller; what Do itself calls
		// malformed (an oversized body, an unexpected status, a refused
		// redirect) would come back the same. A timeout used up its time.
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
		if c.Backoff != nil {
			wait = c.Backoff()
		} else {
			wait = Backoff()
		}
	} else if wait > MaxRetryWait {
		return 0, false
	}
	if dl, ok := ctx.Deadline(); ok && wait >= time.Until(dl) {
		return 0, false
	}
	return wait, true
}

package transport

import (
	"context"
	"net/http"
	"time"

	"github.com/simkit/simkit/observe"
)

// startAttempt runs the observer's AttemptStart and marks the attempt on
// the returned context for the limiter's event. Without an observer it
// returns ctx and does nothing else.
func (c *Client) startAttempt(ctx context.Context, req *Request, op string, attempt int, waited time.Duration) (context.Context, time.Time) {
	if c.obs == nil {
		return ctx, time.Time{}
	}
	start := time.Now()
	ctx = c.obs.AttemptStart(ctx, observe.AttemptStart{Provider: c.provider, Method: req.method(), Route: op,
		Attempt: attempt, Start: start, Waited: waited, ServerAddress: c.host, ServerPort: c.port})
	if !c.limited {
		return ctx, start
	}
	return &attemptCtx{Context: ctx, info: attemptInfo{route: op, attempt: attempt}}, start
}

// endAttempt reports an attempt's end: its answer (nil when none came),
// its error, and the retry that follows (empty reason: none).
func (c *Client) endAttempt(ctx context.Context, req *Request, op string, attempt int, start time.Time, resp *Response, err error, reason string, wait time.Duration) {
	if c.obs == nil {
		return
	}
	e := observe.AttemptEnd{Provider: c.provider, Method: req.method(), Route: op, Attempt: attempt,
		Start: start, Duration: time.Since(start), Err: err, RetryReason: reason, RetryWait: wait}
	if resp != nil {
		e.StatusCode, e.RequestID = resp.StatusCode, resp.RequestID
		rl := resp.RateLimit
		e.RateLimit = observe.RateLimit{Limit: rl.Limit, Remaining: rl.Remaining, Reset: rl.Reset, RetryAfter: rl.RetryAfter}
		e.Outcome = observe.StatusClass(resp.StatusCode)
	}
	if err != nil {
		e.Outcome = observe.Class(err)
		if resp == nil && e.Outcome == observe.OutcomeError {
			// No answer at all: what the call reports once retries run out.
			e.Outcome = "unavailable"
		}
	}
	c.obs.AttemptEnd(ctx, e)
}

// retryReason says why a status is retried.
func retryReason(status int) string {
	switch {
	case status == http.StatusTooManyRequests:
		return observe.RetryRateLimited
	case status == http.StatusServiceUnavailable:
		return observe.RetryUnavailable
	case status >= 500:
		return observe.RetryServerError
	}
	return observe.RetryStatus
}

// attemptCtx carries an observed attempt's route and number down to the
// limiter, which sits below resty and sees only the request. It is one
// allocation where context.WithValue would be two.
type attemptCtx struct {
	context.Context
	info attemptInfo
}

type attemptKey struct{}

type attemptInfo struct {
	route   string
	attempt int
}

// Value implements context.Context.
func (a *attemptCtx) Value(key any) any {
	if key == (attemptKey{}) {
		return &a.info
	}
	return a.Context.Value(key)
}

func attemptFrom(ctx context.Context) attemptInfo {
	if a, ok := ctx.Value(attemptKey{}).(*attemptInfo); ok {
		return *a
	}
	return attemptInfo{}
}

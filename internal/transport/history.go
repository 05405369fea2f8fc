package transport

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/option"
)

// history collects a call's attempts for option.WithResponse; it costs
// nothing when the caller did not ask (r is nil).
type history struct {
	r        *option.Response
	attempts []option.Attempt
}

// responseOf is the caller's *option.Response, which call options keep as
// any (option imports the package that holds them).
func responseOf(r any) *option.Response {
	resp, _ := r.(*option.Response)
	return resp
}

// add records one attempt: its answer, or the error it failed with.
func (h *history) add(resp *Response, err error) {
	if h.r == nil {
		return
	}
	a := option.Attempt{Err: err}
	if resp != nil {
		a.StatusCode, a.RequestID = resp.StatusCode, resp.RequestID
	}
	h.attempts = append(h.attempts, a)
}

// flush writes the attempts into the caller's Response.
func (h *history) flush() {
	if h.r == nil {
		return
	}
	h.r.History = h.attempts
	h.r.Attempts = len(h.attempts)
}

// markRepeat answers "may I call again?" on a call's error from what the
// transport knows: a read never acts; a call the provider deduplicates is
// safe to repeat with the same id; any other call may have acted once an
// attempt was ambiguous, and is then not safe to repeat. Provider code
// refines it where it knows more (a settled outcome, a reference).
func markRepeat(req *Request, err error) {
	if err == nil {
		// Before e is declared: errors.As moves e to the heap, an
		// allocation every successful call would pay for nothing.
		return
	}
	var e *apierror.Error
	if !errors.As(err, &e) {
		return
	}
	ambiguous := e.Ambiguous || errors.Is(e, apierror.ErrBadResponse)
	switch {
	case req.Idempotency == Idempotent:
		e.MayHaveActed, e.SafeToRetry = ambiguous, true
	case req.Idempotency == Auto && (req.Method == http.MethodGet || req.Method == http.MethodHead || req.Method == ""):
		e.MayHaveActed, e.SafeToRetry = false, true
	default:
		e.MayHaveActed, e.SafeToRetry = ambiguous, !ambiguous
	}
}

// Sleep waits d through the client's retry sleeper (the injected one in
// tests), for waits a provider makes outside a request: a settling call
// letting other calls in flight record their outcome.
func (c *Client) Sleep(ctx context.Context, d time.Duration) error {
	return c.policy.Wait(ctx, d)
}

// Timeout is the per-attempt timeout the client applies.
func (c *Client) Timeout() time.Duration { return c.timeout }

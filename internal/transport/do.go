package transport

import (
	"context"
	"net/http"
	"time"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/callopt"
	"github.com/simkit/simkit/observe"
	"github.com/simkit/simkit/option"
)

// Do sends req, retrying per the policy when the request is retryable, and
// decodes a 2xx JSON body into out (when out is not nil). A non-2xx answer
// becomes an *apierror.Error built by the provider's decoder; the Response is
// returned alongside it when one was received.
func (c *Client) Do(ctx context.Context, req *Request, out any, opts ...option.CallOption) (*Response, error) {
	op := req.op()
	if c.obs == nil {
		resp, _, err := c.do(ctx, req, op, out, opts)
		markRepeat(req, err)
		return resp, err
	}
	method := req.method()
	start := time.Now()
	ctx = c.obs.CallStart(ctx, observe.CallStart{Provider: c.provider, Method: method, Route: op, Start: start})
	resp, attempts, err := c.do(ctx, req, op, out, opts)
	markRepeat(req, err)
	e := observe.CallEnd{Provider: c.provider, Method: method, Route: op, Start: start, End: time.Now(),
		Attempts: attempts, Outcome: observe.Class(err), Err: err}
	if resp != nil {
		e.StatusCode, e.RequestID = resp.StatusCode, resp.RequestID
	}
	c.obs.CallEnd(ctx, e)
	return resp, err
}

// do is Do without the call hooks; op is the call's label. It also
// returns how many attempts it sent.
func (c *Client) do(ctx context.Context, req *Request, op string, out any, opts []option.CallOption) (*Response, int, error) {
	call := callOptions(opts)
	ctx = withCallMiddleware(ctx, call.Middleware)
	hist := history{r: responseOf(call.Response)}
	defer hist.flush()
	policy := c.policy
	if call.Retry != nil {
		// A per-call policy merges with the client's exactly as the
		// client's merges with the provider's defaults.
		policy = call.Retry.Or(c.policy)
	}
	timeout := c.timeout
	if call.Timeout > 0 {
		timeout = call.Timeout
	}
	body, ctype, err := req.encode()
	if err != nil {
		return nil, 0, &apierror.Error{Provider: c.provider, Op: op, Message: "cannot encode request body", Kind: apierror.ErrValidation, Err: err}
	}
	u := c.baseURL + req.Path
	if len(req.Query) > 0 {
		u += "?" + req.Query.Encode()
	}
	w := wire{op: op, url: u, body: body, ctype: ctype, header: call.Header, timeout: timeout}
	attempts := 1
	if req.retryable() {
		attempts = policy.Attempts()
	}
	// ambiguous records whether any attempt so far may have been acted on
	// without a readable answer; every error returned after that carries
	// it, so a money call settles its outcome whatever later attempts said.
	ambiguous := false
	// waited is the backoff before the current attempt, for the observer.
	var waited time.Duration

	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			// A caller that already gave up sends nothing.
			return nil, attempt - 1, &apierror.Error{Provider: c.provider, Op: op, Message: "call ended by the caller's context", Kind: contextKind(err), Err: err, Ambiguous: ambiguous}
		}
		actx, astart := c.startAttempt(ctx, req, op, attempt, waited)
		resp, err := c.attempt(actx, req, &w, attempt)
		ambiguous = ambiguous || mayHaveActed(resp, err)
		if err != nil {
			hist.add(nil, err)
			final := c.attemptError(ctx, op, err, ambiguous)
			again := final == nil && attempt < attempts && policy.ShouldRetry(nil, err)
			var wait time.Duration
			reason := ""
			if again {
				wait, reason = policy.Backoff(attempt, false), observe.RetryNetwork
			} else if final == nil {
				final = &apierror.Error{Provider: c.provider, Op: op, Message: failedMessage(err, timeout), Kind: apierror.ErrUnavailable, Err: err, Ambiguous: ambiguous}
			}
			c.endAttempt(actx, req, op, attempt, astart, nil, errOr(final, err), reason, wait)
			if !again {
				return nil, attempt, final
			}
			if werr := c.backoff(ctx, policy, op, attempt, nil, wait, ambiguous); werr != nil {
				return nil, attempt, werr
			}
			waited = wait
			continue
		}
		resp.Op = op
		resp.Attempts = attempt
		resp.Ambiguous = ambiguous
		if r, ok := call.Response.(*option.Response); ok && r != nil {
			*r = resp.Response
		}
		if resp.StatusCode >= 200 && resp.StatusCode < 300 {
			derr := c.unwrapped(resp, out)
			if derr == nil && out != nil {
				c.KeepExtra(ctx, op, resp.Body, out)
			}
			hist.add(resp, derr)
			c.endAttempt(actx, req, op, attempt, astart, resp, derr, "", 0)
			return resp, attempt, derr
		}
		hist.add(resp, nil)
		again := attempt < attempts && c.shouldRetryStatus(req, policy, resp)
		var wait time.Duration
		if again {
			limited := resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable
			wait = policy.Backoff(attempt, limited)
			if ra := resp.RateLimit.RetryAfter; ra > 0 {
				if policy.MaxRetryAfter > 0 && ra > policy.MaxRetryAfter {
					again = false
				}
				wait = ra
			}
		}
		if !again {
			c.endAttempt(actx, req, op, attempt, astart, resp, nil, "", 0)
			return resp, attempt, c.errorFor(resp)
		}
		c.endAttempt(actx, req, op, attempt, astart, resp, nil, retryReason(resp.StatusCode), wait)
		if werr := c.backoff(ctx, policy, op, attempt, resp, wait, ambiguous); werr != nil {
			return resp, attempt, werr
		}
		waited = wait
	}
}

// callOptions applies opts. The Call goes to the heap only when there are
// options: handing its address to the option functions makes it escape, an
// allocation every call without options paid for nothing.
func callOptions(opts []option.CallOption) callopt.Call {
	if len(opts) == 0 {
		return callopt.Call{}
	}
	call := new(callopt.Call)
	for _, o := range opts {
		o(call)
	}
	return *call
}

package transport

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/retry"
)

// backoff logs the retry and waits, returning the context's error as a
// typed error if the caller gives up meanwhile. resp is the answer being
// retried, nil when none came.
func (c *Client) backoff(ctx context.Context, policy retry.Policy, op string, attempt int, resp *Response, wait time.Duration, ambiguous bool) error {
	c.log.LogAttrs(ctx, slog.LevelWarn, "simkit: retrying", answerAttrs(resp,
		slog.String("route", op), slog.Int("attempt", attempt), slog.Duration("wait", wait))...)
	if err := policy.Wait(ctx, wait); err != nil {
		return &apierror.Error{Provider: c.provider, Op: op, Message: "call ended by the caller's context during backoff", Kind: contextKind(err), Err: err, Ambiguous: ambiguous}
	}
	return nil
}

// shouldRetryStatus applies the policy to a non-2xx answer. A call the
// provider deduplicates is also retried after a 500, under the default
// rule: the provider refuses a second order with the same id, so repeating
// it is how the outcome gets known.
func (c *Client) shouldRetryStatus(req *Request, policy retry.Policy, resp *Response) bool {
	if resp.StatusCode == http.StatusInternalServerError && req.Idempotency == Idempotent && policy.Retryable == nil {
		return true
	}
	return policy.ShouldRetry(&http.Response{StatusCode: resp.StatusCode, Header: resp.Header}, nil)
}

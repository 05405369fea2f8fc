package smsnumbers

import (
	"context"
	"errors"
	"time"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/option"
)

// DefaultPollInterval is how often WaitForCode checks an order: frequent
// enough for a code to show up quickly, far below the provider's rate limit
// even with many orders waiting at once.
const DefaultPollInterval = 2 * time.Second

// WaitForCodeParams says how WaitForCode polls.
type WaitForCodeParams struct {
	// PollInterval is the time between two checks; 0 means
	// DefaultPollInterval.
	PollInterval time.Duration
}

// WaitForCode polls Check until the order has an SMS, reaches a final
// status, or ctx ends. It checks at once, then every poll interval.
//
//   - An SMS arrived (or the status is RECEIVED): it returns the order and
//     nil; Order.Code has the code.
//   - The order ended without an SMS (TIMEOUT, CANCELED, BANNED, or
//     FINISHED): it returns the order and an error matching ErrOrderEnded
//     and simkit.ErrConflict; Order.Status says which.
//   - ctx ended: it returns the last order seen (possibly nil) and an
//     error that matches ctx.Err() (and simkit.ErrUnavailable for a
//     deadline), without waiting for the next tick.
//   - A check failed (after the transport's own retries): it returns the
//     last order seen and that error.
//
// opts apply to every check it sends.
func (c *Client) WaitForCode(ctx context.Context, id int64, p WaitForCodeParams, opts ...option.CallOption) (*Order, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	const op = "GET /v1/user/check/{id}"
	if err := requireID(op, id); err != nil {
		return nil, err
	}
	if p.PollInterval < 0 {
		return nil, apierror.Validation(Provider, op, "poll interval must not be negative, got %s", p.PollInterval)
	}
	interval := p.PollInterval
	if interval == 0 {
		interval = DefaultPollInterval
	}
	var last *Order
	// One timer for the whole wait, armed after each check; unlike
	// time.Sleep its wait ends the moment ctx does.
	timer := time.NewTimer(interval)
	timer.Stop()
	defer timer.Stop()
	for {
		if err := ctx.Err(); err != nil {
			return last, ctxError(op, err)
		}
		o, err := c.Check(ctx, id, opts...)
		if err != nil {
			return last, err
		}
		last = o
		if len(o.SMS) > 0 || o.Status == StatusReceived {
			return o, nil
		}
		if o.Status.Final() {
			return o, &apierror.Error{Provider: Provider, Op: op,
				Message: "order " + string(o.Status) + " before an SMS arrived", Kind: apierror.ErrConflict, Err: ErrOrderEnded}
		}
		timer.Reset(interval)
		select {
		case <-ctx.Done():
			return last, ctxError(op, ctx.Err())
		case <-timer.C:
		}
	}
}

// ctxError reports a context end as the typed error every call returns: a
// deadline also matches simkit.ErrUnavailable, and errors.Is finds the
// context's own error either way.
func ctxError(op string, err error) error {
	e := &apierror.Error{Provider: Provider, Op: op, Message: "wait ended by context", Err: err}
	if errors.Is(err, context.DeadlineExceeded) {
		e.Kind = apierror.ErrUnavailable
	}
	return e
}

package smsnumbers

import (
	"context"
	"errors"
	"time"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/observe"
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
	// OnCheck, when set, is called after each successful check with the
	// order's status and the time waited so far, on WaitForCode's
	// goroutine (keep it quick). The client's Observer gets the same
	// progress, and the wait's end.
	OnCheck func(WaitProgress)
}

// WaitProgress is one check of WaitForCode, as handed to
// WaitForCodeParams.OnCheck.
type WaitProgress struct {
	// Check counts the checks from 1.
	Check int
	// Status is the order's status at this check.
	Status Status
	// Elapsed is the time since WaitForCode began.
	Elapsed time.Duration
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
// Each check is reported to p.OnCheck and to the client's Observer (status
// and time waited), and the wait's end to the Observer: received, ended,
// or the error's class.
//
// opts apply to every check it sends.
func (c *Client) WaitForCode(ctx context.Context, id int64, p WaitForCodeParams, opts ...option.CallOption) (*Order, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	if err := requireID(opCheck, id); err != nil {
		return nil, err
	}
	if p.PollInterval < 0 {
		return nil, apierror.Validation(Provider, opCheck, "poll interval must not be negative, got %s", p.PollInterval)
	}
	interval := p.PollInterval
	if interval == 0 {
		interval = DefaultPollInterval
	}
	start := time.Now()
	w := observe.StartWait(c.t.Observer(), Provider, observe.WaitSMSCode)
	o, err := c.waitForCode(ctx, opCheck, id, interval, start, w, p.OnCheck, opts)
	status := ""
	if o != nil {
		status = string(o.Status)
	}
	switch {
	case err == nil:
		w.Done(ctx, observe.WaitReceived, status, nil)
	case errors.Is(err, ErrOrderEnded):
		w.Done(ctx, observe.WaitEnded, status, err)
	case ctx.Err() != nil && errors.Is(err, ctx.Err()):
		// Classed by the context's end ("deadline", "canceled"), not by
		// the ErrUnavailable a deadline also matches.
		w.Done(ctx, "", status, ctx.Err())
	default:
		w.Done(ctx, "", status, err)
	}
	return o, err
}

// waitForCode is WaitForCode's loop; the caller reports its end.
func (c *Client) waitForCode(ctx context.Context, op string, id int64, interval time.Duration, start time.Time,
	w *observe.Waiter, onCheck func(WaitProgress), opts []option.CallOption) (*Order, error) {
	var last *Order
	checks := 0
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
		checks++
		w.Check(ctx, string(o.Status), 0, 0)
		if onCheck != nil {
			onCheck(WaitProgress{Check: checks, Status: o.Status, Elapsed: time.Since(start)})
		}
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
	e := &apierror.Error{Provider: Provider, Op: op, Message: "wait ended by the caller's context", Err: err}
	if errors.Is(err, context.DeadlineExceeded) {
		e.Kind = apierror.ErrUnavailable
	}
	return e
}

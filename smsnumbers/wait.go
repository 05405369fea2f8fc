package smsnumbers

import (
	"context"
	"time"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/option"
)

// DefaultPollInterval is how often WaitForCode checks an order: frequent
// enough for a code to show up quickly, far below the provider's rate limit
// even with many orders waiting at once.
const DefaultPollInterval = 2 * time.Second

// WaitOption changes how WaitForCode polls.
type WaitOption func(*waitConfig)

type waitConfig struct {
	interval time.Duration
	call     []option.CallOption
}

// WithPollInterval sets the time between two checks; values <= 0 keep
// DefaultPollInterval.
func WithPollInterval(d time.Duration) WaitOption {
	return func(c *waitConfig) {
		if d > 0 {
			c.interval = d
		}
	}
}

// WithCallOptions passes call options (timeout, retry policy, headers) to
// every check WaitForCode sends.
func WithCallOptions(opts ...option.CallOption) WaitOption {
	return func(c *waitConfig) { c.call = append(c.call, opts...) }
}

// WaitForCode polls Check until the order has an SMS, reaches a final
// status, or ctx ends. It checks at once, then every poll interval.
//
//   - An SMS arrived (or the status is RECEIVED): it returns the order and
//     nil; Order.Code has the code.
//   - The order ended without an SMS (TIMEOUT, CANCELED, BANNED, or
//     FINISHED): it returns the order and an error matching ErrOrderEnded
//     and simkit.ErrConflict; Order.Status says which.
//   - ctx ended: it returns the last order seen (possibly nil) and
//     ctx.Err(), without waiting for the next tick.
//   - A check failed (after the transport's own retries): it returns the
//     last order seen and that error.
func (c *Client) WaitForCode(ctx context.Context, id int64, opts ...WaitOption) (*Order, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	if err := requireID("GET /v1/user/check", id); err != nil {
		return nil, err
	}
	cfg := waitConfig{interval: DefaultPollInterval}
	for _, o := range opts {
		o(&cfg)
	}
	var last *Order
	// One timer for the whole wait, armed after each check; unlike
	// time.Sleep its wait ends the moment ctx does.
	timer := time.NewTimer(cfg.interval)
	timer.Stop()
	defer timer.Stop()
	for {
		if err := ctx.Err(); err != nil {
			return last, err
		}
		o, err := c.Check(ctx, id, cfg.call...)
		if err != nil {
			if ctx.Err() != nil {
				return last, ctx.Err()
			}
			return last, err
		}
		last = o
		if len(o.SMS) > 0 || o.Status == StatusReceived {
			return o, nil
		}
		if o.Status.Final() {
			return o, &apierror.Error{Provider: Provider, Op: "GET /v1/user/check",
				Message: "order " + string(o.Status) + " before an SMS arrived", Kind: apierror.ErrConflict, Err: ErrOrderEnded}
		}
		timer.Reset(cfg.interval)
		select {
		case <-ctx.Done():
			return last, ctx.Err()
		case <-timer.C:
		}
	}
}

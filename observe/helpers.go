package observe

import (
	"context"
	"time"
)

// Waiter reports the checks of one long wait, timing it from StartWait;
// with a nil observer every method returns at once.
type Waiter struct {
	obs            Observer
	provider, wait string
	start          time.Time
	checks         int
}

// StartWait begins reporting a wait (WaitSMSCode, WaitESIMDelivery) to obs
// (which may be nil).
func StartWait(obs Observer, provider, wait string) *Waiter {
	w := &Waiter{obs: obs, provider: provider, wait: wait}
	if obs != nil {
		w.start = time.Now()
	}
	return w
}

// Check reports one check: the provider's status, and for waits on units
// how many of how many arrived (0, 0 otherwise).
func (w *Waiter) Check(ctx context.Context, status string, delivered, expected int) {
	if w == nil || w.obs == nil {
		return
	}
	w.checks++
	w.obs.WaitProgress(ctx, WaitProgress{Provider: w.provider, Wait: w.wait, Check: w.checks, Status: status,
		Delivered: delivered, Expected: expected, Elapsed: time.Since(w.start)})
}

// Done reports the wait's end: outcome is WaitReceived or WaitEnded, or
// Class(err) when err is set (the context ended, a check failed).
func (w *Waiter) Done(ctx context.Context, outcome, status string, err error) {
	if w == nil || w.obs == nil {
		return
	}
	if err != nil && outcome != WaitEnded {
		outcome = Class(err)
	}
	w.obs.WaitProgress(ctx, WaitProgress{Provider: w.provider, Wait: w.wait, Check: w.checks, Status: status,
		Elapsed: time.Since(w.start), Done: true, Outcome: outcome, Err: err})
}

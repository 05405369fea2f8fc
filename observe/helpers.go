package observe

import (
	"context"
	"time"
)

// Delivery reports the steps of one webhook delivery, timing it from
// StartDelivery. Handlers build one per request from their client's
// observer; with a nil observer every method returns at once.
type Delivery struct {
	obs      Observer
	provider string
	// Event is the provider's event type, once parsed; set it before
	// reporting Accepted.
	Event string
	start time.Time
}

// StartDelivery begins reporting a delivery to obs (which may be nil).
func StartDelivery(obs Observer, provider string) *Delivery {
	d := &Delivery{obs: obs, provider: provider}
	if obs != nil {
		d.start = time.Now()
	}
	return d
}

func (d *Delivery) report(ctx context.Context, outcome WebhookOutcome, reason string, status int, err error) {
	if d == nil || d.obs == nil {
		return
	}
	d.obs.Webhook(ctx, Webhook{Provider: d.provider, Event: d.Event, Outcome: outcome, Reason: reason,
		Status: status, Duration: time.Since(d.start), Err: err})
}

// Refused reports a delivery rejected before the user's function, with one
// of the Reason* constants and the status answered.
func (d *Delivery) Refused(ctx context.Context, reason string, status int) {
	d.report(ctx, WebhookRefused, reason, status, nil)
}

// Accepted reports a verified, claimed delivery about to be handled.
func (d *Delivery) Accepted(ctx context.Context) { d.report(ctx, WebhookAccepted, "", 0, nil) }

// Duplicate reports a delivery answered without running the user's
// function because it was handled before (inFlight false) or is being
// handled now; it also reports the Dedupe hit.
func (d *Delivery) Duplicate(ctx context.Context, inFlight bool, status int) {
	if d == nil || d.obs == nil {
		return
	}
	d.obs.Dedupe(ctx, Dedupe{Provider: d.provider, Name: "webhook", InFlight: inFlight})
	d.report(ctx, WebhookDuplicate, "", status, nil)
}

// Handled reports the user's function succeeded.
func (d *Delivery) Handled(ctx context.Context, status int) {
	d.report(ctx, WebhookHandled, "", status, nil)
}

// Failed reports that the user's function or the dedupe store failed.
func (d *Delivery) Failed(ctx context.Context, status int, err error) {
	d.report(ctx, WebhookFailed, "", status, err)
}

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

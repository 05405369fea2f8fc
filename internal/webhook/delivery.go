package webhook

import (
	"context"
	"time"

	"github.com/simkit/simkit/observe"
)

// Delivery reports the steps of one webhook delivery, timing it from
// StartDelivery. Handlers build one per request from their client's
// observer; with a nil observer every method returns at once.
type Delivery struct {
	obs      observe.Observer
	provider string
	// Event is the provider's event type, once parsed; set it before
	// reporting Accepted.
	Event string
	start time.Time
}

// StartDelivery begins reporting a delivery to obs (which may be nil).
func StartDelivery(obs observe.Observer, provider string) *Delivery {
	d := &Delivery{obs: obs, provider: provider}
	if obs != nil {
		d.start = time.Now()
	}
	return d
}

func (d *Delivery) report(ctx context.Context, outcome observe.WebhookOutcome, reason string, status int, err error) {
	if d == nil || d.obs == nil {
		return
	}
	d.obs.Webhook(ctx, observe.Webhook{Provider: d.provider, Event: d.Event, Outcome: outcome, Reason: reason,
		Status: status, Duration: time.Since(d.start), Err: err})
}

// Refused reports a delivery rejected before the user's function, with one
// of the observe.Reason* constants and the status answered.
func (d *Delivery) Refused(ctx context.Context, reason string, status int) {
	d.report(ctx, observe.WebhookRefused, reason, status, nil)
}

// Accepted reports a verified, claimed delivery about to be handled.
func (d *Delivery) Accepted(ctx context.Context) { d.report(ctx, observe.WebhookAccepted, "", 0, nil) }

// Duplicate reports a delivery answered without running the user's
// function because it was handled before (inFlight false) or is being
// handled now; it also reports the Dedupe hit.
func (d *Delivery) Duplicate(ctx context.Context, inFlight bool, status int) {
	if d == nil || d.obs == nil {
		return
	}
	d.obs.Dedupe(ctx, observe.Dedupe{Provider: d.provider, Name: "webhook", InFlight: inFlight})
	d.report(ctx, observe.WebhookDuplicate, "", status, nil)
}

// Handled reports the user's function succeeded.
func (d *Delivery) Handled(ctx context.Context, status int) {
	d.report(ctx, observe.WebhookHandled, "", status, nil)
}

// Failed reports that the user's function or the dedupe store failed.
func (d *Delivery) Failed(ctx context.Context, status int, err error) {
	d.report(ctx, observe.WebhookFailed, "", status, err)
}

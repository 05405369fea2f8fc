package esimstory

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/ledger"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/reconcile"
)

// ReconcileParams is what Reconcile checks: the window, the grace left to
// calls in flight, the delivery deadline (see reconcile.Params).
type ReconcileParams = reconcile.Params

// Reconcile closes the books of this account over p's window (by default
// the last day). eSIM Story publishes no order history: what the provider
// did is known from its deliveries (one webhook per unit), which the
// Tracker (Options.Tracker) records. Reconcile reads the ledger's
// CreateOrder entries and the tracker, and reports (see package
// reconcile):
//
//   - an order whose outcome is unknown: a delivery naming its external
//     order id, or a later call with the same id and units that got the
//     order, proves the order exists and settles the entry as recovered;
//     otherwise OutcomeUnknown (calling CreateOrder again with the same
//     external order id is safe: the provider's duplicate answer settles
//     it);
//   - an order of the fleet with units not delivered p.DeliveryDeadline
//     after it was made: NotDelivered.
//
// A charge made outside the fleet cannot be seen without a history: the
// report says so in its Notes. Without a Tracker, deliveries are not
// checked (also noted). It sends no request at all. It takes the
// esimstory reconciliation lock in the Store for its run (another run
// gets reconcile.ErrBusy) and reports the anomaly counts to the observer.
func (c *Client) Reconcile(ctx context.Context, p ReconcileParams, _ ...option.CallOption) (*reconcile.Report, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	l := c.Ledger()
	run := reconcile.Runner{Provider: Provider, Store: c.opts.Store, Now: c.opts.Now, Observer: c.opts.Observer, Ledger: l}
	return run.Run(ctx, p, func(ctx context.Context, p reconcile.Params, rep *reconcile.Report) error {
		rep.Note("eSIM Story publishes no order history: orders made outside the fleet cannot be seen")
		tr := c.opts.Tracker
		if tr == nil {
			rep.Note("no Tracker configured: deliveries not checked")
		}
		now := c.opts.Now()
		for e, err := range l.Entries(ctx, p.From, p.To) {
			if err != nil {
				return err
			}
			if e.Call != opCreateOrder {
				continue
			}
			rep.Entries++
			if err := c.reconcileOrder(ctx, l, tr, p, rep, e, now); err != nil {
				return err
			}
		}
		return nil
	})
}

func (c *Client) reconcileOrder(ctx context.Context, l *ledger.Ledger, tr *Tracker, p reconcile.Params, rep *reconcile.Report, e ledger.Entry, now time.Time) error {
	open := reconcile.Open(e, now, p.Grace)
	if !open && (e.State == ledger.StateDelivered || !reconcile.Held(e)) {
		return nil // every unit arrived (the tracker said so), or nothing was bought
	}
	delivered, expected := 0, 0
	if tr != nil && e.Reference != "" {
		var err error
		delivered, expected, err = tr.Progress(ctx, e.Reference)
		if err != nil && !errors.Is(err, apierror.ErrNotFound) {
			return err
		}
		rep.Records += delivered
	}
	siblings, err := l.ByReference(ctx, e.Reference)
	if err != nil {
		return err
	}
	if open {
		// A later call with the same external order id and units that got
		// the order (or the provider's duplicate answer) proves it exists:
		// the provider accepts an external order id once.
		var twin *ledger.Entry
		for i := range siblings {
			x := &siblings[i]
			if x.ID != e.ID && x.Call == opCreateOrder && x.Subject == e.Subject && reconcile.Held(*x) {
				twin = x
				break
			}
		}
		if (twin == nil && delivered == 0) || p.NoSettle {
			f := reconcile.FromEntry(reconcile.OutcomeUnknown, e)
			f.Detail = fmt.Sprintf("outcome unknown; %d deliveries name its external order id", delivered)
			f.Action = "call CreateOrder again with the same external order id and items: the provider's duplicate answer returns the order if it exists"
			rep.Add(f, now)
			return nil
		}
		out := ledger.Outcome{State: ledger.StateRecovered, Meta: map[string]string{"settled_by": "reconcile"}}
		if twin != nil {
			out.ProviderIDs = twin.ProviderIDs
		}
		if err := l.Finish(ctx, &e, out); err != nil {
			return err
		}
		rep.Settled++
		if twin != nil {
			return nil // its delivery is checked with the call that got it
		}
	}
	for _, x := range siblings {
		if x.ID != e.ID && x.Call == opCreateOrder && reconcile.Held(x) && x.Started.Before(e.Started) {
			return nil // one order, checked once: with the first call that got it
		}
	}
	if tr != nil && (expected == 0 || delivered < expected) && now.Sub(e.Started) > p.DeliveryDeadline {
		f := reconcile.FromEntry(reconcile.NotDelivered, e)
		f.Detail = fmt.Sprintf("%d of %d units delivered %s after the order", delivered, expected, now.Sub(e.Started).Round(time.Minute))
		if expected == 0 {
			f.Detail = fmt.Sprintf("%d units delivered; the tracker does not know how many the order has", delivered)
		}
		f.Action = "ask eSIM Story to resend the missing units' webhooks (give the external order id), and do not hand the customer an eSIM you have not received"
		rep.Add(f, now)
	}
	return nil
}

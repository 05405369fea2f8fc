package topups

import (
	"context"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/simkit/simkit/ledger"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/reconcile"
)

// ReconcileParams is what Reconcile checks: the window, the grace left to
// calls in flight, the delivery deadline (see reconcile.Params).
type ReconcileParams = reconcile.Params

// Reconcile closes the books of this account over p's window (by default
// the last day): it reads the ledger's entries of SubmitTopup and
// RenewNumber and the provider's top-up orders, and reports every anomaly
// (see package reconcile):
//
//   - a top-up whose outcome is still unknown is looked up by its
//     Reference (GET /customer/v2/orders filtered by description): the
//     top-up found settles the entry as recovered, none as failed (a
//     SubmitTopup with that Reference looks first and never submits
//     twice); two top-ups with one Reference stay OutcomeUnknown;
//   - a renewal whose outcome is unknown stays OutcomeUnknown with
//     PersonOnly set: the renewal API has no history, so only a person can
//     check the number's state with the provider;
//   - every top-up order in the window that no ledger entry accounts for
//     (its description is no Reference the fleet sent: UnaccountedCharge),
//     or whose price differs from the ledger's amount (AmountMismatch).
//
// It only reads: the orders list, with the client's cached token (the
// token endpoint's 3-a-minute limit is never approached), and never the
// package history (its 15-minute rule is left to your calls). Memory is
// bounded by a page. It takes the topups reconciliation lock in the Store
// for its run (another run gets reconcile.ErrBusy) and reports the anomaly
// counts to the observer.
func (c *Client) Reconcile(ctx context.Context, p ReconcileParams, opts ...option.CallOption) (*reconcile.Report, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	l := c.Ledger()
	run := reconcile.Runner{Provider: Provider, Store: c.opts.Store, Now: c.opts.Now, Observer: c.opts.Observer, Ledger: l}
	return run.Run(ctx, p, func(ctx context.Context, p reconcile.Params, rep *reconcile.Report) error {
		r := &topupBooks{c: c, l: l, p: p, rep: rep, now: c.opts.Now(), opts: opts}
		if err := r.entries(ctx); err != nil {
			return err
		}
		return r.orders(ctx)
	})
}

type topupBooks struct {
	c    *Client
	l    *ledger.Ledger
	p    reconcile.Params
	rep  *reconcile.Report
	now  time.Time
	opts []option.CallOption
}

func (r *topupBooks) entries(ctx context.Context) error {
	for e, err := range r.l.Entries(ctx, r.p.From, r.p.To) {
		if err != nil {
			return err
		}
		if e.Call != opSubmitTopup && e.Call != opRenewNumber {
			continue
		}
		r.rep.Entries++
		if !reconcile.Open(e, r.now, r.p.Grace) {
			continue
		}
		if e.Call == opRenewNumber {
			f := reconcile.FromEntry(reconcile.OutcomeUnknown, e)
			f.PersonOnly = true
			f.Detail = "renewal outcome unknown; the renewal API has no history to read"
			f.Action = "only a person can check: look the number up in the provider's portal, then record the outcome; never renew again to find out"
			r.rep.Add(f, r.now)
			continue
		}
		if err := r.settle(ctx, &e); err != nil {
			return err
		}
	}
	return nil
}

// settle looks an open top-up up by its Reference.
func (r *topupBooks) settle(ctx context.Context, e *ledger.Entry) error {
	unknown := func(why string) {
		f := reconcile.FromEntry(reconcile.OutcomeUnknown, *e)
		f.Detail = "top-up outcome unknown; " + why
		f.Action = "call SubmitTopup again with the same Reference (it looks first and never submits twice), or search the orders by description"
		r.rep.Add(f, r.now)
	}
	if e.Reference == "" {
		unknown("the entry has no Reference to look up")
		return nil
	}
	var found []Order
	q := ListOrdersParams{Include: []Include{IncludeStatus}, Description: e.Reference, Type: OrderTypeTopup, Limit: maxLimit}
	for o, err := range r.c.AllOrders(ctx, q, r.opts...) {
		if err != nil {
			unknown("look-up by Reference failed: " + err.Error())
			return nil
		}
		if o.Description == e.Reference {
			found = append(found, o)
		}
		if len(found) > 1 {
			break
		}
	}
	switch {
	case len(found) > 1:
		unknown("two top-ups carry this Reference")
		return nil
	case r.p.NoSettle:
		unknown("the provider's orders settle it (run without NoSettle to record it)")
		return nil
	}
	out := ledger.Outcome{State: ledger.StateFailed, Meta: map[string]string{"settled_by": "reconcile"}}
	if len(found) == 1 {
		o := found[0]
		out = ledger.Outcome{State: ledger.StateRecovered, ProviderIDs: []string{o.ID}, Amount: decimal.NewNullDecimal(charged(o)),
			Currency: o.Currency, Meta: out.Meta}
	}
	if err := r.l.Finish(ctx, e, out); err != nil {
		return err
	}
	r.rep.Settled++
	return nil
}

// charged is what a top-up cost: the total paid under discount pricing,
// else the net price, else the retail price.
func charged(o Order) decimal.Decimal {
	switch {
	case o.TotalAmountPaid.Valid:
		return o.TotalAmountPaid.Decimal
	case o.NetPrice.Valid:
		return o.NetPrice.Decimal
	}
	return o.Price
}

// orders walks the top-up orders of the window's days, newest first, and
// checks each against the ledger.
func (r *topupBooks) orders(ctx context.Context) error {
	q := ListOrdersParams{Include: []Include{IncludeStatus}, Type: OrderTypeTopup, Limit: maxLimit,
		CreatedFrom: r.p.From.UTC(), CreatedTo: r.p.To.UTC()}
	for o, err := range r.c.AllOrders(ctx, q, r.opts...) {
		if err != nil {
			return err
		}
		if !r.p.InWindow(o.CreatedAt) {
			continue // the filter is by whole days
		}
		r.rep.Records++
		if r.now.Sub(o.CreatedAt) < r.p.Grace {
			continue
		}
		switch o.Status.Slug {
		case "refunded", "failed", "cancelled", "canceled":
			continue
		}
		if err := r.order(ctx, o); err != nil {
			return err
		}
	}
	return nil
}

func (r *topupBooks) order(ctx context.Context, o Order) error {
	paid := charged(o)
	base := reconcile.Finding{Call: opListOrders, ProviderID: o.ID, Status: o.Status.String(), Amount: decimal.NewNullDecimal(paid),
		Currency: o.Currency, At: o.CreatedAt}
	var held *ledger.Entry
	if o.Description != "" {
		entries, err := r.l.ByReference(ctx, o.Description)
		if err != nil {
			return err
		}
		for i := range entries {
			if e := &entries[i]; e.Call == opSubmitTopup && e.State != ledger.StateFailed {
				held = e
				if e.Holds(o.ID) {
					break
				}
			}
		}
	}
	if held == nil {
		f := base
		f.Kind, f.Reference = reconcile.UnaccountedCharge, o.Description
		f.Detail = "no ledger entry sent this top-up's description as its Reference: it was submitted outside the fleet, or its entry was lost"
		r.rep.Add(f, r.now)
		return nil
	}
	if held.Amount.Valid && !held.Amount.Decimal.Equal(paid) && !held.Amount.Decimal.Equal(o.Price) {
		f := reconcile.FromEntry(reconcile.AmountMismatch, *held)
		f.ProviderID, f.Status, f.Amount, f.Currency = o.ID, o.Status.String(), base.Amount, o.Currency
		f.Detail = fmt.Sprintf("the top-up cost %s, the ledger recorded %s", paid, held.Amount.Decimal)
		r.rep.Add(f, r.now)
	}
	return nil
}

package partner

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

// Reconcile closes the books of this partner account over p's window
// (by default the last day): it reads the ledger's entries of CreateOrder
// and TopupESIM and the provider's own records, and reports every
// anomaly (see package reconcile):
//
//   - an order call whose outcome is still unknown: it is first looked up
//     by its external id (GET /orders?external_id=), and an order found
//     settles the entry as recovered, none as failed (the provider
//     dedupes external ids, so none means the call made nothing); only a
//     look-up that cannot answer leaves OutcomeUnknown;
//   - every charge of the balance history (GET /balance/history) in the
//     window whose order (GET /orders/{uuid}) no ledger entry accounts for
//     (UnaccountedCharge), or whose amount differs from the order's total
//     or from the ledger's amount (AmountMismatch); a charge whose order
//     failed or was cancelled was refunded and is not counted;
//   - an order of the fleet still processing after p.DeliveryDeadline, or
//     partially completed (NotDelivered); one that completed as recorded
//     becomes StateDelivered in the ledger, one that failed or was
//     cancelled StateRefunded, so the next run skips it.
//
// It only reads from the provider: one page of history at a time, one
// look-up per charge and per entry, so memory is bounded by a page. It
// takes the partner reconciliation lock in the Store for its run (another
// run gets reconcile.ErrBusy) and reports the anomaly counts to the
// observer.
func (c *Client) Reconcile(ctx context.Context, p ReconcileParams, opts ...option.CallOption) (*reconcile.Report, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	l := c.Ledger()
	run := reconcile.Runner{Provider: Provider, Store: c.opts.Store, Now: c.opts.Now, Observer: c.opts.Observer, Ledger: l}
	return run.Run(ctx, p, func(ctx context.Context, p reconcile.Params, rep *reconcile.Report) error {
		r := &partnerBooks{c: c, l: l, p: p, rep: rep, now: c.opts.Now(), opts: opts}
		if err := r.entries(ctx); err != nil {
			return err
		}
		return r.charges(ctx)
	})
}

// partnerBooks is one reconciliation run.
type partnerBooks struct {
	c    *Client
	l    *ledger.Ledger
	p    reconcile.Params
	rep  *reconcile.Report
	now  time.Time
	opts []option.CallOption
}

// orderCall reports whether call is one of the partner's money calls.
func orderCall(call string) bool { return call == opCreateOrder || call == opTopupESIM }

// entries settles open outcomes and checks the delivery of every order
// the fleet made in the window.
func (r *partnerBooks) entries(ctx context.Context) error {
	for e, err := range r.l.Entries(ctx, r.p.From, r.p.To) {
		if err != nil {
			return err
		}
		if !orderCall(e.Call) {
			continue
		}
		r.rep.Entries++
		var order *Order
		switch {
		case reconcile.Open(e, r.now, r.p.Grace):
			if e.Reference == "" {
				r.rep.Add(r.unknown(e, "the call has no external id to look up"), r.now)
				continue
			}
			o, err := r.c.FindOrderByExternalID(ctx, e.Reference, r.opts...)
			if err != nil {
				r.rep.Add(r.unknown(e, "look-up by external id failed: "+err.Error()), r.now)
				continue
			}
			if err := r.settle(ctx, &e, o); err != nil {
				return err
			}
			if o == nil {
				continue
			}
			order = o
		case e.State == ledger.StateDelivered:
			continue // completed and checked by an earlier run
		case reconcile.Held(e) && len(e.ProviderIDs) > 0:
			if first, err := r.firstHolder(ctx, e); err != nil || !first {
				if err != nil {
					return err
				}
				continue // one order, checked once: with the first call that got it
			}
			o, err := r.c.GetOrder(ctx, e.ProviderIDs[0], r.opts...)
			if err != nil {
				return fmt.Errorf("partner reconcile: order of entry %s: %w", e.ID, err)
			}
			order = o
		default:
			continue
		}
		if err := r.delivery(ctx, &e, order); err != nil {
			return err
		}
	}
	return nil
}

// firstHolder reports whether e is the first call with its external id
// that holds the order (re-calls with the same id hold the same order).
func (r *partnerBooks) firstHolder(ctx context.Context, e ledger.Entry) (bool, error) {
	if e.Reference == "" {
		return true, nil
	}
	siblings, err := r.l.ByReference(ctx, e.Reference)
	if err != nil {
		return false, err
	}
	for _, x := range siblings {
		if x.ID != e.ID && orderCall(x.Call) && reconcile.Held(x) && x.Started.Before(e.Started) {
			return false, nil
		}
	}
	return true, nil
}

func (r *partnerBooks) unknown(e ledger.Entry, why string) reconcile.Finding {
	f := reconcile.FromEntry(reconcile.OutcomeUnknown, e)
	f.Detail = "outcome unknown; " + why
	f.Action = "look the external id up in the provider's dashboard; calling again with the same external id is safe and returns the order if it exists"
	return f
}

// settle writes what the look-up proved: the order (recovered), or no
// order (failed: the provider dedupes external ids, so a call that made
// none will never make one).
func (r *partnerBooks) settle(ctx context.Context, e *ledger.Entry, o *Order) error {
	if r.p.NoSettle {
		f := r.unknown(*e, "the provider's orders settle it (run without NoSettle to record it)")
		if o != nil {
			f.ProviderID, f.Status = o.ID, string(o.Status)
		}
		r.rep.Add(f, r.now)
		return nil
	}
	out := ledger.Outcome{State: ledger.StateFailed, Meta: map[string]string{"settled_by": "reconcile"}}
	if o != nil {
		out = ledger.Outcome{State: ledger.StateRecovered, ProviderIDs: []string{o.ID},
			Amount: decimal.NewNullDecimal(o.TotalAmount), Currency: o.Currency, Meta: out.Meta}
	}
	if err := r.l.Finish(ctx, e, out); err != nil {
		return err
	}
	r.rep.Settled++
	return nil
}

// delivery reports an order stuck in processing past the deadline or
// partially completed, and an amount that differs from the ledger's. An
// order that completed at the amount the ledger holds is recorded as
// delivered, one that failed or was cancelled as refunded, so later runs
// need not look again.
func (r *partnerBooks) delivery(ctx context.Context, ep *ledger.Entry, o *Order) error {
	e := *ep
	before := r.rep.Anomalies()
	switch {
	case o.Status == OrderPartiallyCompleted:
		f := reconcile.FromEntry(reconcile.NotDelivered, e)
		f.ProviderID, f.Status = o.ID, string(o.Status)
		f.Detail = "order partially completed: some items were not delivered"
		f.Action = "read the items' error messages (GetOrder) and ask the provider to deliver or refund the rest"
		r.rep.Add(f, r.now)
	case (o.Status == OrderProcessing || o.Status == OrderCreated) && r.now.Sub(o.CreatedAt) > r.p.DeliveryDeadline:
		f := reconcile.FromEntry(reconcile.NotDelivered, e)
		f.ProviderID, f.Status = o.ID, string(o.Status)
		f.Detail = fmt.Sprintf("order still %s after the %s delivery deadline", o.Status, r.p.DeliveryDeadline)
		f.Action = "chase the provider with the order id; do not fulfil the customer's order until it completes"
		r.rep.Add(f, r.now)
	}
	if e.Amount.Valid && !e.Amount.Decimal.Equal(o.TotalAmount) && o.Status != OrderFailed && o.Status != OrderCancelled {
		f := reconcile.FromEntry(reconcile.AmountMismatch, e)
		f.ProviderID, f.Status = o.ID, string(o.Status)
		f.Amount = decimal.NewNullDecimal(o.TotalAmount)
		f.Currency = o.Currency
		f.Detail = "the order's total differs from the amount the ledger recorded"
		r.rep.Add(f, r.now)
	}
	if r.p.NoSettle || r.rep.Anomalies() != before || !(e.State == ledger.StateDone || e.State == ledger.StateRecovered) {
		return nil
	}
	switch o.Status {
	case OrderCompleted:
		return r.l.Finish(ctx, ep, ledger.Outcome{State: ledger.StateDelivered, Meta: map[string]string{"closed_by": "reconcile"}})
	case OrderFailed, OrderCancelled:
		return r.l.Finish(ctx, ep, ledger.Outcome{State: ledger.StateRefunded, Meta: map[string]string{"closed_by": "reconcile"}})
	}
	return nil
}

// charges walks the balance history, newest first, down to the window's
// start, and checks every charge against its order and the ledger.
func (r *partnerBooks) charges(ctx context.Context) error {
	for tx, err := range r.c.AllTransactions(ctx, ListTransactionsParams{PerPage: maxPerPageTransactions}, r.opts...) {
		if err != nil {
			return err
		}
		if tx.CreatedAt.Before(r.p.From) {
			return nil // the history is newest first: the rest is older
		}
		if !tx.CreatedAt.Before(r.p.To) {
			continue
		}
		r.rep.Records++
		if tx.Type != TransactionCharge || r.now.Sub(tx.CreatedAt) < r.p.Grace {
			continue
		}
		if err := r.charge(ctx, tx); err != nil {
			return err
		}
	}
	return nil
}

func (r *partnerBooks) charge(ctx context.Context, tx Transaction) error {
	paid := tx.Amount.Abs()
	base := reconcile.Finding{Call: opListTransactions, ProviderID: tx.OrderID, Amount: decimal.NewNullDecimal(paid),
		Currency: tx.Currency, At: tx.CreatedAt}
	if tx.OrderID == "" {
		f := base
		f.Kind, f.ProviderID = reconcile.UnaccountedCharge, "transaction "+tx.ID
		f.Detail = "a charge that names no order"
		r.rep.Add(f, r.now)
		return nil
	}
	o, err := r.c.GetOrder(ctx, tx.OrderID, r.opts...)
	if err != nil {
		return fmt.Errorf("partner reconcile: order of transaction %s: %w", tx.ID, err)
	}
	if o.Status == OrderFailed || o.Status == OrderCancelled {
		return nil // refunded: the history holds the refund
	}
	entries, err := r.l.ByReference(ctx, o.ExternalID)
	if err != nil {
		return err
	}
	var held *ledger.Entry
	for i := range entries {
		e := &entries[i]
		if orderCall(e.Call) && e.State != ledger.StateFailed {
			held = e
			if e.Holds(o.ID) {
				break
			}
		}
	}
	if held == nil {
		f := base
		f.Kind, f.Reference, f.Status = reconcile.UnaccountedCharge, o.ExternalID, string(o.Status)
		f.Detail = "no ledger entry has this order's external id: it was made outside the fleet, or its entry was lost"
		r.rep.Add(f, r.now)
		return nil
	}
	if !paid.Equal(o.TotalAmount) {
		f := base
		f.Kind, f.Reference, f.Entry, f.Status = reconcile.AmountMismatch, o.ExternalID, held.ID, string(o.Status)
		f.Expected = decimal.NewNullDecimal(o.TotalAmount)
		f.Detail = "the balance-history charge differs from the order's total"
		r.rep.Add(f, r.now)
	}
	return nil
}

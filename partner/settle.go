package partner

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/shopspring/decimal"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/money"
	"github.com/simkit/simkit/internal/transport"
	"github.com/simkit/simkit/ledger"
	"github.com/simkit/simkit/option"
)

// lookupTries bounds the look-ups by external id one call makes: a 409
// for an id this fleet sent proves the order exists, so a failing look-up
// is worth repeating before the caller is told it could not be read.
const lookupTries = 3

// lookupBackoff is the first wait between look-ups; it doubles.
const lookupBackoff = 200 * time.Millisecond

// placement is an order call: what it sends, and what its order must
// look like to be the one its external id names.
type placement struct {
	req        *transport.Request
	externalID string
	// subject says what the order is for (the SKU, the eSIM), with no
	// customer data; a re-call with the same external id and subject is
	// the same order.
	subject string
	// fits reports whether an order found by the external id is this
	// call's order (the same SKU); nil accepts any.
	fits func(*Order) bool
}

// placeOrder sends an order call and settles an ambiguous outcome or a
// duplicate answer by looking the order up by its external id: exactly one
// order per external id, and never an error for an order that exists.
//
// The call records itself in the ledger before it sends. A duplicate
// answer (409) to the call's own ambiguous attempt, or to an external id
// that the fleet's ledger shows was sent for the same subject (by another
// replica, in parallel or earlier), is that order: it is looked up (the
// look-up retried) and returned with Recovered set. A 409 for an id the
// fleet has no record of sending for this subject is ErrConflict: the id
// was used for another order.
func (c *Client) placeOrder(ctx context.Context, pl placement, opts []option.CallOption) (*Order, error) {
	rec, opts := money.NewRecord(opts)
	log := c.t.Logger()
	started := c.t.Now()
	e, berr := money.Begin(ctx, c.ledger, ledger.Intent{Call: pl.req.Op, Reference: pl.externalID, Subject: pl.subject})
	if berr != nil {
		// The provider deduplicates by external id, so the order stays
		// exactly-once without the ledger; only a re-call's 409 loses the
		// fleet's record.
		log.LogAttrs(ctx, slog.LevelWarn, "simkit: ledger could not record an order call", slog.String("route", pl.req.Op), slog.String("error", berr.Error()))
	}
	finish := func(o ledger.Outcome) { money.Finish(ctx, c.ledger, log, e, o) }
	o, _, err := call[*Order](ctx, c, pl.req, opts)
	if err == nil && o != nil && o.ID != "" {
		finish(orderOutcome(ledger.StateDone, o))
		rec.Done(false)
		return o, nil
	}
	if err == nil {
		err = badResponse(c, pl.req.Op, nil)
	}
	ambiguous := transport.Ambiguous(err)
	duplicate := errors.Is(err, apierror.ErrConflict)
	if !ambiguous && !duplicate {
		finish(ledger.Outcome{State: ledger.StateFailed})
		rec.Done(false)
		return nil, money.Mark(err, false, true)
	}
	if duplicate && !ambiguous {
		if why := c.fleetSent(ctx, pl, e); why != "" {
			finish(ledger.Outcome{State: ledger.StateFailed})
			rec.Done(false)
			return nil, money.Mark(conflict(err, pl.externalID, why), false, true)
		}
	}
	// The order may exist (ambiguous) or does (a 409 for our id).
	if ctx.Err() != nil {
		finish(ledger.Outcome{State: ledger.StateUnknown})
		rec.Done(false)
		return nil, unsettled(err, pl.externalID, started, ambiguous, duplicate, "the call's context ended before the order could be looked up by external_id")
	}
	found, lerr := c.lookUp(ctx, pl, rec, opts)
	switch {
	case lerr != nil:
		log.LogAttrs(ctx, slog.LevelWarn, "simkit: order look-up by external_id failed",
			slog.String("route", pl.req.Op), slog.String("lookup_route", opListOrders), slog.String("error", lerr.Error()))
		finish(ledger.Outcome{State: ledger.StateUnknown})
		rec.Done(false)
		return nil, unsettled(err, pl.externalID, started, ambiguous, duplicate, "the order look-up by external_id failed ("+lookupKind(lerr)+")")
	case found == nil:
		finish(ledger.Outcome{State: ledger.StateUnknown})
		rec.Done(false)
		return nil, unsettled(err, pl.externalID, started, ambiguous, duplicate, "no order was found by external_id")
	case pl.fits != nil && !pl.fits(found):
		finish(ledger.Outcome{State: ledger.StateFailed})
		rec.Done(false)
		return nil, money.Mark(conflict(err, pl.externalID, "the order with this external_id is for another SKU"), false, true)
	}
	log.LogAttrs(ctx, slog.LevelInfo, "simkit: order settled by external_id look-up",
		slog.String("route", pl.req.Op), slog.String("order_id", found.ID), slog.Bool("ambiguous", ambiguous), slog.Bool("duplicate", duplicate))
	found.Recovered = true
	finish(orderOutcome(ledger.StateRecovered, found))
	rec.Done(true)
	return found, nil
}

// fleetSent says why a duplicate answer is not an order this fleet sent
// with the same external id for the same subject, or "" when it is: the
// ledger holds another call with that reference and subject that did not
// fail. A ledger that cannot list answers as if it had no record.
func (c *Client) fleetSent(ctx context.Context, pl placement, self *ledger.Entry) string {
	entries, err := c.ledger.ByReference(ctx, pl.externalID)
	if err != nil {
		return "the fleet's ledger could not be read (" + err.Error() + ")"
	}
	other := false
	for _, x := range entries {
		if self != nil && x.ID == self.ID || x.Call != pl.req.Op {
			continue
		}
		if x.Subject != pl.subject {
			other = true
			continue
		}
		if x.State != ledger.StateFailed {
			return ""
		}
	}
	if other {
		return "this fleet sent the external_id for another order"
	}
	return "this fleet has no record of sending it"
}

// lookUp finds the order by external id, retrying a failed look-up.
func (c *Client) lookUp(ctx context.Context, pl placement, rec *money.Record, opts []option.CallOption) (*Order, error) {
	wait := lookupBackoff
	var lerr error
	for try := 1; ; try++ {
		lopts, done := rec.Lookup(opListOrders, opts)
		found, err := c.FindOrderByExternalID(ctx, pl.externalID, lopts...)
		done(err)
		if err == nil {
			return found, nil
		}
		lerr = err
		if try >= lookupTries || ctx.Err() != nil {
			return nil, lerr
		}
		if err := c.t.Sleep(ctx, wait); err != nil {
			return nil, lerr
		}
		wait *= 2
	}
}

func orderOutcome(s ledger.State, o *Order) ledger.Outcome {
	return ledger.Outcome{State: s, ProviderIDs: []string{o.ID}, Amount: decimal.NewNullDecimal(o.TotalAmount), Currency: o.Currency}
}

// conflict is the ErrConflict of a duplicate answer that is not this
// fleet's order.
func conflict(err error, externalID, why string) error {
	var e *apierror.Error
	if !errors.As(err, &e) {
		return err
	}
	out := *e
	// A look-up after a lost attempt can find the id's order for another
	// SKU: the last answer's class (unavailable, server error) would read
	// as "try again", which finds the same order forever.
	out.Kind = apierror.ErrConflict
	out.Reference = externalID
	out.Message = apierror.CapMessage(joinMessage(e.Message, "external_id already used: "+why))
	return &out
}

// unsettled is the error of an order call whose order may exist (an
// ambiguous attempt) or does (a duplicate answer to an id this fleet
// sent) but could not be read. Calling again with the same external_id is
// safe: the provider refuses a second order, and the re-call looks again.
// It is never ErrConflict: the id is this order's.
func unsettled(err error, externalID string, started time.Time, ambiguous, duplicate bool, why string) error {
	var e *apierror.Error
	if !errors.As(err, &e) {
		return err
	}
	out := *e
	out.Reference = externalID
	out.Started = started
	out.Ambiguous = true
	out.MayHaveActed = true
	out.SafeToRetry = true
	note := "an attempt may have created the order and " + why
	if duplicate {
		if errors.Is(out.Kind, apierror.ErrConflict) {
			// The 409 names our own order: not a conflict, an order
			// that could not be read.
			out.Kind = apierror.ErrUnavailable
		}
		note = "the provider already has an order with this external_id, sent by this fleet, and " + why
	}
	out.Message = apierror.CapMessage(joinMessage(e.Message, note+"; calling again with the same external_id is safe"))
	return &out
}

// lookupKind names a look-up failure's class for a message.
func lookupKind(err error) string {
	var e *apierror.Error
	if errors.As(err, &e) && e.Kind != nil {
		return e.Kind.Error()
	}
	return "request failed"
}

func joinMessage(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

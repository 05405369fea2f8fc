package smsnumbers

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/ledger"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/reconcile"
)

// ReconcileParams is what Reconcile checks: the window, the grace left to
// calls in flight, the delivery deadline (see reconcile.Params).
type ReconcileParams = reconcile.Params

// maxOpenEntries bounds the open calls one run settles; the rest are
// reported as unknown and settled by the next run.
const maxOpenEntries = 1000

// Reconcile closes the books of this account over p's window (by default
// the last day): it reads the ledger's entries of every buy (activation,
// hosting, re-buy) and withdrawal, the orders history (GET
// /v1/user/orders, both categories) and the vendor payments (GET
// /v1/vendor/payments), and reports every anomaly (see package reconcile):
//
//   - an order no ledger entry holds (no call of the fleet named it in its
//     answer or claimed it when settling) and no open call may have made:
//     UnaccountedCharge; a canceled, timed-out or banned order was
//     refunded and is not counted;
//   - an order the fleet holds that was finished, or refunded, is recorded
//     so in its ledger entry (StateDelivered, StateRefunded), so the ledger
//     says what became of every buy;
//   - an order the fleet holds that is still PENDING or RECEIVED past its
//     expiry (neither finished nor refunded): NotDelivered;
//   - an order whose price differs from the ledger's amount:
//     AmountMismatch;
//   - a buy or withdrawal whose outcome is still unknown: the history
//     settles it when it proves the outcome, the calls in flight long
//     over: the order no other open call could have made, claimed for it
//     (recovered); no order at all in its window (failed: it bought
//     nothing); n open calls sharing exactly n orders (each paid for one;
//     paired in order, since which made which cannot be known and does
//     not change the books); calls whose every candidate order was
//     refunded since (refunded: no money moved in the end, whichever they
//     made). Lost withdrawals that pay the same amount the same way to
//     the same receiver, whose requests can no longer be handled, settle
//     as a group: when their windows hold k payments no other call can
//     have made and k is at most their number, k of them made one each
//     (recovered, each claiming one) and the rest nothing (failed), their
//     entries' Meta["proof"] saying it was a group's; more payments than
//     calls are reported unaccounted and the calls stay unknown.
//     Otherwise OutcomeUnknown, naming how many orders could be its;
//   - a payout (withdraw) no ledger entry holds: UnaccountedCharge. A
//     withdrawal's answer names no payment, so done withdrawals take part
//     in the same proof (each made exactly one), and the payment found is
//     bound to its entry (its ProviderIDs, and a claim).
//
// The history has no caller reference, so this holds only when every
// buyer on the account goes through simkit with one Store. It only reads,
// paced by the client's limiter, a page at a time. It takes the
// smsnumbers reconciliation lock in the Store for its run (another run
// gets reconcile.ErrBusy) and reports the anomaly counts to the observer.
func (c *Client) Reconcile(ctx context.Context, p ReconcileParams, opts ...option.CallOption) (*reconcile.Report, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	l := c.Ledger()
	return c.reconcileRunner().Run(ctx, p, func(ctx context.Context, p reconcile.Params, rep *reconcile.Report) error {
		r := &smsBooks{c: c, l: l, p: p, rep: rep, now: c.t.Now(), opts: opts,
			candidates: map[string][]string{}, refunded: map[string]bool{}, must: map[string]bool{},
			skew: c.settleSkew, late: 2*c.t.Timeout() + c.settleSkew}
		if err := r.entries(ctx); err != nil {
			return err
		}
		for _, cat := range []Category{CategoryActivation, CategoryHosting} {
			if err := r.orders(ctx, cat); err != nil {
				return err
			}
		}
		if err := r.payouts(ctx); err != nil {
			return err
		}
		return r.settle(ctx)
	})
}

// smsBooks is one reconciliation run.
type smsBooks struct {
	c    *Client
	l    *ledger.Ledger
	p    reconcile.Params
	rep  *reconcile.Report
	now  time.Time
	opts []option.CallOption

	// openBuys and openPayouts are the calls whose outcome is open;
	// candidates maps each one's entry id to the unheld orders (or
	// payments) its window covers; pending holds, per kind and id, the
	// finding such an order or payment is if no open call made it.
	openBuys, openPayouts []ledger.Entry
	candidates            map[string][]string
	pending               map[string]map[string]reconcile.Finding
	// refunded are the candidate orders the provider refunded since.
	refunded map[string]bool
	// must marks the done withdrawals whose answer named no payment: each
	// made exactly one.
	must map[string]bool
	// near holds the ledger entries that began around the order being
	// checked (see holder); nearFrom and nearTo bound the orders' times
	// it serves.
	near             []ledger.Entry
	nearFrom, nearTo time.Time
	// skew widens a call's attempts' window when matching orders to it,
	// as settling a lost buy does (Options.SettleSkew); late is how long
	// after its window a request it sent may still have been handled.
	skew, late time.Duration
	// capped is set when some open calls were left out of this run: a
	// group may then not hold every call that could have made its
	// payments, so none is settled as a group.
	capped bool
}

// holdSpan is how long before an order's creation the call that made it
// may have begun (a buy's attempt, its settling wait and skews are far
// shorter); holdChunk is how much of the history one read of the ledger
// serves, so memory holds the entries of holdSpan+holdChunk of time.
const (
	holdSpan  = 10 * time.Minute
	holdChunk = 15 * time.Minute
)

// holder returns the ledger entry that holds a provider's order or payment
// made at at: the one claimed for it (a settled call), or the call that
// began around at and names it among its ids (a call whose answer named
// it). Entries are read a time chunk at a time, never the whole ledger.
func (r *smsBooks) holder(ctx context.Context, kind, id string, at time.Time) (*ledger.Entry, error) {
	entryID, ok, err := r.l.Claimant(ctx, kind, id)
	if err != nil {
		return nil, err
	}
	if ok {
		e, found, err := r.l.Get(ctx, entryID)
		if err != nil || found {
			return e, err
		}
	}
	if err := r.nearby(ctx, at); err != nil {
		return nil, err
	}
	for i := range r.near {
		if r.near[i].Holds(id) {
			return &r.near[i], nil
		}
	}
	return nil, nil
}

// nearby loads the entries that began from holdSpan before the chunk of
// history holding at to just after it, unless they are loaded.
func (r *smsBooks) nearby(ctx context.Context, at time.Time) error {
	if r.near != nil && !at.Before(r.nearFrom) && !at.After(r.nearTo) {
		return nil
	}
	r.nearFrom, r.nearTo = at.Add(-holdChunk), at
	r.near = r.near[:0]
	for e, err := range r.l.Entries(ctx, r.nearFrom.Add(-holdSpan), r.nearTo.Add(r.skew)) {
		if err != nil {
			return err
		}
		if buyCall(e.Call) || e.Call == opWithdraw {
			r.near = append(r.near, e)
		}
	}
	if r.near == nil {
		r.near = []ledger.Entry{}
	}
	return nil
}

func buyCall(call string) bool {
	return call == opBuyActivation || call == opBuyHosting || call == opReuse
}

func (r *smsBooks) entries(ctx context.Context) error {
	// Calls that began shortly before the window may have made what the
	// window's history holds: they take part in the matching too.
	for e, err := range r.l.Entries(ctx, r.p.From.Add(-holdSpan), r.p.To) {
		if err != nil {
			return err
		}
		if !buyCall(e.Call) && e.Call != opWithdraw {
			continue
		}
		inWindow := !e.Started.Before(r.p.From)
		if inWindow {
			r.rep.Entries++
		}
		unbound := e.Call == opWithdraw && e.State == ledger.StateDone && len(e.ProviderIDs) == 0
		if !unbound && !(inWindow && reconcile.Open(e, r.now, r.p.Grace)) {
			continue
		}
		if len(r.openBuys)+len(r.openPayouts) >= maxOpenEntries {
			r.capped = true
			if !unbound {
				r.unknown(e, "not settled this run (too many open calls); the next run takes it")
			}
			continue
		}
		switch {
		case unbound:
			// A withdrawal whose answer named no payment: it made exactly
			// one, which the matching finds.
			r.must[e.ID] = true
			r.openPayouts = append(r.openPayouts, e)
		case e.Call == opWithdraw:
			r.openPayouts = append(r.openPayouts, e)
		default:
			r.openBuys = append(r.openBuys, e)
		}
	}
	return nil
}

func (r *smsBooks) unknown(e ledger.Entry, why string) {
	f := reconcile.FromEntry(reconcile.OutcomeUnknown, e)
	f.Detail = "outcome unknown; " + why
	f.Action = "compare the account's orders (or vendor payments) in the call's window with what your customers hold; never repeat the call to find out"
	r.rep.Add(f, r.now)
}

// mayHaveMade reports whether the call e records may have made something
// the provider created at t: from its first attempt (less the skew) to
// when a request it sent may still have been handled, which is after the
// call gave up on it (an answer slower than the timeout is handled late).
func (r *smsBooks) mayHaveMade(e ledger.Entry, t time.Time) bool {
	start := e.WindowStart
	if start.IsZero() {
		start = e.Started
	}
	end := e.WindowEnd
	if end.IsZero() {
		end = r.now
	}
	return !t.Before(start.Add(-r.skew)) && !t.After(end.Add(r.late))
}

// cover records that the open calls among entries whose window covers
// f.At may have made f's order or payment (of kind); it reports whether
// any may have. f is what to report if none turns out to have made it.
func (r *smsBooks) cover(entries []ledger.Entry, kind string, f reconcile.Finding, match func(ledger.Entry) bool) bool {
	any := false
	for _, e := range entries {
		if r.mayHaveMade(e, f.At) && match(e) {
			r.candidates[e.ID] = append(r.candidates[e.ID], f.ProviderID)
			any = true
		}
	}
	if any {
		if r.pending == nil {
			r.pending = map[string]map[string]reconcile.Finding{}
		}
		if r.pending[kind] == nil {
			r.pending[kind] = map[string]reconcile.Finding{}
		}
		r.pending[kind][f.ProviderID] = f
	}
	return any
}

// orders walks one category of the orders history, newest first, down to
// the window's start.
func (r *smsBooks) orders(ctx context.Context, cat Category) error {
	since := r.p.From.Add(-r.skew)
	for o, err := range r.c.AllOrders(ctx, ListOrdersParams{Category: cat, Limit: settlePageSize, Order: "id", Reverse: true}, r.opts...) {
		if err != nil {
			return err
		}
		if o.CreatedAt.Before(since) {
			return nil
		}
		if !o.CreatedAt.Before(r.p.To) {
			continue
		}
		r.rep.Records++
		if r.now.Sub(o.CreatedAt) < r.p.Grace {
			continue
		}
		if err := r.order(ctx, cat, o); err != nil {
			return err
		}
	}
	return nil
}

func (r *smsBooks) order(ctx context.Context, cat Category, o Order) error {
	id := strconv.FormatInt(o.ID, 10)
	base := reconcile.Finding{Call: opListOrders, ProviderID: id, Status: string(o.Status),
		Amount: decimal.NewNullDecimal(o.Price), At: o.CreatedAt}
	e, err := r.holder(ctx, "order", id, o.CreatedAt)
	if err != nil {
		return err
	}
	if refunded(o.Status) && e != nil {
		// No money moved in the end: only the ledger may need to learn it.
		return r.close(ctx, e, ledger.StateRefunded)
	}
	if e == nil {
		subject := string(cat) + "/" + strings.ToLower(o.Product)
		f := base
		f.Kind = reconcile.UnaccountedCharge
		f.Detail = fmt.Sprintf("a %s order (%s) no call of the fleet holds: bought outside the fleet, or its entry was lost", cat, o.Product)
		if r.cover(r.openBuys, "order", f, func(e ledger.Entry) bool {
			return (e.Subject == "" || e.Subject == subject) && couldMake(r.l, &e, &o)
		}) {
			if refunded(o.Status) {
				r.refunded[id] = true
			}
			return nil // an open call may have made it: settled with those calls
		}
		if !refunded(o.Status) {
			r.rep.Add(f, r.now)
		}
		return nil
	}
	base.Entry, base.Reference, base.Call, base.Expected = e.ID, e.Reference, e.Call, e.Amount
	if (o.Status == StatusPending || o.Status == StatusReceived) && !o.Expires.IsZero() && r.now.Sub(o.Expires) > r.p.Grace {
		f := base
		f.Kind = reconcile.NotDelivered
		f.Detail = fmt.Sprintf("order still %s past its expiry: neither finished nor refunded", o.Status)
		f.Action = "finish it if the code was used, or cancel it for a refund; ask the provider's support if neither is accepted"
		r.rep.Add(f, r.now)
	}
	if e.Amount.Valid && !e.Amount.Decimal.Equal(o.Price) {
		f := base
		f.Kind = reconcile.AmountMismatch
		f.Detail = "the order's price differs from the amount the ledger recorded"
		r.rep.Add(f, r.now)
	}
	if o.Status == StatusFinished {
		return r.close(ctx, e, ledger.StateDelivered)
	}
	return nil
}

// close records in the ledger what the history says became of an order
// the fleet holds: delivered (finished) or refunded (canceled, timed out,
// banned). Refunded and Delivered are written by whoever learns them; an
// entry already final in that way is left alone.
func (r *smsBooks) close(ctx context.Context, e *ledger.Entry, state ledger.State) error {
	if r.p.NoSettle || e.State == state || !reconcile.Held(*e) {
		return nil
	}
	return r.l.Finish(ctx, e, ledger.Outcome{State: state, Meta: map[string]string{"closed_by": "reconcile"}})
}

// payouts walks the vendor payments and checks every withdrawal.
func (r *smsBooks) payouts(ctx context.Context) error {
	for pay, err := range r.c.AllVendorPayments(ctx, ListVendorPaymentsParams{Limit: settlePageSize, Order: "id", Reverse: true}, r.opts...) {
		if err != nil {
			if len(r.openPayouts) == 0 && (errors.Is(err, apierror.ErrUnauthorized) || errors.Is(err, apierror.ErrNotFound)) {
				r.rep.Note("vendor payments not readable (not a vendor account?): payouts not checked")
				return nil
			}
			return err
		}
		if pay.CreatedAt.Before(r.p.From.Add(-r.skew)) {
			return nil
		}
		if !pay.CreatedAt.Before(r.p.To) || pay.TypeName != "withdraw" {
			continue
		}
		r.rep.Records++
		if r.now.Sub(pay.CreatedAt) < r.p.Grace {
			continue
		}
		id := strconv.FormatInt(pay.ID, 10)
		paid := pay.Amount.Abs()
		e, err := r.holder(ctx, "payment", id, pay.CreatedAt)
		if err != nil {
			return err
		}
		// A withdrawal's answer names no payment: done withdrawals take
		// part in the matching with the lost ones (see settle), and the
		// payment found is bound to its call, so the next run finds it held.
		match := func(e ledger.Entry) bool {
			return (!e.Amount.Valid || e.Amount.Decimal.Equal(paid)) && (e.Meta["fee"] == "" || e.Meta["fee"] == pay.ProviderName) &&
				(!r.must[e.ID] || e.Covers(pay.CreatedAt, r.skew, r.now))
		}
		f := reconcile.Finding{Kind: reconcile.UnaccountedCharge, Call: opListVendorPayments, ProviderID: id,
			Amount: decimal.NewNullDecimal(paid), At: pay.CreatedAt,
			Detail: "a payout no withdrawal of the fleet holds: made outside the fleet, or its entry was lost"}
		if e != nil || r.cover(r.openPayouts, "payment", f, match) {
			continue
		}
		r.rep.Add(f, r.now)
	}
	return nil
}

// settle writes what the histories proved about the open calls (see
// prove): the order (or payment) a call made, claimed for it (recovered);
// nothing made (failed). Anything else stays unknown, and an order no
// open call can have made after all is reported as unaccounted.
func (r *smsBooks) settle(ctx context.Context) error {
	for _, group := range []struct {
		entries []ledger.Entry
		kind    string
	}{{r.openBuys, "order"}, {r.openPayouts, "payment"}} {
		if len(group.entries) == 0 {
			continue
		}
		ids := make([]string, len(group.entries))
		byID := map[string]*ledger.Entry{}
		for i := range group.entries {
			ids[i] = group.entries[i].ID
			byID[ids[i]] = &group.entries[i]
		}
		if r.p.NoSettle {
			for _, e := range group.entries {
				if !r.must[e.ID] {
					r.unknown(e, fmt.Sprintf("%d unheld %ss in its window (run without NoSettle to settle what the history proves)", len(r.candidates[e.ID]), group.kind))
				}
			}
			continue
		}
		pr := prove(ids, r.candidates, r.must)
		explained := map[string]bool{}
		excess := map[string]bool{}
		if group.kind == "payment" && !r.capped {
			excess = r.groups(&pr, byID)
		}
		for _, id := range pr.unknown {
			if r.must[id] {
				// Done: it made one of its candidates; which is not known.
				for _, o := range r.candidates[id] {
					explained[o] = true
				}
				continue
			}
			allRefunded := true
			for _, o := range r.candidates[id] {
				explained[o] = true
				allRefunded = allRefunded && group.kind == "order" && r.refunded[o]
			}
			if allRefunded {
				// Whichever of them it made, if any, came back: no money
				// moved in the end.
				if err := r.finish(ctx, byID[id], ledger.Outcome{State: ledger.StateRefunded}); err != nil {
					return err
				}
				continue
			}
			r.unknown(*byID[id], fmt.Sprintf("%d unheld %ss in its window, shared with other open calls", len(r.candidates[id]), group.kind))
		}
		for _, id := range pr.none {
			out := ledger.Outcome{State: ledger.StateFailed}
			if pr.grouped[id] {
				out.Meta = map[string]string{"proof": groupProof}
			}
			if err := r.finish(ctx, byID[id], out); err != nil {
				return err
			}
		}
		for _, id := range sortedKeys(pr.made) {
			o := pr.made[id]
			explained[o] = true
			e := byID[id]
			ok, err := r.l.Claim(ctx, group.kind, o, e.ID)
			if err != nil {
				return err
			}
			if !ok {
				if !r.must[id] {
					r.unknown(*e, "the "+group.kind+" it made was claimed meanwhile")
				}
				continue
			}
			state := ledger.StateRecovered
			if group.kind == "order" && r.refunded[o] {
				state = ledger.StateRefunded
			}
			if r.must[id] {
				// A done withdrawal: bind its payment, keep its state.
				if err := r.l.Finish(ctx, e, ledger.Outcome{State: e.State, ProviderIDs: []string{o}}); err != nil {
					return err
				}
				continue
			}
			out := ledger.Outcome{State: state, ProviderIDs: []string{o}, Amount: r.pending[group.kind][o].Amount}
			if pr.grouped[id] {
				// Which call of the group made which order is not known;
				// that each made one is. Say so to whoever reads the entry.
				out.Meta = map[string]string{"proof": "group: one of its group's orders, paired in order"}
				if group.kind == "payment" {
					out.Meta["proof"] = groupProof
				}
			}
			if err := r.finish(ctx, e, out); err != nil {
				return err
			}
		}
		for _, o := range sortedKeys(r.pending[group.kind]) {
			f := r.pending[group.kind][o]
			if excess[o] {
				f.Detail = "one of more payouts than the lost withdrawals whose window holds them: at least the extra ones were made outside the fleet, and which cannot be known"
				r.rep.Add(f, r.now)
				continue
			}
			if !explained[o] && !(group.kind == "order" && r.refunded[o]) {
				r.rep.Add(f, r.now)
			}
		}
	}
	return nil
}

func (r *smsBooks) finish(ctx context.Context, e *ledger.Entry, out ledger.Outcome) error {
	if out.Meta == nil {
		out.Meta = map[string]string{}
	}
	out.Meta["settled_by"] = "reconcile"
	if err := r.l.Finish(ctx, e, out); err != nil {
		return err
	}
	r.rep.Settled++
	return nil
}

// groupProof is the proof a withdrawal settled as one of a group records.
const groupProof = "group: its group of lost withdrawals to one receiver made as many payouts as the history holds in their windows; which call made which cannot be known"

// groups settles the withdrawals prove left unknown that are
// interchangeable for the books (see groupSettle): it moves them from
// pr.unknown to pr.made or pr.none, marked grouped, and returns the
// payments of groups holding more payments than calls.
func (r *smsBooks) groups(pr *proof, byID map[string]*ledger.Entry) map[string]bool {
	key := map[string]string{}
	for _, id := range pr.unknown {
		e := byID[id]
		switch {
		case r.must[id]:
			key[id] = mustKey
		case e.State == ledger.StateUnknown && !e.WindowEnd.IsZero() && r.now.After(e.WindowEnd.Add(r.late)) &&
			e.Meta["receiver"] != "" && e.Amount.Valid:
			// Nothing it sent can still be handled, and it pays the same
			// amount the same way to the same receiver as its group.
			key[id] = e.Amount.Decimal.String() + "\x00" + e.Meta["method"] + "\x00" + e.Meta["fee"] + "\x00" + e.Meta["receiver"]
		}
	}
	g := groupSettle(pr.unknown, pr.left, key)
	for id, o := range g.made {
		pr.made[id] = o
		pr.grouped[id] = true
	}
	for _, id := range g.none {
		pr.none = append(pr.none, id)
		pr.grouped[id] = true
	}
	pr.unknown = g.still
	excess := map[string]bool{}
	for _, o := range g.excess {
		excess[o] = true
	}
	return excess
}

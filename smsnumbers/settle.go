package smsnumbers

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/money"
	"github.com/simkit/simkit/internal/transport"
	"github.com/simkit/simkit/ledger"
	"github.com/simkit/simkit/option"
)

const (
	// settlePageSize is the page size of a settling look-up: one request
	// covers every order a busy account places in the look-up window.
	settlePageSize = 50
	// settleMaxScan bounds how many history entries one look-up reads.
	settleMaxScan = 200
	// settleTimeout bounds a look-up made after the caller's context ended:
	// the money may be spent, so the SDK still tries to say so.
	settleTimeout = 15 * time.Second
)

// purchase is one buy: what to send, and what its order looks like in the
// orders history, so a lost answer can be found again.
type purchase struct {
	route, path string
	query       url.Values
	// reference identifies the attempt in an ErrOutcomeUnknown (customer
	// data masked).
	reference string
	category  Category
	// country and operator may be Any (or empty), which matches any value.
	country, operator, product string
	// number, for a re-buy, is the phone number without the +.
	number string
}

// matches reports whether history entry o may be this purchase's order. A
// field the history leaves out (hosting orders carry no country or
// operator) does not rule an entry out.
func (p purchase) matches(o *Order) bool {
	if !strings.EqualFold(o.Product, p.product) {
		return false
	}
	if p.number != "" {
		return strings.TrimPrefix(o.Phone, "+") == p.number
	}
	return wildcard(p.country, o.Country) && wildcard(p.operator, o.Operator)
}

func wildcard(want, got string) bool {
	return want == "" || strings.EqualFold(want, Any) || got == "" || strings.EqualFold(want, got)
}

// buy sends a purchase at most once and settles an ambiguous outcome (see
// BuyActivation). It is the one path every buy takes, so a new kind of
// purchase (or a new buy parameter, such as a price limit) gets the same
// guarantee by describing itself as a purchase: route, path, query, and
// what its order looks like in the history.
//
// Before it sends, the buy records itself in the ledger, so that every
// other call settling a lost answer on the same product sees it in flight
// and waits for its order instead of taking it. When the ledger cannot be
// written, nothing is sent: a buy the fleet cannot see could have its
// order handed to another caller.
func (c *Client) buy(ctx context.Context, p purchase, opts []option.CallOption) (*Order, error) {
	rec, opts := money.NewRecord(opts)
	e, err := money.Begin(ctx, c.ledger, p.intent(c.ledger))
	if err != nil {
		rec.Done(false)
		return nil, ledgerRefused(p.route, err)
	}
	req := c.userRequest(p.route, p.path, p.query)
	req.Idempotency = transport.NotIdempotent
	o, err := call[Order](ctx, c, req, opts)
	if err == nil && o.ID > 0 {
		money.Finish(ctx, c.ledger, c.t.Logger(), e, ledger.Outcome{
			State: ledger.StateDone, ProviderIDs: []string{strconv.FormatInt(o.ID, 10)}, Amount: nullPrice(o.Price)})
		rec.Done(false)
		return o, nil
	}
	if err == nil {
		// A 2xx JSON answer that is not an order ({}, a proxy's
		// {"success":false}): the number may be bought, but which one is
		// only known from the history.
		err = &apierror.Error{Provider: Provider, Op: p.route, Message: "buy answer names no order", Kind: apierror.ErrBadResponse, Ambiguous: true}
	}
	if !transport.Ambiguous(err) {
		money.Finish(ctx, c.ledger, c.t.Logger(), e, ledger.Outcome{State: ledger.StateFailed})
		rec.Done(false)
		return nil, money.Mark(err, false, true)
	}
	o, err = c.settleBuy(ctx, p, e, err, rec)
	rec.Done(err == nil)
	return o, err
}

// ledgerRefused is the error of a money call that sent nothing because the
// ledger could not record it.
func ledgerRefused(route string, err error) error {
	return &apierror.Error{
		Provider: Provider, Op: route, Kind: apierror.ErrUnavailable, Err: err, SafeToRetry: true,
		Message: "the ledger could not record the call in the Store, so nothing was sent",
	}
}

// settleBuy finds the order of a purchase whose answer was lost (see
// settle).
func (c *Client) settleBuy(ctx context.Context, p purchase, e *ledger.Entry, cause error, rec *money.Record) (*Order, error) {
	ctx, cancel := settleContext(ctx)
	defer cancel()
	if err := money.Lost(ctx, c.ledger, e, c.t.Now()); err != nil {
		return nil, c.unknown(ctx, e, p.route, p.reference, cause, "the ledger could not record the lost answer", err)
	}
	if !c.ledger.CanList() {
		return nil, c.unknown(ctx, e, p.route, p.reference, cause, "the Store cannot list the fleet's calls (store.Indexer), so no order can be proven this call's", nil)
	}
	from := e.WindowStart.Add(-c.settleSkew)
	params := ListOrdersParams{Category: p.category, Limit: settlePageSize, Order: "id", Reverse: true}
	read := func() ([]candidate, error) {
		lopts, done := rec.Lookup(opListOrders, nil)
		var cands []candidate
		scanned := 0
		for o, err := range c.AllOrders(ctx, params, lopts...) {
			if err != nil {
				done(err)
				return nil, err
			}
			if o.CreatedAt.Before(from) || scanned >= settleMaxScan {
				break
			}
			scanned++
			if !p.matches(&o) {
				continue
			}
			o := o
			cands = append(cands, candidate{
				id: strconv.FormatInt(o.ID, 10), created: o.CreatedAt, order: &o,
				fits: func(x *ledger.Entry) bool { return couldMake(c.ledger, x, &o) },
			})
		}
		done(nil)
		return cands, nil
	}
	got, why, err := c.settle(ctx, e, "order", read)
	if err != nil || got == nil {
		return nil, c.unknown(ctx, e, p.route, p.reference, cause, why, err)
	}
	got.order.Recovered = true
	money.Finish(ctx, c.ledger, c.t.Logger(), e, ledger.Outcome{
		State: ledger.StateRecovered, ProviderIDs: []string{got.id}, Amount: nullPrice(got.order.Price),
		Meta: map[string]string{"proof": got.proof}})
	c.t.Logger().InfoContext(ctx, "simkit: lost answer settled from the history", "route", p.route)
	return got.order, nil
}

// candidate is a history entry (an order, a payment) that may be the
// result of a money call whose answer was lost.
type candidate struct {
	// proof is how settle proved it the call's (see verdict.proof).
	proof   string
	id      string
	created time.Time
	// fits reports whether the call an entry records could have made it.
	fits    func(e *ledger.Entry) bool
	order   *Order
	payment *Payment
}

// settle finds the history entry (order or payment) that the lost call e
// accounts for, or says why none can be proven. It reads the history
// (read) and then the ledger, in that order: every call that made an
// entry the history shows recorded itself before it sent, so the ledger
// read after shows it. Given that every money call on the account goes
// through simkit with this Store:
//
//   - an entry created outside a call's attempts' window (widened by the
//     settle skew, for the provider's clock) is not that call's;
//   - an entry that a call's answer named (or a settled call took) is
//     held: no other call takes it;
//   - while a call that could have made an unheld entry still waits for
//     its answer, e waits for it (bounded by the settle wait), since that
//     answer may name it;
//   - an entry that another call whose answer was lost could also have
//     made (one settling, one whose outcome stayed unknown, a payout whose
//     answer named no payment) cannot be told apart: e does not take it,
//     since it could be that call's while e made nothing;
//   - every entry was made by a fleet call and e makes at most one, so the
//     one entry left that only e could have made is e's; none, or two or
//     more (an entry no call accounts for), is ErrOutcomeUnknown, which
//     names e's window.
//
// The entry taken is claimed in the ledger, so no other call ever takes it
// too, whatever it read.
func (c *Client) settle(ctx context.Context, e *ledger.Entry, kind string, read func() ([]candidate, error)) (*candidate, string, error) {
	deadline := c.t.Now().Add(c.settleWait)
	maxPolls := int(c.settleWait/settlePollEvery) + 1
	wait := settlePollEvery
	var lastRivals string
	for poll := 0; ; poll++ {
		cands, err := read()
		if err != nil {
			return nil, "the history could not be read", err
		}
		entries, err := c.fleet(ctx, e)
		if err != nil {
			return nil, "the ledger could not be read", err
		}
		v := c.verdict(e, cands, entries)
		again := v.pending > 0 || (v.take == nil && v.rivals != "" && v.rivals != lastRivals)
		lastRivals = v.rivals
		if !again {
			if v.take == nil {
				return nil, v.why, nil
			}
			ok, err := c.ledger.Claim(ctx, kind, v.take.id, e.ID)
			if err != nil {
				return nil, "the " + kind + " could not be claimed in the ledger", err
			}
			if !ok {
				return nil, "the " + kind + " matched to this call is claimed by another call", nil
			}
			v.take.proof = v.proof
			return v.take, "", nil
		}
		if poll >= maxPolls || !c.t.Now().Before(deadline) {
			if v.pending > 0 {
				return nil, fmt.Sprintf("%d other call(s) that could have made a matching %s did not record their outcome within %s", v.pending, kind, c.settleWait), nil
			}
			return nil, v.why, nil
		}
		if err := c.t.Sleep(ctx, wait); err != nil {
			return nil, "the wait for other calls in flight ended", err
		}
		if wait < time.Second {
			wait *= 2
		}
	}
}

// lostCall is a call that could have made an entry without its answer
// naming it, with the end of the window in which it could have.
type lostCall struct {
	entry *ledger.Entry
	end   time.Time
}

type verdict struct {
	take *candidate
	// proof names the set that proved take e's: "alone", or "ring" or
	// "group" with the number of lost calls in it.
	proof string
	// pending counts the calls waiting for an answer that could name one
	// of the group's entries.
	pending int
	// rivals lists the other lost calls in e's group, so a changed group
	// is read again.
	rivals string
	why    string
}

// verdict applies the proof in settle to the history and the fleet's
// entries as read now.
func (c *Client) verdict(e *ledger.Entry, cands []candidate, entries []ledger.Entry) verdict {
	now := c.t.Now()
	skew := c.settleSkew
	stale := 2*c.t.Timeout() + c.settleWait

	// The unheld entries.
	var free []candidate
	for _, x := range cands {
		held := false
		for j := range entries {
			if entries[j].ID != e.ID && entries[j].Holds(x.id) {
				held = true
				break
			}
		}
		if !held {
			free = append(free, x)
		}
	}
	// The calls whose answer was lost (e first), each with the end of the
	// window in which it could have made an entry; and those still waiting
	// for an answer.
	calls := []lostCall{{e, e.WindowEnd}}
	var waiting []lostCall
	for j := range entries {
		o := &entries[j]
		if o.ID == e.ID {
			continue
		}
		switch {
		case o.State == ledger.StateUnknown:
			calls = append(calls, lostCall{o, o.WindowEnd})
		case o.State == ledger.StateDone && len(o.ProviderIDs) == 0:
			// Its answer said it was done without naming what it made (a
			// payout's answer carries no payment id): it made exactly one
			// entry within its window, which one is not known, so it takes
			// part in the matching like a lost call.
			calls = append(calls, lostCall{o, o.WindowEnd})
		case o.State != ledger.StateInFlight:
			// Done, recovered, failed: it made what it holds, or nothing.
		case o.Ambiguous:
			calls = append(calls, lostCall{o, o.WindowEnd})
		case now.Sub(o.Started) > stale:
			// Its outcome never reached the ledger (its process died, or
			// the Store failed it): it may hold an entry, and never say.
			calls = append(calls, lostCall{o, o.Started.Add(stale)})
		default:
			waiting = append(waiting, lostCall{o, now})
		}
	}
	could := func(l lostCall, x *candidate) bool {
		return l.entry.Covers(x.created, skew, l.end) && (l.entry == e || x.fits(l.entry))
	}
	// creators[k] lists the lost calls that could have made free[k].
	creators := make([][]int, len(free))
	for k := range free {
		for i := range calls {
			if could(calls[i], &free[k]) {
				creators[k] = append(creators[k], i)
			}
		}
	}
	var mine []int
	rivalSet := map[string]bool{}
	for k := range free {
		if !could(calls[0], &free[k]) {
			continue
		}
		mine = append(mine, k)
		for _, i := range creators[k] {
			if i > 0 {
				rivalSet[calls[i].entry.ID] = true
			}
		}
	}
	if len(mine) == 0 {
		return verdict{why: "no matching entry that no other call holds was created within this call's attempts"}
	}
	rivals := make([]string, 0, len(rivalSet))
	for id := range rivalSet {
		rivals = append(rivals, id)
	}
	sort.Strings(rivals)
	v := verdict{rivals: strings.Join(rivals, ",")}
	// A call still waiting for its answer that could have made one of e's
	// candidates may be about to hold it: wait for it.
	for _, w := range waiting {
		for _, k := range mine {
			if could(w, &free[k]) {
				v.pending++
				break
			}
		}
	}
	if v.pending > 0 {
		return v
	}
	// The candidates only e could have made. Each was made by some fleet
	// call, and e makes at most one: exactly one is e's; two or more mean
	// an entry no call accounts for. (A candidate another lost call could
	// also have made cannot be told apart: taking it could hand e an entry
	// it did not make, and leave its own to nobody.)
	var only []int
	for _, k := range mine {
		if len(creators[k]) == 1 {
			only = append(only, k)
		}
	}
	switch len(only) {
	case 1:
		x := free[only[0]]
		v.take = &x
		v.proof = "alone"
		return v
	case 0:
		v.why = fmt.Sprintf("the %d matching entr%s no call holds could also have been made by %d other call(s) whose answers were lost",
			len(mine), plural(len(mine)), len(rivals))
		return v
	}
	v.why = fmt.Sprintf("%d matching entries no call holds could only have been made by this call: bought outside simkit or outside this Store?", len(only))
	return v
}

func plural(n int) string {
	if n == 1 {
		return "y"
	}
	return "ies"
}

// fleet returns the ledger's entries that could rival e or hold one of
// its candidates: every call on e's subject that began after the oldest
// start whose window could still reach a candidate (they were all created
// after e's window began, less the skew), up to now, plus every call
// still in flight on it.
func (c *Client) fleet(ctx context.Context, e *ledger.Entry) ([]ledger.Entry, error) {
	lookback := 2*c.t.Timeout() + c.settleWait + 2*c.settleSkew
	from := e.WindowStart.Add(-lookback)
	seen := map[string]bool{}
	var out []ledger.Entry
	for x, err := range c.ledger.Subject(ctx, e.Subject, from, time.Time{}) {
		if err != nil {
			return nil, err
		}
		seen[x.ID] = true
		out = append(out, x)
	}
	inflight, err := c.ledger.InFlight(ctx, e.Subject)
	if err != nil {
		return nil, err
	}
	for _, x := range inflight {
		if !seen[x.ID] {
			out = append(out, x)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Started.Before(out[j].Started) })
	return out, nil
}

// unknown records e's outcome as unknown and returns the caller's
// ErrOutcomeUnknown, which names the call (Reference) and its window
// (Started; the message gives the end) so the order it may have made can
// be found.
func (c *Client) unknown(ctx context.Context, e *ledger.Entry, route, reference string, cause error, why string, lookErr error) error {
	started := c.t.Now()
	if e != nil {
		started = e.Started
		money.Finish(ctx, c.ledger, c.t.Logger(), e, ledger.Outcome{State: ledger.StateUnknown})
	}
	err := outcomeUnknown(route, reference, started, cause, why, lookErr)
	if e != nil {
		err.Message = apierror.CapMessage(err.Message + "; attempts from " + e.WindowStart.UTC().Format(time.RFC3339Nano) + " to " + e.WindowEnd.UTC().Format(time.RFC3339Nano))
	}
	return err
}

// settleContext returns ctx, or a short detached one when ctx already
// ended: a look-up after the caller gave up still tells whether money was
// spent.
func settleContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if ctx.Err() == nil {
		return ctx, func() {}
	}
	return context.WithTimeout(context.WithoutCancel(ctx), settleTimeout)
}

// outcomeUnknown is the error of a money call whose outcome could not be
// settled. It does not wrap cause: the cause's class (ErrUnavailable, a
// deadline) would invite a retry that can pay twice; its message is kept.
func outcomeUnknown(route, reference string, started time.Time, cause error, why string, lookErr error) *apierror.Error {
	e := &apierror.Error{
		Provider: Provider, Op: route, Kind: apierror.ErrOutcomeUnknown, Ambiguous: true,
		Reference: reference, Started: started, MayHaveActed: true,
	}
	msg := "outcome unknown: " + why
	var ce *apierror.Error
	if errors.As(cause, &ce) {
		e.StatusCode, e.RequestID, e.Raw = ce.StatusCode, ce.RequestID, ce.Raw
		if m := causeText(ce); m != "" {
			msg += "; the call failed with: " + m
		}
	}
	if lookErr != nil {
		msg += "; look-up: " + lookErr.Error()
	}
	e.Message = apierror.CapMessage(msg)
	return e
}

// causeText is the message of a failed attempt without its call label
// (already in Op).
func causeText(e *apierror.Error) string {
	m := e.Message
	if m == "" && e.Kind != nil {
		m = strings.TrimPrefix(e.Kind.Error(), "simkit: ")
	}
	if e.Err != nil {
		m += " (" + e.Err.Error() + ")"
	}
	return m
}

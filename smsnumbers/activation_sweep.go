package smsnumbers

import (
	"context"
	"errors"
	"time"

	"github.com/simkit/simkit/apierror"
)

// SweepAction is what Sweep does with an orphaned activation.
type SweepAction string

// Sweep actions.
const (
	// SweepCancel cancels the order (its money comes back); for an order
	// without a new SMS, the default.
	SweepCancel SweepAction = "cancel"
	// SweepFinish finishes the order; for an order with a new SMS, the
	// default (it cannot be canceled any more, and finishing raises the
	// rating while waiting for the provider to do it lowers nothing but
	// holds the number).
	SweepFinish SweepAction = "finish"
	// SweepLeave leaves the order open and lists it in the report.
	SweepLeave SweepAction = "leave"
)

const (
	// sweepWindow is how far back Sweep reads the orders history: no
	// activation stays open longer than its 15-minute lifetime.
	sweepWindow = 30 * time.Minute
	// sweepMaxScan bounds the history entries one sweep reads.
	sweepMaxScan = 500
)

// SweepParams is the policy of a Sweep.
type SweepParams struct {
	// Pending is what to do with an orphan that has no new SMS:
	// SweepCancel (default) or SweepLeave.
	Pending SweepAction
	// Received is what to do with an orphan that has a new SMS:
	// SweepFinish (default) or SweepLeave.
	Received SweepAction
	// Grace is how old an open order of the orders history must be before
	// Sweep takes it when no manager journaled it (bought by a process
	// that died before writing the journal, or by BuyActivation
	// directly); default the manager's lease.
	Grace time.Duration
	// IgnoreUnjournaled leaves alone every order no manager journaled:
	// set it when this account also buys numbers without an Activations
	// manager.
	IgnoreUnjournaled bool
}

// SweepReport says what a Sweep did; each order id appears in one list at
// most.
type SweepReport struct {
	// Checked is how many open activations Sweep looked at.
	Checked int
	// Canceled are the orphans Sweep canceled (refunded).
	Canceled []int64
	// Finished are the orphans with a code that Sweep finished.
	Finished []int64
	// Closed are orders the provider had closed already (timeout, ban,
	// automatic finish); their journal entries are closed now.
	Closed []int64
	// Left are orphans left open by the policy (SweepLeave).
	Left []int64
	// Live counts activations left alone because a live owner holds them
	// (or, unjournaled, they are younger than Grace).
	Live int
	// Claimed counts orphans another replica or owner is closing.
	Claimed int
	// Failed are the orders Sweep could not close, with why.
	Failed []SweepFailure
}

// SweepFailure is an orphan Sweep could not close.
type SweepFailure struct {
	// ID is the order id.
	ID int64
	// Err is why.
	Err error
}

// opSweep labels the errors of Sweep.
const opSweep = "sweep"

// Sweep closes the activations a dead process left open, found in the
// journal and in the orders history (PENDING or RECEIVED orders whose
// owner's lease lapsed, or that no manager journaled): it cancels those
// without a new SMS and finishes those with one, or as p says, and
// reports what it did. Run it at start-up and on a timer. Every close
// takes the order's claim in the Store first, so replicas sweeping at
// once never cancel or finish one order twice. The error is set when the
// orders history could not be read; the report then covers the journal
// only.
func (m *Activations) Sweep(ctx context.Context, p SweepParams) (*SweepReport, error) {
	if err := m.c.ready(); err != nil {
		return nil, err
	}
	if p.Pending == "" {
		p.Pending = SweepCancel
	}
	if p.Received == "" {
		p.Received = SweepFinish
	}
	if p.Pending != SweepCancel && p.Pending != SweepLeave {
		return nil, apierror.Validation(Provider, opSweep, "pending action must be cancel or leave, got %q", p.Pending)
	}
	if p.Received != SweepFinish && p.Received != SweepLeave {
		return nil, apierror.Validation(Provider, opSweep, "received action must be finish or leave, got %q", p.Received)
	}
	if p.Grace <= 0 {
		p.Grace = m.lease
	}
	now := m.c.t.Now()
	rep := &SweepReport{}
	var order []int64
	seen := map[int64]*Order{}
	journaled, err := m.st.index(ctx)
	if err != nil {
		return nil, &apierror.Error{Provider: Provider, Op: opSweep, Message: "could not read the journal", Err: err}
	}
	for _, id := range journaled {
		if _, ok := seen[id]; !ok {
			seen[id] = nil
			order = append(order, id)
		}
	}
	var histErr error
	scanned := 0
	for o, err := range m.c.AllOrders(ctx, ListOrdersParams{Category: CategoryActivation, Limit: settlePageSize, Order: "id", Reverse: true}) {
		if err != nil {
			histErr = err
			break
		}
		if scanned >= sweepMaxScan || (!o.CreatedAt.IsZero() && o.CreatedAt.Before(now.Add(-sweepWindow))) {
			break
		}
		scanned++
		if o.Status != StatusPending && o.Status != StatusReceived {
			if _, ok := seen[o.ID]; ok {
				seen[o.ID] = &o
			}
			continue
		}
		if _, ok := seen[o.ID]; !ok {
			order = append(order, o.ID)
		}
		seen[o.ID] = &o
	}
	for _, id := range order {
		m.sweepOne(ctx, id, seen[id], p, now, rep)
	}
	if histErr != nil {
		return rep, &apierror.Error{Provider: Provider, Op: opSweep, Message: "the orders history could not be read", Err: histErr}
	}
	return rep, nil
}

// sweepOne looks at one candidate: from the journal (o nil when the
// history did not show it) or from the history.
func (m *Activations) sweepOne(ctx context.Context, id int64, o *Order, p SweepParams, now time.Time, rep *SweepReport) {
	e, err := m.st.load(ctx, id)
	if err != nil {
		rep.Failed = append(rep.Failed, SweepFailure{ID: id, Err: err})
		return
	}
	switch {
	case e != nil && !e.State.Open():
		_ = m.st.indexRemove(ctx, id)
		return
	case e != nil && now.Before(e.LeaseUntil):
		rep.Checked++
		rep.Live++
		return
	case e == nil && o == nil:
		_ = m.st.indexRemove(ctx, id) // the journal entry expired
		return
	case e == nil && p.IgnoreUnjournaled:
		return
	case e == nil && o.CreatedAt.After(now.Add(-p.Grace)):
		rep.Checked++
		rep.Live++
		return
	}
	rep.Checked++
	if e == nil {
		e = &JournalEntry{ID: id, Product: o.Product, Price: o.Price, CreatedAt: o.CreatedAt, Expires: o.Expires}
	}
	a := &Activation{m: m, entry: *e, baseline: map[string]bool{}}
	for _, d := range e.Baseline {
		a.baseline[d] = true
	}
	if o == nil || o.Status == StatusPending || o.Status == StatusReceived {
		// A fresh look: the history may be a page old, and a journal-only
		// candidate has not been read at all.
		cur, err := m.c.Check(ctx, id)
		if err != nil {
			rep.Failed = append(rep.Failed, SweepFailure{ID: id, Err: err})
			return
		}
		o = cur
	}
	a.order = *o
	actor := m.owner + "/sweep"
	if o.Status.Final() {
		a.entry.record(endState(o.Status), now, actor)
		a.closed(ctx, o.Status)
		rep.Closed = append(rep.Closed, id)
		return
	}
	action := p.Pending
	if a.newSMS(o) != nil || o.Status == StatusReceived {
		action = p.Received
	}
	if action == SweepLeave {
		rep.Left = append(rep.Left, id)
		return
	}
	verb := actionCancel
	if action == SweepFinish {
		verb = actionFinish
	}
	closed, err := m.closeOrder(ctx, id, verb, actor)
	if errors.Is(err, errHasSMS) {
		// The code came while the cancel was on its way.
		if p.Received == SweepLeave {
			rep.Left = append(rep.Left, id)
			return
		}
		verb = actionFinish
		closed, err = m.closeOrder(ctx, id, verb, actor)
	}
	switch {
	case errors.Is(err, ErrClaimed):
		rep.Claimed++
		return
	case err != nil && (closed == nil || !closed.Status.Final()):
		rep.Failed = append(rep.Failed, SweepFailure{ID: id, Err: err})
		return
	}
	a.order = *closed
	a.entry.record(endState(closed.Status), m.c.t.Now(), actor)
	a.closed(ctx, closed.Status)
	switch {
	case verb == actionCancel && closed.Status == StatusCanceled:
		rep.Canceled = append(rep.Canceled, id)
	case verb == actionFinish && closed.Status == StatusFinished:
		rep.Finished = append(rep.Finished, id)
	default:
		rep.Closed = append(rep.Closed, id)
	}
}

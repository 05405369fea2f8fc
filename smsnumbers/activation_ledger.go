package smsnumbers

import (
	"context"
	"strconv"
	"time"

	"github.com/simkit/simkit/ledger"
)

// The activation journal is part of the ledger: its records live in the
// ledger's namespace of the account (its keys start with Ledger().Prefix(),
// so they share the ledger's Redis Cluster slot), each journal entry names
// the ledger entry of the buy that made its order (JournalEntry.Entry),
// and what became of the activation is written to that ledger entry:
// StateDelivered once finished, StateRefunded once canceled, timed out or
// banned. Reconciliation and dashboards read one record of every buy.

// journalPrefix is where the journal's records live: the ledger's
// namespace of the account.
func journalPrefix(c *Client) string { return c.Ledger().Prefix() + "act:" }

// buyEntrySpan bounds how far before an order's creation the buy that made
// it began.
const buyEntrySpan = 10 * time.Minute

// buyEntry finds the ledger entry of the buy that made order id: the entry
// claimed for it (a settled buy), or the buy that began shortly before the
// order was created and names it. Empty when the ledger has none (a Store
// that cannot list, or an order bought outside the fleet).
func (c *Client) buyEntry(ctx context.Context, id int64, created time.Time) (*ledger.Entry, error) {
	l := c.Ledger()
	pid := strconv.FormatInt(id, 10)
	if eid, ok, err := l.Claimant(ctx, "order", pid); err != nil {
		return nil, err
	} else if ok {
		e, found, err := l.Get(ctx, eid)
		if err != nil || found {
			return e, err
		}
	}
	if !l.CanList() {
		return nil, nil
	}
	now := c.t.Now()
	from := now.Add(-buyEntrySpan)
	if !created.IsZero() {
		from = created.Add(-buyEntrySpan)
	}
	for e, err := range l.Entries(ctx, from, now) {
		if err != nil {
			return nil, err
		}
		if buyCall(e.Call) && e.Holds(pid) {
			return &e, nil
		}
	}
	return nil, nil
}

// recordOutcome writes what became of a closed activation into its buy's
// ledger entry: delivered when finished, refunded when the provider gave
// the money back. Best effort, like the journal: the order's fate is the
// provider's whatever the Store says, and reconciliation writes it too.
func (a *Activation) recordOutcome(ctx context.Context, status Status) {
	var state ledger.State
	switch {
	case status == StatusFinished:
		state = ledger.StateDelivered
	case refunded(status):
		state = ledger.StateRefunded
	default:
		return
	}
	m := a.m
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), claimTimeout)
	defer cancel()
	a.mu.Lock()
	ref, id, created := a.entry.Entry, a.entry.ID, a.entry.CreatedAt
	a.mu.Unlock()
	l := m.c.Ledger()
	var e *ledger.Entry
	var err error
	if ref != "" {
		e, _, err = l.Get(ctx, ref)
	} else {
		e, err = m.c.buyEntry(ctx, id, created)
	}
	if err == nil && e != nil && e.State != state && (e.State == ledger.StateDone || e.State == ledger.StateRecovered || e.State == ledger.StateDelivered) {
		err = l.Finish(ctx, e, ledger.Outcome{State: state, Meta: map[string]string{"closed_by": "activations"}})
	}
	if err != nil {
		m.c.t.Logger().WarnContext(ctx, "simkit: could not record the activation's outcome in the ledger", "route", opActivation, "error", err)
	}
}

// linkEntry names the buy's ledger entry in a new journal entry, when the
// buy did not say which it wrote (a Store that could not record it).
func (a *Activation) linkEntry(ctx context.Context) {
	if a.entry.Entry != "" {
		return
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), claimTimeout)
	defer cancel()
	e, err := a.m.c.buyEntry(cctx, a.entry.ID, a.entry.CreatedAt)
	if err == nil && e != nil {
		a.entry.Entry = e.ID
	}
}

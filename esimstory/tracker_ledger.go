package esimstory

import (
	"context"

	"github.com/simkit/simkit/ledger"
)

// The tracker writes what it learns into the ledger (see Client.Ledger):
// once every unit of an order has been delivered, the ledger entries of
// the CreateOrder calls that made it become ledger.StateDelivered, so
// the ledger says what became of every order and reconciliation reads one
// record. The tracker's own keys hold what only it needs (which topup_ids
// an order expects, which unit each delivery filled).

// inheritLedger gives a tracker the ledger of the first client it was
// handed to.
func (t *Tracker) inheritLedger(l *ledger.Ledger) {
	if t == nil || l == nil {
		return
	}
	t.mu.Lock()
	if t.books == nil {
		t.books = l
	}
	t.mu.Unlock()
}

// markDelivered records in the ledger that every unit of the order has
// arrived. Best effort: the deliveries are recorded in the tracker
// whatever the ledger says, and reconciliation reads them there too.
func (t *Tracker) markDelivered(ctx context.Context, externalOrderID string) {
	t.mu.Lock()
	l := t.books
	t.mu.Unlock()
	if l == nil || externalOrderID == "" {
		return
	}
	ds, expected, _, err := t.collect(ctx, opProgress, externalOrderID)
	if err != nil || expected == 0 || len(ds) < expected {
		return
	}
	entries, err := l.ByReference(ctx, externalOrderID)
	if err != nil {
		return
	}
	for i := range entries {
		e := &entries[i]
		if e.Call == opCreateOrder && (e.State == ledger.StateDone || e.State == ledger.StateRecovered) {
			_ = l.Finish(ctx, e, ledger.Outcome{State: ledger.StateDelivered, Meta: map[string]string{"closed_by": "tracker"}})
		}
	}
}

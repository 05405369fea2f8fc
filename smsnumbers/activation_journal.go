package smsnumbers

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"time"

	"github.com/shopspring/decimal"
)

// ActivationState is where an activation is in its life, as the journal
// records it.
type ActivationState string

// Activation states. Bought and Received are open: the order may still cost
// money or rating; the others are closed.
const (
	// ActivationBought: the number is bought and no new SMS came yet.
	ActivationBought ActivationState = "bought"
	// ActivationReceived: a new SMS came; the order waits to be finished.
	ActivationReceived ActivationState = "received"
	// ActivationFinished: the order was finished (by its owner, a sweep,
	// or the provider after its lifetime).
	ActivationFinished ActivationState = "finished"
	// ActivationCanceled: the order was canceled and its money returned.
	ActivationCanceled ActivationState = "canceled"
	// ActivationEnded: the provider closed the order without a code
	// (timeout, refunded, or banned).
	ActivationEnded ActivationState = "ended"
)

// Open reports whether an activation in this state may still need a
// cancel or a finish.
func (s ActivationState) Open() bool { return s == ActivationBought || s == ActivationReceived }

// JournalEntry is the record an Activations manager keeps in the ledger's
// namespace of the Store for each activation it bought, so that replicas sharing the Store and a
// process restarted after a crash know who owns an order and what happened
// to it. It holds no phone number or SMS text.
type JournalEntry struct {
	// ID is the order id.
	ID int64 `json:"id"`
	// Entry is the id of the ledger entry of the buy that made the order
	// (see Client.Ledger); empty when the ledger has none. The
	// activation's outcome is written there too.
	Entry string `json:"entry,omitempty"`
	// Owner is the id of the manager (process) that owns the activation.
	Owner string `json:"owner"`
	// State is the latest state.
	State ActivationState `json:"state"`
	// Product is the product bought.
	Product string `json:"product"`
	// Price is what the order cost.
	Price decimal.Decimal `json:"price"`
	// CreatedAt is when the order was bought, by the provider's clock.
	CreatedAt time.Time `json:"created_at"`
	// Expires is when the order ends on its own, by the provider's clock.
	Expires time.Time `json:"expires"`
	// LeaseUntil is when the owner's claim lapses unless renewed; a sweep
	// leaves an activation alone until then. The owner renews it while it
	// waits for the code.
	LeaseUntil time.Time `json:"lease_until"`
	// Baseline are digests of the SMS the number already had when it was
	// bought (a re-buy): none of them is ever returned as the new code.
	Baseline []string `json:"baseline,omitempty"`
	// Spent is the amount counted against the spend limit for this order
	// (zero without a limit).
	Spent decimal.Decimal `json:"spent"`
	// SpendWindow numbers the spend period Spent was counted in, so a
	// refund goes back to that period.
	SpendWindow int64 `json:"spend_window,omitempty"`
	// Events are the state changes, oldest first.
	Events []JournalEvent `json:"events"`
}

// JournalEvent is one state change of an activation.
type JournalEvent struct {
	// State is the state entered.
	State ActivationState `json:"state"`
	// At is when, by the client's clock.
	At time.Time `json:"at"`
	// Owner is the manager that made the change (a sweep's own id when a
	// sweep closed an orphan).
	Owner string `json:"owner"`
}

// record appends a state change.
func (e *JournalEntry) record(state ActivationState, at time.Time, owner string) {
	e.State = state
	e.Events = append(e.Events, JournalEvent{State: state, At: at, Owner: owner})
}

// Journal returns the journal entry of an order bought through an
// Activations manager of this account (nil when there is none), for
// dashboards and tests.
func (m *Activations) Journal(ctx context.Context, id int64) (*JournalEntry, error) {
	if err := m.c.ready(); err != nil {
		return nil, err
	}
	return m.st.load(ctx, id)
}

// smsDigest identifies an SMS without keeping its text.
func smsDigest(s SMS) string {
	h := sha256.New()
	h.Write([]byte(s.CreatedAt.UTC().Format(time.RFC3339Nano)))
	h.Write([]byte{0})
	h.Write([]byte(s.Date.UTC().Format(time.RFC3339Nano)))
	h.Write([]byte{0})
	h.Write([]byte(s.Sender))
	h.Write([]byte{0})
	h.Write([]byte(s.Text))
	h.Write([]byte{0})
	h.Write([]byte(s.Code))
	return hex.EncodeToString(h.Sum(nil)[:12])
}

// persist writes the journal entry (best effort: the order exists whatever
// the Store says, and a sweep finds it in the orders history). open keeps
// the activation in the journal's index of open activations; closed ones
// leave it.
func (a *Activation) persist(ctx context.Context, open bool) {
	m := a.m
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), claimTimeout)
	defer cancel()
	a.mu.Lock()
	e := a.entry
	e.Events = slices.Clone(e.Events)
	a.mu.Unlock()
	err := m.st.save(ctx, &e)
	if err == nil {
		if open {
			err = m.st.indexAdd(ctx, e.ID)
		} else {
			err = m.st.indexRemove(ctx, e.ID)
		}
	}
	if err != nil {
		m.c.t.Logger().WarnContext(ctx, "simkit: could not write the activation journal", "route", opActivation, "state", string(e.State), "error", err)
	}
}

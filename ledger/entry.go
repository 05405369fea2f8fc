package ledger

import (
	"time"

	"github.com/shopspring/decimal"
)

// State is where a money call stands.
type State string

// The states of an entry. InFlight is the only non-final state a call
// writes itself; Refunded and Delivered are written later, by whoever
// learns them (a webhook, a reconciler).
const (
	// StateInFlight: the call began and has no outcome yet (it may be
	// sending, waiting for an answer, or settling a lost one; see
	// Entry.Ambiguous).
	StateInFlight State = "in_flight"
	// StateDone: the provider's answer said what was done; ProviderIDs
	// holds what it named.
	StateDone State = "done"
	// StateRecovered: the answer was lost and the outcome was found by a
	// look-up; ProviderIDs holds what was found.
	StateRecovered State = "recovered"
	// StateUnknown: the call may or may not have moved money and nobody
	// could find out; its caller got ErrOutcomeUnknown.
	StateUnknown State = "unknown"
	// StateFailed: the provider did not act (a definite refusal, or
	// nothing was sent).
	StateFailed State = "failed"
	// StateRefunded: money moved and came back (a cancelled order).
	StateRefunded State = "refunded"
	// StateDelivered: what was paid for was delivered (an eSIM Story unit,
	// an SMS code).
	StateDelivered State = "delivered"
)

// Final reports whether s is an outcome (every state but StateInFlight).
func (s State) Final() bool { return s != StateInFlight && s != "" }

// Entry is the record of one money call.
type Entry struct {
	// ID identifies the entry (random, unique).
	ID string `json:"id"`
	// Provider is the provider package: "partner", "smsnumbers",
	// "esimstory" or "topups".
	Provider string `json:"provider"`
	// Call is the call's route template, as in Error.Op, e.g.
	// "POST /orders".
	Call string `json:"call"`
	// Reference is what identifies the call at the provider: the external
	// id or reference the caller chose, or the query that was sent (customer
	// data masked). Empty when the provider has nothing to match.
	Reference string `json:"reference,omitempty"`
	// Subject says what the call is about, with no customer data: an SMS
	// product ("activation/russia/any/telegram"), an eSIM Story option
	// list, a partner SKU. Calls on one subject compete for the same kind
	// of order in the provider's history.
	Subject string `json:"subject,omitempty"`
	// State is where the call stands.
	State State `json:"state"`
	// Ambiguous is set once an attempt's answer was lost (no answer, a
	// 5xx, an unreadable body): the call is settling its outcome by
	// look-up, and no answer will arrive for it.
	Ambiguous bool `json:"ambiguous,omitempty"`
	// ProviderIDs are the provider's ids of what the call made: an order
	// id, eSIM Story topup ids, a payment id.
	ProviderIDs []string `json:"provider_ids,omitempty"`
	// Amount is what the call cost, when an answer stated it (null when
	// none did: null is not zero).
	Amount decimal.NullDecimal `json:"amount"`
	// Currency is Amount's currency, when the answer stated one.
	Currency string `json:"currency,omitempty"`
	// Started is when the call began (Begin), by the client's clock.
	Started time.Time `json:"started"`
	// WindowStart and WindowEnd bound the call's attempts: from just before
	// the first was sent to when the last ended. WindowEnd is zero while
	// an attempt may still be on the wire.
	WindowStart time.Time `json:"window_start"`
	WindowEnd   time.Time `json:"window_end"`
	// Updated is when the entry was last written.
	Updated time.Time `json:"updated"`
	// Meta holds provider-specific facts a later reader needs (a unit
	// count, the error class), never customer data.
	Meta map[string]string `json:"meta,omitempty"`
}

// Covers reports whether t lies in the entry's attempts' window widened by
// skew on both sides; an open window (WindowEnd zero) reaches to now.
func (e *Entry) Covers(t time.Time, skew time.Duration, now time.Time) bool {
	start := e.WindowStart
	if start.IsZero() {
		start = e.Started
	}
	end := e.WindowEnd
	if end.IsZero() {
		end = now
	}
	return !t.Before(start.Add(-skew)) && !t.After(end.Add(skew))
}

// Holds reports whether the entry names id among its ProviderIDs.
func (e *Entry) Holds(id string) bool {
	for _, p := range e.ProviderIDs {
		if p == id {
			return true
		}
	}
	return false
}

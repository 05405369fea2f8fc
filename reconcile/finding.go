package reconcile

import (
	"time"

	"github.com/shopspring/decimal"
)

// Kind is the kind of an anomaly. Each kind has one meaning across every
// provider, and one thing to do about it (see Kind.Action).
type Kind string

// The anomaly kinds.
const (
	// OutcomeUnknown: a money call's outcome is still unknown (the call
	// failed ambiguously and neither the call nor this reconciliation
	// could settle it from the provider's history). Finding.Age says for
	// how long. A number renewal can only be checked by a person
	// (Finding.PersonOnly): the provider has no history to read.
	OutcomeUnknown Kind = "outcome_unknown"
	// UnaccountedCharge: the provider charged for something (an order, a
	// top-up, a payout) that no ledger entry accounts for: it was made
	// outside the fleet (another program, the provider's dashboard, a
	// client without the fleet's Store) or its entry was lost.
	UnaccountedCharge Kind = "unaccounted_charge"
	// NotDelivered: paid but not delivered: an eSIM Story unit not
	// delivered within the deadline, a partner order stuck in processing
	// or only partially completed, an SMS activation still open (neither
	// finished nor refunded) past its expiry.
	NotDelivered Kind = "not_delivered"
	// AmountMismatch: the ledger and the provider state different amounts
	// for one charge (for example a partner balance-history charge and the
	// order's total).
	AmountMismatch Kind = "amount_mismatch"
)

// Kinds lists every kind, in the order reports print them.
func Kinds() []Kind {
	return []Kind{OutcomeUnknown, UnaccountedCharge, NotDelivered, AmountMismatch}
}

// Action says what to do about an anomaly of this kind, in one sentence.
// A Finding's own Action is more specific when the provider allows.
func (k Kind) Action() string {
	switch k {
	case OutcomeUnknown:
		return "look the reference up at the provider (its dashboard or history) and settle it; do not repeat the call unless the provider dedupes its id"
	case UnaccountedCharge:
		return "find who made this charge; if it is yours, record it against your order; otherwise stop the program that spends outside the fleet, and cancel or refund it where the provider allows"
	case NotDelivered:
		return "chase the provider with the order id, or cancel and refund it; do not hand the customer a product you have not received"
	case AmountMismatch:
		return "compare the provider's invoice with your order; the provider's history is what you were charged"
	}
	return ""
}

// Finding is one anomaly. It holds no customer data: Reference and
// ProviderID are ids, never phone numbers, ICCIDs or emails.
type Finding struct {
	// Provider is the provider package: "partner", "smsnumbers",
	// "esimstory" or "topups".
	Provider string `json:"provider"`
	// Kind is the anomaly's kind.
	Kind Kind `json:"kind"`
	// Call is the money call concerned, as its route label
	// ("POST /orders"), or the history read that showed the charge.
	Call string `json:"call"`
	// Reference is the id the call was sent with (external id, top-up
	// reference), as the ledger or the provider holds it; empty when there
	// is none (an SMS order bought outside the fleet).
	Reference string `json:"reference,omitempty"`
	// Entry is the ledger entry's id; empty for a charge no entry
	// accounts for.
	Entry string `json:"entry,omitempty"`
	// ProviderID is the provider's id of the order, payment or
	// transaction; empty when the provider never named one.
	ProviderID string `json:"provider_id,omitempty"`
	// Status is the provider's status of the order, when it has one
	// ("processing", "PENDING").
	Status string `json:"status,omitempty"`
	// Amount is what the provider charged; Expected what it should have
	// been (the ledger's amount, or the provider's own order total). Either
	// is null when not known.
	Amount   decimal.NullDecimal `json:"amount"`
	Expected decimal.NullDecimal `json:"expected"`
	// Currency of the amounts, when stated.
	Currency string `json:"currency,omitempty"`
	// At is when the call began or the charge was made.
	At time.Time `json:"at"`
	// Age is how long ago At was, when the reconciliation ran.
	Age time.Duration `json:"age"`
	// PersonOnly is true when only a person can settle this (a number
	// renewal: the provider has no history an SDK can read).
	PersonOnly bool `json:"person_only,omitempty"`
	// Detail says what was seen, in one line.
	Detail string `json:"detail"`
	// Action says what to do.
	Action string `json:"action"`
}

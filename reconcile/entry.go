package reconcile

import (
	"time"

	"github.com/simkit/simkit/ledger"
)

// Open reports whether e's outcome is still open: unknown, or in flight
// for longer than grace (the process that made the call died before it
// recorded an outcome). A call younger than grace may still be sending.
func Open(e ledger.Entry, now time.Time, grace time.Duration) bool {
	switch e.State {
	case ledger.StateUnknown:
		return true
	case ledger.StateInFlight:
		return now.Sub(e.Started) >= grace
	}
	return false
}

// Held reports whether e's call made something the provider charges for
// and nothing took the money back yet: done, recovered or delivered.
func Held(e ledger.Entry) bool {
	return e.State == ledger.StateDone || e.State == ledger.StateRecovered || e.State == ledger.StateDelivered
}

// FromEntry starts a finding about ledger entry e: its call, reference,
// entry id, first provider id, amount (as Expected) and start.
func FromEntry(kind Kind, e ledger.Entry) Finding {
	f := Finding{Kind: kind, Call: e.Call, Reference: e.Reference, Entry: e.ID, Expected: e.Amount, Currency: e.Currency, At: e.Started}
	if len(e.ProviderIDs) > 0 {
		f.ProviderID = e.ProviderIDs[0]
	}
	return f
}

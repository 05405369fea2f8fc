package observe

import (
	"context"
	"time"
)

// Reconcile reports one provider's finished reconciliation (the books
// closing): how many anomalies of each kind it found, so an alert can
// watch them. Every kind is present in Anomalies, zero included, so a
// gauge falls back to 0 once the books are clean again.
type Reconcile struct {
	Provider string
	// Anomalies counts anomalies by kind ("outcome_unknown",
	// "unaccounted_charge", "not_delivered", "amount_mismatch").
	Anomalies map[string]int
	// Entries and Records count the ledger entries and provider history
	// rows read; Settled the unknown outcomes the history settled.
	Entries, Records, Settled int
	// Duration is how long the run took.
	Duration time.Duration
	// Outcome is "clean", "anomalies", or the error's class (see Class)
	// when the run could not finish ("busy" when another run held the
	// lock).
	Outcome string
	// Err is why the run could not finish, nil otherwise.
	Err error
}

// Outcomes of a reconciliation besides the error classes.
const (
	// ReconcileClean: no anomaly found.
	ReconcileClean = "clean"
	// ReconcileAnomalies: at least one anomaly found.
	ReconcileAnomalies = "anomalies"
	// ReconcileBusy: another run of the same provider held the lock.
	ReconcileBusy = "busy"
)

// Reconcile does nothing.
func (Base) Reconcile(context.Context, Reconcile) {}

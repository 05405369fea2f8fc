package simkit

import (
	"context"
	"errors"
	"fmt"

	"github.com/simkit/simkit/reconcile"
)

// ReconcileParams is what Client.Reconcile checks (see reconcile.Params):
// the window, the grace left to calls in flight, the delivery deadline.
type ReconcileParams = reconcile.Params

// Reconcile closes the books of every configured provider over p's window
// (by default the last day), one provider after another: each provider's
// Reconcile compares the ledger with that provider's own history and
// reports its anomalies (see package reconcile and each provider's
// Reconcile). It returns the report of every provider that ran, in the
// order partner, smsnumbers, esimstory, topups, and an error joining, per
// provider, why one could not run (reconcile.ErrBusy when another run
// holds its lock; the others still run). Each provider's anomaly counts
// go to the observer, so contrib/otel exports them as metrics.
//
// Run it on a schedule from any replica: it only reads from the providers
// and two runs at once do not both work (a lock per provider in the
// shared Store).
func (c *Client) Reconcile(ctx context.Context, p ReconcileParams) ([]*reconcile.Report, error) {
	type run struct {
		name string
		ok   bool
		fn   func() (*reconcile.Report, error)
	}
	runs := []run{
		{"partner", c.Partner != nil, func() (*reconcile.Report, error) { return c.Partner.Reconcile(ctx, p) }},
		{"smsnumbers", c.SMS != nil, func() (*reconcile.Report, error) { return c.SMS.Reconcile(ctx, p) }},
		{"esimstory", c.ESIMStory != nil, func() (*reconcile.Report, error) { return c.ESIMStory.Reconcile(ctx, p) }},
		{"topups", c.Topups != nil, func() (*reconcile.Report, error) { return c.Topups.Reconcile(ctx, p) }},
	}
	var reports []*reconcile.Report
	var errs []error
	for _, r := range runs {
		if !r.ok {
			continue
		}
		rep, err := r.fn()
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", r.name, err))
			continue
		}
		reports = append(reports, rep)
	}
	return reports, errors.Join(errs...)
}

package reconcile

import (
	"context"
	"errors"
	"time"

	"github.com/simkit/simkit/ledger"
	"github.com/simkit/simkit/observe"
	"github.com/simkit/simkit/store"
)

// Runner is what every provider's Reconcile shares: the Store holding the
// lock, the clock, and the observer told the outcome. Provider packages
// build one from their client's options.
type Runner struct {
	// Provider is the provider package reconciled.
	Provider string
	// Store holds the lock (the client's Store: a fleet's shared one).
	Store store.Store
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Observer receives one observe.Reconcile per run; nil means none.
	Observer observe.Observer
	// LockTTL is the lock's lifetime when Params.LockTTL is zero; zero
	// means DefaultLockTTL.
	LockTTL time.Duration
	// Ledger is the provider client's ledger, which every check reads by
	// listing it: when set and its Store cannot list, Run answers
	// ledger.ErrCannotList before anything else (no lock, no observer
	// event: nothing was run).
	Ledger *ledger.Ledger
}

// Run fills p's defaults, takes the provider's lock, runs check over a
// fresh report, and reports the outcome to the observer. It returns the
// report check filled, or the error that stopped it (ErrBusy when another
// run holds the lock, ledger.ErrCannotList when Ledger cannot list).
func (r Runner) Run(ctx context.Context, p Params, check func(ctx context.Context, p Params, rep *Report) error) (*Report, error) {
	if r.Ledger != nil && !r.Ledger.CanList() {
		return nil, ledger.ErrCannotList
	}
	now := r.Now
	if now == nil {
		now = time.Now
	}
	start := time.Now()
	rep, err := r.run(ctx, p, now, check)
	if r.Observer != nil {
		e := observe.Reconcile{Provider: r.Provider, Duration: time.Since(start), Err: err}
		switch {
		case errors.Is(err, ErrBusy):
			e.Outcome = observe.ReconcileBusy
		case err != nil:
			e.Outcome = observe.Class(err)
		case rep.Clean():
			e.Outcome = observe.ReconcileClean
		default:
			e.Outcome = observe.ReconcileAnomalies
		}
		if rep != nil {
			e.Entries, e.Records, e.Settled = rep.Entries, rep.Records, rep.Settled
			if err == nil {
				e.Anomalies = make(map[string]int, len(rep.Counts))
				for k, n := range rep.Counts {
					e.Anomalies[string(k)] = n
				}
			}
		}
		r.Observer.Reconcile(ctx, e)
	}
	if err != nil {
		return nil, err
	}
	return rep, nil
}

func (r Runner) run(ctx context.Context, p Params, now func() time.Time, check func(context.Context, Params, *Report) error) (*Report, error) {
	p, err := p.WithDefaults(now())
	if err != nil {
		return nil, err
	}
	st := r.Store
	if st == nil {
		st = store.NewMemory()
	}
	ttl := r.LockTTL
	if p.LockTTL > 0 {
		ttl = p.LockTTL
	}
	release, err := Lock(ctx, st, r.Provider, ttl)
	if err != nil {
		return nil, err
	}
	defer release()
	rep := NewReport(r.Provider, p)
	if err := check(ctx, p, rep); err != nil {
		return rep, err
	}
	return rep, nil
}

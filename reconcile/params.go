package reconcile

import (
	"errors"
	"fmt"
	"time"
)

// Defaults of Params.
const (
	// DefaultWindow is the window reconciled when Params.From is zero: the
	// last day, the period a reseller closes its books over.
	DefaultWindow = 24 * time.Hour
	// DefaultGrace leaves calls younger than this alone: a call still in
	// flight, or one whose answer the provider has not published yet, is
	// not an anomaly.
	DefaultGrace = 5 * time.Minute
	// DefaultDeliveryDeadline is how long a paid order may stay
	// undelivered (an eSIM Story unit, a partner order in processing)
	// before it is an anomaly.
	DefaultDeliveryDeadline = time.Hour
)

// ErrBadWindow is returned for a window that ends before it starts.
var ErrBadWindow = errors.New("reconcile: window ends before it starts")

// Params is what to reconcile. The zero value reconciles the last day.
type Params struct {
	// From and To bound the window by when calls began and charges were
	// made (To exclusive). Zero From means To minus DefaultWindow; zero To
	// means now.
	From, To time.Time
	// Grace leaves calls and charges younger than this alone (still in
	// flight). Zero means DefaultGrace.
	Grace time.Duration
	// DeliveryDeadline is how long a paid order may wait for delivery.
	// Zero means DefaultDeliveryDeadline.
	DeliveryDeadline time.Duration
	// MaxFindings caps Report.Findings. Zero means DefaultMaxFindings.
	MaxFindings int
	// NoSettle, when true, reports unknown outcomes without writing what
	// the provider's history settled into the ledger.
	NoSettle bool
	// LockTTL bounds how long this run holds the provider's lock (so a run
	// that dies keeps the others out no longer). Zero means
	// DefaultLockTTL; give a run over a very long window more.
	LockTTL time.Duration
}

// WithDefaults fills the zero fields with their defaults, taking now as
// the current time, and checks the window.
func (p Params) WithDefaults(now time.Time) (Params, error) {
	if p.To.IsZero() {
		p.To = now
	}
	if p.From.IsZero() {
		p.From = p.To.Add(-DefaultWindow)
	}
	if p.To.Before(p.From) {
		return p, fmt.Errorf("%w: from %s, to %s", ErrBadWindow, p.From.Format(time.RFC3339), p.To.Format(time.RFC3339))
	}
	if p.Grace <= 0 {
		p.Grace = DefaultGrace
	}
	if p.DeliveryDeadline <= 0 {
		p.DeliveryDeadline = DefaultDeliveryDeadline
	}
	if p.MaxFindings <= 0 {
		p.MaxFindings = DefaultMaxFindings
	}
	return p, nil
}

// InWindow reports whether t falls in [From, To).
func (p Params) InWindow(t time.Time) bool {
	return !t.Before(p.From) && t.Before(p.To)
}

package smsnumbers

import (
	"time"

	"github.com/shopspring/decimal"

	"github.com/simkit/simkit/internal/randid"
)

// Defaults of an Activations manager.
const (
	// DefaultActivationLease is how long an owner's claim on an activation
	// lasts without renewal. A waiting owner renews it at every check, so
	// only a process that died (or stopped waiting) lets it lapse.
	DefaultActivationLease = 2 * time.Minute
	// DefaultCancelMargin is how long before the order's own expiry the
	// wait gives up by default: a cancel costs less rating than a timeout
	// (-0.1 against -0.15) and returns the money at once.
	DefaultCancelMargin = 30 * time.Second
	// DefaultRatingCacheTTL is how long a rating read from the profile is
	// trusted by the rating floor.
	DefaultRatingCacheTTL = 30 * time.Second
	// DefaultSpendPeriod is the period a spend limit counts over.
	DefaultSpendPeriod = 24 * time.Hour
	// closeTimeout bounds a cancel or finish sent after the caller's
	// context ended, so a refund never depends on the caller's patience.
	closeTimeout = 30 * time.Second
)

// opActivation labels errors raised by the activation handle itself.
const opActivation = "activation"

// ActivationsOptions configures an Activations manager. Every zero value
// has the default named on it.
type ActivationsOptions struct {
	// Owner identifies this process in the journal; default a random id.
	// Use one manager per process: a sweep treats the activations of an
	// owner whose lease lapsed as orphans.
	Owner string
	// Lease is how long an owner's claim lasts without renewal; default
	// DefaultActivationLease, and never less than three poll intervals
	// (a shorter one is raised), so a live owner always renews in time.
	Lease time.Duration
	// PollInterval is the time between two checks while waiting for a
	// code; default DefaultPollInterval.
	PollInterval time.Duration
	// MinRating, when positive, is the rating floor: a buy is refused
	// (ErrRatingTooLow) before any buy request while the account's
	// rating is below it. The provider blocks all orders for 24 hours at
	// rating 0, and every cancel or timeout lowers it.
	MinRating decimal.Decimal
	// RatingCacheTTL is how long a rating read from the profile is used;
	// default DefaultRatingCacheTTL.
	RatingCacheTTL time.Duration
	// SpendLimit, when positive, caps what buys may spend per SpendPeriod,
	// counted in the client's Store so the cap holds across replicas that
	// share it. A buy that could pass it is refused (ErrSpendLimit)
	// before it is sent; refunded orders give their money back to the
	// period they were counted in. Until the order's real price is known
	// a buy counts as its MaxPrice, else ActivateParams.ExpectedPrice,
	// else the product's current price (one products request).
	SpendLimit decimal.Decimal
	// SpendPeriod is the period SpendLimit counts over, in fixed windows
	// of the client's clock; default DefaultSpendPeriod.
	SpendPeriod time.Duration
}

// Activations runs SMS activations from buy to finish so no money is left
// on numbers that never got a code: it buys (with an optional price cap),
// waits for the code with a deadline, cancels the number when none came
// (with a context of its own, so a caller that gave up still gets its
// money back), finishes it when one came, and records every step in a
// journal in the client's Store. Sweep closes what a crashed process left
// open. Build one per process with Client.Activations; it is safe for
// concurrent use.
type Activations struct {
	c     *Client
	st    activationStore
	owner string
	lease time.Duration
	poll  time.Duration
	guard guard
}

// Activations returns a manager of activations over c.
func (c *Client) Activations(optFns ...func(*ActivationsOptions)) *Activations {
	o := ActivationsOptions{}
	for _, fn := range optFns {
		fn(&o)
	}
	if o.Owner == "" {
		o.Owner = randid.Hex(8)
	}
	if o.Lease <= 0 {
		o.Lease = DefaultActivationLease
	}
	if o.PollInterval <= 0 {
		o.PollInterval = DefaultPollInterval
	}
	if o.Lease < 3*o.PollInterval {
		o.Lease = 3 * o.PollInterval
	}
	if o.RatingCacheTTL <= 0 {
		o.RatingCacheTTL = DefaultRatingCacheTTL
	}
	if o.SpendPeriod <= 0 {
		o.SpendPeriod = DefaultSpendPeriod
	}
	m := &Activations{c: c, owner: o.Owner, lease: o.Lease, poll: o.PollInterval}
	if c != nil && c.st != nil {
		// A zero Client has no store; its calls answer ErrNotConfigured.
		m.st = activationStore{st: c.st, prefix: journalPrefix(c)}
	}
	m.guard = guard{m: m, minRating: o.MinRating, ratingTTL: o.RatingCacheTTL, spendLimit: o.SpendLimit, spendPeriod: o.SpendPeriod}
	return m
}

// Owner returns the id this manager writes into the journal.
func (m *Activations) Owner() string { return m.owner }

package smsnumbers

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/shopspring/decimal"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/option"
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

// ErrNoCode is wrapped by Activation.WaitForCode's error when no new SMS
// arrived before the deadline or before ctx ended; the number was canceled
// (see Activation.State) unless the error also carries the cancel's
// failure.
var ErrNoCode = errors.New("smsnumbers: no code arrived")

// ErrClaimed is wrapped by the error of a Finish or Cancel refused because
// another manager (another replica, or a sweep) is closing the order.
var ErrClaimed = errors.New("smsnumbers: activation is closed by another owner")

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
		o.Owner = randomID()
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
	if c != nil && c.claims != nil {
		// A zero Client has no store; its calls answer ErrNotConfigured.
		m.st = activationStore{st: c.claims.st, prefix: c.claims.prefix}
	}
	m.guard = guard{m: m, minRating: o.MinRating, ratingTTL: o.RatingCacheTTL, spendLimit: o.SpendLimit, spendPeriod: o.SpendPeriod}
	return m
}

// Owner returns the id this manager writes into the journal.
func (m *Activations) Owner() string { return m.owner }

// ActivateParams says what to buy and how long to wait for its code.
type ActivateParams struct {
	// Buy is the number to buy, MaxPrice included. Ignored when Reuse is
	// set.
	Buy BuyActivationParams
	// Reuse, when set, buys again a number bought before instead. The SMS
	// the number already shows are the baseline: none of them is returned
	// as the new code.
	Reuse *ReuseParams
	// Deadline is how long after the buy WaitForCode waits for the code;
	// 0 means until DefaultCancelMargin before the order expires.
	Deadline time.Duration
	// AutoFinish finishes the order as soon as WaitForCode has the code.
	// Leave it off to use the code first and call Finish (or Cancel, if
	// the service refused the code) yourself.
	AutoFinish bool
	// ExpectedPrice is what the buy is counted as against the spend limit
	// when Buy.MaxPrice is not set; zero means the product's current
	// price, looked up before the buy. A re-buy under a spend limit needs
	// it.
	ExpectedPrice decimal.Decimal
}

// Activation is one bought number on its way to a code. Its methods are
// safe for concurrent use.
type Activation struct {
	m          *Activations
	deadline   time.Time
	autoFinish bool

	mu       sync.Mutex
	entry    JournalEntry
	order    Order
	baseline map[string]bool
	sms      *SMS
}

// ID returns the order id.
func (a *Activation) ID() int64 { return a.entry.ID }

// Order returns the order as last seen (bought, checked, finished or
// canceled).
func (a *Activation) Order() Order {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.order
}

// State returns the activation's state.
func (a *Activation) State() ActivationState {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.entry.State
}

// Activate buys a number (or re-buys one) after the guards allowed it,
// records it in the journal under this manager's owner id, and returns
// the handle to wait for its code. A buy refused by a guard sends no buy
// request; a failed buy returns the buy's error (see BuyActivation and
// Reuse: a lost answer is settled from the orders history).
func (m *Activations) Activate(ctx context.Context, p ActivateParams, opts ...option.CallOption) (*Activation, error) {
	if err := m.c.ready(); err != nil {
		return nil, err
	}
	if p.Deadline < 0 {
		return nil, apierror.Validation(Provider, opActivation, "deadline must not be negative, got %s", p.Deadline)
	}
	route, product, reserve, err := m.preflight(p)
	if err != nil {
		return nil, err
	}
	if err := m.guard.checkRating(ctx, route); err != nil {
		return nil, err
	}
	res, err := m.guard.reserve(ctx, route, p, reserve)
	if err != nil {
		return nil, err
	}
	var o *Order
	if p.Reuse != nil {
		o, err = m.c.Reuse(ctx, *p.Reuse, opts...)
	} else {
		o, err = m.c.BuyActivation(ctx, p.Buy, opts...)
	}
	if err != nil {
		if !errors.Is(err, apierror.ErrOutcomeUnknown) {
			// Definitely not bought: the money was not spent.
			m.guard.release(ctx, res.window, res.amount)
		}
		return nil, err
	}
	res = m.guard.settle(ctx, res, o.Price)
	now := m.c.t.Now()
	a := &Activation{m: m, order: *o, autoFinish: p.AutoFinish, baseline: map[string]bool{}}
	a.deadline = time.Now().Add(m.waitFor(p.Deadline, o, now))
	a.entry = JournalEntry{
		ID: o.ID, Owner: m.owner, Product: product, Price: o.Price,
		CreatedAt: o.CreatedAt, Expires: o.Expires, LeaseUntil: now.Add(m.lease),
		Spent: res.amount, SpendWindow: res.window,
	}
	for _, s := range o.SMS {
		d := smsDigest(s)
		a.baseline[d] = true
		a.entry.Baseline = append(a.entry.Baseline, d)
	}
	a.entry.record(ActivationBought, now, m.owner)
	a.persist(ctx, true)
	return a, nil
}

// preflight checks what the guards need before any request and returns
// the call label, the product and the amount to reserve (zero: look the
// price up).
func (m *Activations) preflight(p ActivateParams) (route, product string, reserve decimal.Decimal, err error) {
	if p.Reuse != nil {
		route, product = opReuse, p.Reuse.Product
		if err := requireSegments(route, "product", p.Reuse.Product); err != nil {
			return "", "", decimal.Zero, err
		}
		if m.guard.spendLimit.IsPositive() && !p.ExpectedPrice.IsPositive() {
			return "", "", decimal.Zero, apierror.Validation(Provider, route, "a re-buy under a spend limit needs ExpectedPrice")
		}
		return route, product, p.ExpectedPrice, nil
	}
	route, product = opBuyActivation, p.Buy.Product
	if err := requireSegments(route, "country", p.Buy.Country, "operator", p.Buy.Operator, "product", p.Buy.Product); err != nil {
		return "", "", decimal.Zero, err
	}
	if p.Buy.MaxPrice.IsPositive() && p.Buy.Operator != Any {
		return "", "", decimal.Zero, apierror.Validation(Provider, route, "max price needs operator %q, got another operator", Any)
	}
	if p.ExpectedPrice.IsNegative() {
		return "", "", decimal.Zero, apierror.Validation(Provider, route, "expected price must not be negative, got %s", p.ExpectedPrice)
	}
	reserve = p.ExpectedPrice
	if p.Buy.MaxPrice.IsPositive() {
		reserve = p.Buy.MaxPrice
	}
	return route, product, reserve, nil
}

// waitFor is how long to wait for the code: the caller's deadline, or up
// to DefaultCancelMargin before the order expires (at least one poll).
func (m *Activations) waitFor(deadline time.Duration, o *Order, now time.Time) time.Duration {
	if deadline > 0 {
		return deadline
	}
	d := o.Expires.Sub(now) - DefaultCancelMargin
	if o.Expires.IsZero() || d < m.poll {
		d = m.poll
	}
	return d
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

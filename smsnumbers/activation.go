package smsnumbers

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/shopspring/decimal"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/money"
	"github.com/simkit/simkit/option"
)

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
	var entry string // the buy's ledger entry, for the journal
	bctx := money.WithEntrySink(ctx, &entry)
	if p.Reuse != nil {
		o, err = m.c.Reuse(bctx, *p.Reuse, opts...)
	} else {
		o, err = m.c.BuyActivation(bctx, p.Buy, opts...)
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
		Spent: res.amount, SpendWindow: res.window, Entry: entry,
	}
	for _, s := range o.SMS {
		d := smsDigest(s)
		a.baseline[d] = true
		a.entry.Baseline = append(a.entry.Baseline, d)
	}
	a.entry.record(ActivationBought, now, m.owner)
	a.linkEntry(ctx)
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

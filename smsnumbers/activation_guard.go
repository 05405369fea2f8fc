package smsnumbers

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"time"

	"github.com/shopspring/decimal"

	"github.com/simkit/simkit/apierror"
)

// ErrRatingTooLow is wrapped by the error of an Activate refused because
// the account's rating is below ActivationsOptions.MinRating. Nothing was
// bought; the error also matches simkit.ErrConflict (the request is fine,
// the account's state refuses it, as the provider's own "not enough
// rating" does).
var ErrRatingTooLow = errors.New("smsnumbers: rating below the floor")

// ErrSpendLimit is wrapped by the error of an Activate refused because the
// buy could take this period's spending past ActivationsOptions.SpendLimit.
// Nothing was bought; the error also matches simkit.ErrConflict.
var ErrSpendLimit = errors.New("smsnumbers: spend limit reached")

// guard holds an Activations manager's rating floor and spend limit.
type guard struct {
	m           *Activations
	minRating   decimal.Decimal
	ratingTTL   time.Duration
	spendLimit  decimal.Decimal
	spendPeriod time.Duration

	mu        sync.Mutex
	rating    decimal.Decimal
	ratingAt  time.Time
	hasRating bool
}

// checkRating refuses a buy while the rating (from the profile, cached for
// ratingTTL) is below the floor.
func (g *guard) checkRating(ctx context.Context, route string) error {
	if !g.minRating.IsPositive() {
		return nil
	}
	// Held across the profile read: concurrent buys wait for one read
	// rather than each sending their own.
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.m.c.t.Now()
	if !g.hasRating || now.Sub(g.ratingAt) >= g.ratingTTL {
		p, err := g.m.c.Profile(ctx)
		if err != nil {
			return err
		}
		g.rating, g.ratingAt, g.hasRating = p.Rating, now, true
	}
	if g.rating.LessThan(g.minRating) {
		return &apierror.Error{Provider: Provider, Op: route, Kind: apierror.ErrConflict, Err: ErrRatingTooLow,
			Message: "rating " + g.rating.String() + " is below the floor " + g.minRating.String() + "; nothing was bought"}
	}
	return nil
}

// reservation is an amount counted against one spend window.
type reservation struct {
	window int64
	amount decimal.Decimal
}

func (g *guard) windowKey(w int64) string {
	return g.m.st.prefix + "spend:" + strconv.FormatInt(g.spendPeriod.Nanoseconds(), 10) + ":" + strconv.FormatInt(w, 10)
}

// reserve counts a buy against the current window before it is sent,
// refusing it when the window could pass the limit. amount zero means the
// product's current price, looked up first.
func (g *guard) reserve(ctx context.Context, route string, p ActivateParams, amount decimal.Decimal) (reservation, error) {
	if !g.spendLimit.IsPositive() {
		return reservation{}, nil
	}
	if !amount.IsPositive() {
		products, err := g.m.c.Products(ctx, ProductsParams{Country: p.Buy.Country, Operator: p.Buy.Operator})
		if err != nil {
			return reservation{}, err
		}
		pr, ok := products[p.Buy.Product]
		if !ok {
			return reservation{}, &apierror.Error{Provider: Provider, Op: route, Kind: apierror.ErrNotFound,
				Message: "product not sold there; nothing was bought"}
		}
		amount = pr.Price
	}
	now := g.m.c.t.Now()
	w := now.UnixNano() / g.spendPeriod.Nanoseconds()
	var refused bool
	var spent decimal.Decimal
	err := g.update(ctx, w, func(cur decimal.Decimal) (decimal.Decimal, bool) {
		spent = cur
		if cur.Add(amount).GreaterThan(g.spendLimit) {
			refused = true
			return cur, false
		}
		return cur.Add(amount), true
	})
	if err != nil {
		return reservation{}, &apierror.Error{Provider: Provider, Op: route, Message: "could not count the buy against the spend limit; nothing was bought", Err: err}
	}
	if refused {
		return reservation{}, &apierror.Error{Provider: Provider, Op: route, Kind: apierror.ErrConflict, Err: ErrSpendLimit,
			Message: "spent " + spent.String() + " of " + g.spendLimit.String() + " this period; a buy of up to " + amount.String() + " would pass it; nothing was bought"}
	}
	return reservation{window: w, amount: amount}, nil
}

// settle replaces a reservation with what the order really cost.
func (g *guard) settle(ctx context.Context, r reservation, price decimal.Decimal) reservation {
	if !g.spendLimit.IsPositive() {
		return r
	}
	if !r.amount.Equal(price) {
		g.add(ctx, r.window, price.Sub(r.amount))
	}
	r.amount = price
	return r
}

// release takes back a reservation whose buy did not happen.
func (g *guard) release(ctx context.Context, window int64, amount decimal.Decimal) {
	if !amount.IsPositive() {
		return
	}
	g.add(ctx, window, amount.Neg())
}

// refund gives a refunded order's money back to the window it was counted
// in, once per order whichever replica sees the refund.
func (g *guard) refund(ctx context.Context, e *JournalEntry) {
	if !e.Spent.IsPositive() {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), claimTimeout)
	defer cancel()
	key := g.m.st.entryKey(e.ID) + ":refunded"
	if ok, err := g.m.st.st.SetNX(ctx, key, []byte{1}, journalTTL); err != nil || !ok {
		return
	}
	g.add(ctx, e.SpendWindow, e.Spent.Neg())
}

// add moves a window's count by delta (best effort: logged on failure).
func (g *guard) add(ctx context.Context, window int64, delta decimal.Decimal) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), claimTimeout)
	defer cancel()
	err := g.update(ctx, window, func(cur decimal.Decimal) (decimal.Decimal, bool) {
		return decimal.Max(decimal.Zero, cur.Add(delta)), true
	})
	if err != nil {
		g.m.c.t.Logger().WarnContext(ctx, "simkit: could not update the spend count", "route", opActivation, "error", err)
	}
}

// update changes a window's count under a store lock, so replicas sharing
// the Store count every buy.
func (g *guard) update(ctx context.Context, window int64, fn func(decimal.Decimal) (decimal.Decimal, bool)) error {
	key := g.windowKey(window)
	return withLock(ctx, g.m.st.st, key+":lock", func() error {
		cur := decimal.Zero
		b, ok, err := g.m.st.st.Get(ctx, key)
		if err != nil {
			return err
		}
		if ok {
			if cur, err = decimal.NewFromString(string(b)); err != nil {
				return err
			}
		}
		next, write := fn(cur)
		if !write {
			return nil
		}
		return g.m.st.st.Set(ctx, key, []byte(next.String()), 2*g.spendPeriod)
	})
}

// Spent returns what buys counted against the spend limit in the current
// period (zero without a limit).
func (m *Activations) Spent(ctx context.Context) (decimal.Decimal, error) {
	if err := m.c.ready(); err != nil {
		return decimal.Zero, err
	}
	g := &m.guard
	if !g.spendLimit.IsPositive() {
		return decimal.Zero, nil
	}
	w := m.c.t.Now().UnixNano() / g.spendPeriod.Nanoseconds()
	b, ok, err := m.st.st.Get(ctx, g.windowKey(w))
	if err != nil || !ok {
		return decimal.Zero, err
	}
	return decimal.NewFromString(string(b))
}

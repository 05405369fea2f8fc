package smsnumbers

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/transport"
	"github.com/simkit/simkit/option"
)

const (
	// settlePageSize is the page size of a settling look-up: one request
	// covers every order a busy account places in the look-up window.
	settlePageSize = 50
	// settleMaxScan bounds how many history entries one look-up reads.
	settleMaxScan = 200
	// settleTimeout bounds a look-up made after the caller's context ended:
	// the money may be spent, so the SDK still tries to say so.
	settleTimeout = 15 * time.Second
	// claimTimeout bounds the store write that claims a call's own order.
	claimTimeout = 5 * time.Second
)

// purchase is one buy: what to send, and what its order looks like in the
// orders history, so a lost answer can be found again.
type purchase struct {
	route, path string
	query       url.Values
	// reference identifies the attempt in an ErrOutcomeUnknown (customer
	// data masked).
	reference string
	category  Category
	// country and operator may be Any (or empty), which matches any value.
	country, operator, product string
	// number, for a re-buy, is the phone number without the +.
	number string
}

// matches reports whether history entry o may be this purchase's order. A
// field the history leaves out (hosting orders carry no country or
// operator) does not rule an entry out.
func (p purchase) matches(o *Order) bool {
	if !strings.EqualFold(o.Product, p.product) {
		return false
	}
	if p.number != "" {
		return strings.TrimPrefix(o.Phone, "+") == p.number
	}
	return wildcard(p.country, o.Country) && wildcard(p.operator, o.Operator)
}

func wildcard(want, got string) bool {
	return want == "" || strings.EqualFold(want, Any) || got == "" || strings.EqualFold(want, got)
}

// buy sends a purchase at most once and settles an ambiguous outcome (see
// BuyActivation). It is the one path every buy takes, so a new kind of
// purchase (or a new buy parameter, such as a price limit) gets the same
// guarantee by describing itself as a purchase: route, path, query, and
// what its order looks like in the history.
func (c *Client) buy(ctx context.Context, p purchase, opts []option.CallOption) (*Order, error) {
	started := c.t.Now()
	req := c.userRequest(p.route, p.path, p.query)
	req.Idempotency = transport.NotIdempotent
	o, err := call[Order](ctx, c, req, opts)
	if err == nil && o.ID > 0 {
		c.claimOwn(ctx, p.route, "order", o.ID)
		return o, nil
	}
	if err == nil {
		// A 2xx JSON answer that is not an order ({}, a proxy's
		// {"success":false}): the number may be bought, but which one is
		// only known from the history.
		err = &apierror.Error{Provider: Provider, Op: p.route, Message: "buy answer names no order", Kind: apierror.ErrBadResponse, Ambiguous: true}
	}
	if !transport.Ambiguous(err) {
		return nil, err
	}
	return c.settleBuy(ctx, p, started, err)
}

// claimOwn records that a call's own answer handed out this order or
// payment, so another call settling a lost answer never takes it. It is
// best effort: the order is the caller's whatever the store says.
func (c *Client) claimOwn(ctx context.Context, route, kind string, id int64) {
	// The order is bought: claim it even if the caller gives up now, but
	// never wait long on a slow store for it.
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), claimTimeout)
	defer cancel()
	ok, err := c.claims.claim(cctx, kind, id)
	if err != nil || !ok {
		// !ok: a look-up elsewhere took this order before our answer came.
		// The order is ours; the other call's caller holds a wrong answer.
		c.t.Logger().WarnContext(ctx, "simkit: could not claim an order this call received",
			"route", route, "taken_elsewhere", err == nil && !ok)
	}
}

// settleBuy looks for the order of a purchase whose answer was lost: the
// newest entries of the orders history created since the call began, the
// first matching one not yet claimed.
func (c *Client) settleBuy(ctx context.Context, p purchase, started time.Time, cause error) (*Order, error) {
	ctx, cancel := settleContext(ctx)
	defer cancel()
	since := started.Add(-SettleSkew)
	params := ListOrdersParams{Category: p.category, Limit: settlePageSize, Order: "id", Reverse: true}
	scanned := 0
	for o, err := range c.AllOrders(ctx, params) {
		if err != nil {
			return nil, outcomeUnknown(p.route, p.reference, started, cause, "the orders history could not be read", err)
		}
		if o.CreatedAt.Before(since) || scanned >= settleMaxScan {
			break
		}
		scanned++
		if !p.matches(&o) {
			continue
		}
		ok, err := c.claims.claim(ctx, "order", o.ID)
		if err != nil {
			return nil, outcomeUnknown(p.route, p.reference, started, cause, "a matching order could not be claimed in the store", err)
		}
		if !ok {
			continue // another call's order
		}
		o.Recovered = true
		c.t.Logger().InfoContext(ctx, "simkit: lost answer settled from the history", "route", p.route)
		return &o, nil
	}
	return nil, outcomeUnknown(p.route, p.reference, started, cause, "no matching order in the orders history yet", nil)
}

// settleContext returns ctx, or a short detached one when ctx already
// ended: a look-up after the caller gave up still tells whether money was
// spent.
func settleContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if ctx.Err() == nil {
		return ctx, func() {}
	}
	return context.WithTimeout(context.WithoutCancel(ctx), settleTimeout)
}

// outcomeUnknown is the error of a money call whose outcome could not be
// settled. It does not wrap cause: the cause's class (ErrUnavailable, a
// deadline) would invite a retry that can pay twice; its message is kept.
func outcomeUnknown(route, reference string, started time.Time, cause error, why string, lookErr error) *apierror.Error {
	e := &apierror.Error{
		Provider: Provider, Op: route, Kind: apierror.ErrOutcomeUnknown, Ambiguous: true,
		Reference: reference, Started: started,
	}
	msg := "outcome unknown: " + why
	var ce *apierror.Error
	if errors.As(cause, &ce) {
		e.StatusCode, e.RequestID, e.Raw = ce.StatusCode, ce.RequestID, ce.Raw
		if m := causeText(ce); m != "" {
			msg += "; the call failed with: " + m
		}
	}
	if lookErr != nil {
		msg += "; look-up: " + lookErr.Error()
	}
	e.Message = apierror.CapMessage(msg)
	return e
}

// causeText is the message of a failed attempt without its call label
// (already in Op).
func causeText(e *apierror.Error) string {
	m := e.Message
	if m == "" && e.Kind != nil {
		m = strings.TrimPrefix(e.Kind.Error(), "simkit: ")
	}
	if e.Err != nil {
		m += " (" + e.Err.Error() + ")"
	}
	return m
}

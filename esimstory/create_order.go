package esimstory

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/transport"
	"github.com/simkit/simkit/internal/validate"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/retry"
)

// MaxUnits caps the total quantity of one CreateOrder call. eSIM Story
// documents no limit; the cap exists so that a typo (qty 1000 instead of 10)
// is refused before it spends money, and so that a tracked order stays a
// small record. Split larger orders.
const MaxUnits = 100

const ordersPath = "/v1/api_partner/orders"

// CreateOrderParams is the body of an order.
type CreateOrderParams struct {
	// ExternalOrderID is your id for the order. eSIM Story accepts it once,
	// ever, which is what makes retries safe.
	ExternalOrderID string
	// Products lists what to buy; at least one, each with Qty >= 1.
	Products []ProductQty
}

type createOrderBody struct {
	ExternalOrderID string       `json:"external_order_id"`
	Products        []ProductQty `json:"products"`
}

// CreateOrder buys eSIMs: POST /v1/api_partner/orders, signed per attempt.
// The answer holds one topup_id per unit; the eSIMs themselves arrive later,
// one webhook per unit (see NewWebhookHandler).
//
// Exactly once: eSIM Story rejects a second order with the same
// ExternalOrderID, so the call is retried with the same id after an
// ambiguous failure (transport error, 500, 502/503/504; 500 only while the
// retry policy's Retryable is left nil). The API has no order
// lookup, so a duplicate answer is returned as an error matching
// simkit.ErrConflict whose message names the id. After an ambiguous failure,
// a later ErrConflict for your own id means the first attempt went through:
// its deliveries still arrive by webhook (and a Tracker that saw the
// topup_ids, or a handler without RejectUnknown, accepts them).
//
// When Options.Tracker is set the order is recorded in it before
// CreateOrder returns. Should that record fail, CreateOrder returns the
// order together with the error: the order exists, so do not create it
// again; call Tracker.Track with it instead.
func (c *Client) CreateOrder(ctx context.Context, p CreateOrderParams, opts ...option.CallOption) (*Order, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	const op = "CreateOrder"
	if err := p.validate(op); err != nil {
		return nil, err
	}
	tr := c.opts.Tracker
	if tr != nil {
		// Mark the id pending first: a fast webhook may beat our Track call.
		if err := tr.markPending(ctx, p.ExternalOrderID); err != nil {
			return nil, &apierror.Error{Provider: Provider, Op: op, Message: "tracker could not record the pending order", Err: err}
		}
	}
	var out struct {
		Products []OrderedUnit `json:"products"`
	}
	req := &transport.Request{
		Method:      http.MethodPost,
		Path:        ordersPath,
		JSON:        createOrderBody(p),
		Idempotency: transport.Idempotent,
		Sign:        c.sign(http.MethodPost, ordersPath),
		Op:          op,
	}
	// The caller's own WithRetry, if any, comes later and wins.
	resp, err := c.t.Do(ctx, req, &out, append([]option.CallOption{option.WithRetry(c.orderPolicy())}, opts...)...)
	if err != nil {
		var e *apierror.Error
		if errors.As(err, &e) && errors.Is(e.Kind, apierror.ErrConflict) {
			e.Message = conflictMessage(p.ExternalOrderID, e.Message)
		}
		if tr != nil && definiteRefusal(err) {
			// Nothing was ordered, so nothing is pending.
			tr.forgetPending(ctx, p.ExternalOrderID)
		}
		return nil, err
	}
	if len(out.Products) == 0 {
		return nil, c.t.Fail(resp, &apierror.Error{Message: "order answer lists no products", Kind: transport.ErrBadResponse})
	}
	order := &Order{ExternalOrderID: p.ExternalOrderID, Units: out.Products}
	if tr != nil {
		if err := tr.Track(ctx, order); err != nil {
			return order, &apierror.Error{Provider: Provider, Op: op, Message: "order created but the tracker could not record it; call Tracker.Track", Err: err}
		}
	}
	return order, nil
}

// definiteRefusal reports whether err proves no order was created. An
// upstream failure (ErrUnavailable) does not: eSIM Story may have created
// the order before its own supplier failed.
func definiteRefusal(err error) bool {
	return !errors.Is(err, apierror.ErrUnavailable) &&
		(errors.Is(err, apierror.ErrValidation) || errors.Is(err, apierror.ErrUnauthorized) || errors.Is(err, apierror.ErrNotFound))
}

// validate refuses what eSIM Story would refuse (or what would waste an
// external id) before any request is sent.
func (p CreateOrderParams) validate(op string) error {
	if validate.Blank(p.ExternalOrderID) {
		return apierror.Validation(Provider, op, "external order id is required")
	}
	if len(p.Products) == 0 {
		return apierror.Validation(Provider, op, "at least one product is required")
	}
	total := 0
	for i, pr := range p.Products {
		if validate.Blank(pr.OptionID) {
			return apierror.Validation(Provider, op, "products[%d]: option id is required", i)
		}
		if pr.Qty < 1 {
			return apierror.Validation(Provider, op, "products[%d]: qty must be at least 1, got %d", i, pr.Qty)
		}
		if pr.Qty > MaxUnits {
			return apierror.Validation(Provider, op, "products[%d]: qty %d exceeds %d units per order", i, pr.Qty, MaxUnits)
		}
		total += pr.Qty
	}
	if total > MaxUnits {
		return apierror.Validation(Provider, op, "order has %d units; at most %d per order", total, MaxUnits)
	}
	return nil
}

// orderPolicy is the client's retry policy, extended to retry a 500 too
// unless the user chose their own Retryable: eSIM Story documents 500 as
// "server error during order processing", which may or may not have created
// the order, and a retry with the same external_order_id either completes
// it or answers ErrConflict, never a second order.
func (c *Client) orderPolicy() retry.Policy {
	p := c.opts.Retry.Or(retry.Default())
	if p.Retryable == nil {
		p.Retryable = func(resp *http.Response, err error) bool {
			if resp != nil && resp.StatusCode == http.StatusInternalServerError {
				return true
			}
			return retry.DefaultRetryable(resp, err)
		}
	}
	return p
}

// sign returns the per-attempt signer for path. The signature covers the
// full request path, base URL prefix included (/api/v1/... in production),
// and the attempt's own timestamp, so a retry is signed afresh.
func (c *Client) sign(method, path string) func(http.Header, time.Time) error {
	full := c.prefix + path
	return func(h http.Header, now time.Time) error {
		c.signer.SetHeaders(h, method, full, now)
		return nil
	}
}

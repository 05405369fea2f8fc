package partner

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/shopspring/decimal"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/transport"
	"github.com/simkit/simkit/internal/validate"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/signing"
)

// CreateOrderParams is one purchase. ExternalID is your own order id; the
// provider keeps it unique forever, which is what makes the call safe to
// repeat.
type CreateOrderParams struct {
	// ExternalID is your unique order id (required). Keep it with your
	// order before calling, so a crash or timeout can be resolved by calling
	// again with the same id; NewExternalID makes one if you have none.
	ExternalID string
	// Item is what to buy (required).
	Item OrderItemParams
	// Metadata is stored with the order for your records.
	Metadata map[string]any
}

// OrderItemParams is the single item of an order.
type OrderItemParams struct {
	// SKUID is the SKU to buy (required).
	SKUID string
	// Quantity is the number of units; zero lets the server default it (1).
	Quantity int
	// Amount is the value to buy for open-range SKUs (which have no price);
	// zero is not sent.
	Amount decimal.Decimal
	// Fields are the extra inputs a SKU asks for (a phone number to
	// recharge, say), sent as given.
	Fields map[string]any
}

type createOrderBody struct {
	ExternalID string          `json:"external_id"`
	Item       createOrderItem `json:"item"`
	Metadata   map[string]any  `json:"metadata,omitempty"`
}

type createOrderItem struct {
	SKUID    string         `json:"sku_id"`
	Quantity int            `json:"quantity,omitempty"`
	Amount   json.Number    `json:"amount,omitempty"`
	Fields   map[string]any `json:"fields,omitempty"`
}

const opCreateOrder = "POST /orders"

func (p CreateOrderParams) body() (*createOrderBody, error) {
	switch {
	case validate.Blank(p.ExternalID):
		return nil, apierror.Validation(Provider, opCreateOrder, "external_id is required")
	case validate.Blank(p.Item.SKUID):
		return nil, apierror.Validation(Provider, opCreateOrder, "item.sku_id is required")
	case p.Item.Quantity < 0:
		return nil, apierror.Validation(Provider, opCreateOrder, "item.quantity must be at least 1, got %d", p.Item.Quantity)
	case p.Item.Amount.IsNegative():
		return nil, apierror.Validation(Provider, opCreateOrder, "item.amount must not be negative, got %s", p.Item.Amount)
	}
	b := &createOrderBody{
		ExternalID: p.ExternalID,
		Item:       createOrderItem{SKUID: p.Item.SKUID, Quantity: p.Item.Quantity, Fields: p.Item.Fields},
		Metadata:   p.Metadata,
	}
	if !p.Item.Amount.IsZero() {
		// A JSON number, not decimal's default quoted string: the docs
		// type it as a number and the value stays exact either way.
		b.Item.Amount = json.Number(p.Item.Amount.String())
	}
	return b, nil
}

// CreateOrder places an order (POST /orders), signed per attempt with
// X-Timestamp (Unix seconds from the client's clock) and X-Signature =
// HMAC(timestamp + sku_id + external_id, partner_secret).
//
// It is exactly-once per ExternalID. Attempts that fail without an answer or
// with 502/503/504 are retried with the same id (the provider refuses a
// second order with it). If the call still ends ambiguously (no answer,
// timeout, 5xx), or the provider answers that the external_id already exists
// (HTTP 409, or a 400/422 naming external_id as taken), the order is looked
// up with GET /orders?external_id= and the existing order is returned with
// a nil error. If an ambiguous failure finds no order, the original error is
// returned: calling CreateOrder again with the same ExternalID is then safe
// and cannot buy twice. The order returned for a duplicate is the one first
// created with that id, whatever it bought: ids must not be reused for
// different purchases. Insufficient balance (including an exhausted
// overdraft) is an error matching ErrInsufficientFunds.
func (c *Client) CreateOrder(ctx context.Context, p CreateOrderParams, opts ...option.CallOption) (*Order, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	body, err := p.body()
	if err != nil {
		return nil, err
	}
	req := &transport.Request{
		Method:      http.MethodPost,
		Path:        "/orders",
		JSON:        body,
		Idempotency: transport.Idempotent,
		Op:          opCreateOrder,
		Sign: func(h http.Header, now time.Time) error {
			ts := now.Unix()
			h.Set(signing.HeaderTimestamp, strconv.FormatInt(ts, 10))
			h.Set(signing.HeaderSignature, c.signer.PartnerOrder(ts, body.Item.SKUID, body.ExternalID))
			return nil
		},
	}
	return c.placeOrder(ctx, req, p.ExternalID, opts)
}

// placeOrder sends a signed order-creating request and resolves an
// ambiguous or duplicate answer by looking the order up by external id.
func (c *Client) placeOrder(ctx context.Context, req *transport.Request, externalID string, opts []option.CallOption) (*Order, error) {
	o, _, err := call[*Order](ctx, c, req, opts)
	if err == nil && o != nil {
		return o, nil
	}
	if err == nil {
		err = badResponse(c, req.Op, nil)
	}
	duplicate := errors.Is(err, apierror.ErrConflict)
	if !duplicate && !ambiguous(err) {
		return nil, err
	}
	if ctx.Err() != nil {
		// The caller gave up; a lookup would fail the same way.
		return nil, err
	}
	found, lerr := c.FindOrderByExternalID(ctx, externalID, opts...)
	log := c.t.Logger()
	switch {
	case lerr != nil:
		log.LogAttrs(ctx, slog.LevelWarn, "simkit: order lookup after failed create failed",
			slog.String("op", req.Op), slog.String("external_id", externalID), slog.String("error", lerr.Error()))
		return nil, err
	case found == nil:
		return nil, err
	}
	log.LogAttrs(ctx, slog.LevelInfo, "simkit: order resolved by external_id lookup",
		slog.String("op", req.Op), slog.String("external_id", externalID), slog.String("order_id", found.ID), slog.Bool("duplicate", duplicate))
	return found, nil
}

// ambiguous reports whether a failed order call may have created the order:
// no answer was received (timeout, reset), the server failed (5xx), or it
// answered 2xx with a body we could not read.
func ambiguous(err error) bool {
	var e *apierror.Error
	if !errors.As(err, &e) {
		return false
	}
	if errors.Is(err, transport.ErrBadResponse) {
		return true
	}
	if e.StatusCode == 0 {
		return errors.Is(err, apierror.ErrUnavailable)
	}
	return e.StatusCode >= 500
}

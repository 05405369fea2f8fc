package partner

import (
	"context"
	"iter"
	"net/http"
	"net/url"
	"time"

	"github.com/shopspring/decimal"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/transport"
	"github.com/simkit/simkit/internal/validate"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/page"
)

// Order is a purchase: created by CreateOrder or TopupESIM, read by
// GetOrder and ListOrders, and carried by the order.status_changed webhook.
type Order struct {
	ID          string          `json:"id"`
	ExternalID  string          `json:"external_id"`
	Status      OrderStatus     `json:"status"`
	TotalAmount decimal.Decimal `json:"total_amount"`
	Currency    string          `json:"currency"`
	Metadata    map[string]any  `json:"metadata"`
	CreatedAt   time.Time       `json:"created_at"`
	Items       []OrderItem     `json:"items"`
}

// OrderItem is one line of an order with what was delivered for it.
type OrderItem struct {
	SKUID        string              `json:"sku_id"`
	SKUName      string              `json:"sku_name"`
	Quantity     int                 `json:"quantity"`
	Price        decimal.NullDecimal `json:"price"`
	Amount       decimal.Decimal     `json:"amount"`
	Status       OrderStatus         `json:"status"`
	DeliveryData []Delivery          `json:"delivery_data"`
	ErrorMessage string              `json:"error_message"`
}

// Delivery is one delivered unit: a voucher PIN, a serial, or an eSIM's
// LPA QR string. ExpirationDate is kept as sent, since the docs do not say
// whether it is a date or a timestamp.
type Delivery struct {
	PIN            string `json:"pin"`
	SerialNumber   string `json:"serial_number"`
	ExpirationDate string `json:"expiration_date"`
	QRCode         string `json:"qr_code"`
}

// ListOrdersParams selects a page of order history.
type ListOrdersParams struct {
	// Cursor is Meta.NextCursor of the previous page; empty for the first.
	Cursor string
	// PerPage is 1..100; zero means the server default (50).
	PerPage int
	// Status filters by order status; empty means all.
	Status OrderStatus
	// ExternalID finds the order with your own id.
	ExternalID string
	// DateFrom and DateTo bound created_at; zero means unbounded. They are
	// sent as RFC 3339 in UTC.
	DateFrom, DateTo time.Time
}

const opOrders = "GET /orders"

func (p ListOrdersParams) query() (url.Values, error) {
	q, err := pageQuery(opOrders, p.Cursor, p.PerPage, maxPerPageOrders)
	if err != nil {
		return nil, err
	}
	if p.Status != "" {
		if !p.Status.Valid() {
			return nil, apierror.Validation(Provider, opOrders, "unknown order status %q", string(p.Status))
		}
		q.Set("status", string(p.Status))
	}
	if p.ExternalID != "" {
		q.Set("external_id", p.ExternalID)
	}
	if !p.DateFrom.IsZero() && !p.DateTo.IsZero() && p.DateFrom.After(p.DateTo) {
		return nil, apierror.Validation(Provider, opOrders, "date_from %s is after date_to %s", p.DateFrom.Format(time.RFC3339), p.DateTo.Format(time.RFC3339))
	}
	if !p.DateFrom.IsZero() {
		q.Set("date_from", p.DateFrom.UTC().Format(time.RFC3339))
	}
	if !p.DateTo.IsZero() {
		q.Set("date_to", p.DateTo.UTC().Format(time.RFC3339))
	}
	return q, nil
}

// ListOrders returns one page of order history (GET /orders).
func (c *Client) ListOrders(ctx context.Context, p ListOrdersParams, opts ...option.CallOption) ([]Order, Meta, error) {
	if err := c.ready(); err != nil {
		return nil, Meta{}, err
	}
	q, err := p.query()
	if err != nil {
		return nil, Meta{}, err
	}
	return call[[]Order](ctx, c, &transport.Request{Method: http.MethodGet, Path: "/orders", Query: q}, opts)
}

// ListOrdersAll walks every page of order history lazily, starting at
// p.Cursor; a break stops it without fetching another page.
func (c *Client) ListOrdersAll(ctx context.Context, p ListOrdersParams, opts ...option.CallOption) iter.Seq2[Order, error] {
	return page.Walk(ctx, func(ctx context.Context, token string) ([]Order, string, error) {
		if token != "" {
			p.Cursor = token
		}
		items, meta, err := c.ListOrders(ctx, p, opts...)
		return items, meta.NextCursor, err
	})
}

// GetOrder returns one order with its items and delivery data
// (GET /orders/{uuid}).
func (c *Client) GetOrder(ctx context.Context, id string, opts ...option.CallOption) (*Order, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	const op = "GET /orders/{uuid}"
	if !validate.UUID(id) {
		return nil, apierror.Validation(Provider, op, "order id must be a UUID, got %q", id)
	}
	o, _, err := call[*Order](ctx, c, &transport.Request{Method: http.MethodGet, Path: "/orders/" + url.PathEscape(id), Op: op}, opts)
	if err != nil {
		return nil, err
	}
	if o == nil {
		return nil, badResponse(c, op, nil)
	}
	return o, nil
}

// FindOrderByExternalID returns the order created with your external id,
// or nil and no error when there is none. The server's external_id filter
// is documented as a search, so only an exact match counts.
func (c *Client) FindOrderByExternalID(ctx context.Context, externalID string, opts ...option.CallOption) (*Order, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	if validate.Blank(externalID) {
		return nil, apierror.Validation(Provider, opOrders, "external_id is required")
	}
	for o, err := range c.ListOrdersAll(ctx, ListOrdersParams{ExternalID: externalID, PerPage: maxPerPageOrders}, opts...) {
		if err != nil {
			return nil, err
		}
		if o.ExternalID == externalID {
			return &o, nil
		}
	}
	return nil, nil
}

package smsnumbers

import (
	"context"
	"encoding/json"
	"iter"
	"time"

	"github.com/shopspring/decimal"

	"github.com/simkit/simkit/internal/paging"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/page"
)

const opListPayments = "GET /v1/user/payments"

// Payment is one movement of the account's (or the vendor's) balance.
type Payment struct {
	// ID is the provider's payment id.
	ID int64 `json:"ID"`
	// TypeName is the kind of movement, e.g. "charge".
	TypeName string `json:"TypeName"`
	// ProviderName is the payment system, e.g. "admin".
	ProviderName string `json:"ProviderName"`
	// Amount is the money moved.
	Amount decimal.Decimal `json:"Amount"`
	// Balance is the balance after the payment.
	Balance decimal.Decimal `json:"Balance"`
	// CreatedAt is when the payment was made.
	CreatedAt time.Time `json:"CreatedAt"`
	// Extra holds the members of the provider's object this type does
	// not model, by JSON name, exactly as sent; nil when there were
	// none. New provider fields are readable here before simkit
	// types them.
	Extra map[string]json.RawMessage `json:"-"`
}

// ListPaymentsParams selects one page of the account's payments history.
type ListPaymentsParams struct {
	// Limit is the page size; 0 means the provider's default.
	Limit int
	// Cursor is the page to fetch: "" for the first, else a Page.Next of
	// this list.
	Cursor string
	// Order is the field to sort by, e.g. "id".
	Order string
	// Reverse sorts in descending order.
	Reverse bool
}

// ListPayments returns one page of the account's payments
// (GET /v1/user/payments).
func (c *Client) ListPayments(ctx context.Context, p ListPaymentsParams, opts ...option.CallOption) (*page.Page[Payment], error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	return listPage[Payment](ctx, c, opListPayments, "/v1/user/payments", pageQuery{p.Limit, p.Cursor, p.Order, p.Reverse}, nil, opts)
}

// AllPayments walks every page of the account's payments lazily, starting at p.Cursor, one page
// (p.Limit entries) at a time; a break stops it without fetching another
// page, and an error is yielded once, last.
func (c *Client) AllPayments(ctx context.Context, p ListPaymentsParams, opts ...option.CallOption) iter.Seq2[Payment, error] {
	return paging.All(ctx, c.ListPayments, p, func(p *ListPaymentsParams) *string { return &p.Cursor }, opts)
}

package smsnumbers

import (
	"context"
	"iter"

	"github.com/simkit/simkit/internal/paging"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/page"
)

const opListVendorPayments = "GET /v1/vendor/payments"

// ListVendorPaymentsParams selects one page of the vendor's payments
// history; its fields mean what ListPaymentsParams' do.
type ListVendorPaymentsParams struct {
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

// ListVendorPayments returns one page of the vendor's payments, payouts
// included (GET /v1/vendor/payments).
func (c *Client) ListVendorPayments(ctx context.Context, p ListVendorPaymentsParams, opts ...option.CallOption) (*page.Page[Payment], error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	return listPage[Payment](ctx, c, opListVendorPayments, "/v1/vendor/payments", pageQuery{p.Limit, p.Cursor, p.Order, p.Reverse}, nil, opts)
}

// AllVendorPayments walks every page of the vendor's payments lazily, starting at p.Cursor, one page
// (p.Limit entries) at a time; a break stops it without fetching another
// page, and an error is yielded once, last.
func (c *Client) AllVendorPayments(ctx context.Context, p ListVendorPaymentsParams, opts ...option.CallOption) iter.Seq2[Payment, error] {
	return paging.All(ctx, c.ListVendorPayments, p, func(p *ListVendorPaymentsParams) *string { return &p.Cursor }, opts)
}

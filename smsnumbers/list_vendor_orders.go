package smsnumbers

import (
	"context"
	"iter"

	"github.com/simkit/simkit/internal/paging"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/page"
)

const opListVendorOrders = "GET /v1/vendor/orders"

// ListVendorOrdersParams selects one page of the vendor's orders history;
// its fields mean what ListOrdersParams' do.
type ListVendorOrdersParams struct {
	// Category is CategoryActivation or CategoryHosting. Required.
	Category Category
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

// ListVendorOrders returns one page of the orders served by the vendor's
// numbers (GET /v1/vendor/orders).
func (c *Client) ListVendorOrders(ctx context.Context, p ListVendorOrdersParams, opts ...option.CallOption) (*page.Page[Order], error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	return listOrders(ctx, c, opListVendorOrders, p.Category, pageQuery{p.Limit, p.Cursor, p.Order, p.Reverse}, opts)
}

// AllVendorOrders walks every page of the vendor's orders of a category lazily, starting at p.Cursor, one page
// (p.Limit entries) at a time; a break stops it without fetching another
// page, and an error is yielded once, last.
func (c *Client) AllVendorOrders(ctx context.Context, p ListVendorOrdersParams, opts ...option.CallOption) iter.Seq2[Order, error] {
	return paging.All(ctx, c.ListVendorOrders, p, func(p *ListVendorOrdersParams) *string { return &p.Cursor }, opts)
}

package smsnumbers

import (
	"context"
	"iter"
	"net/url"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/paging"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/page"
)

const opListOrders = "GET /v1/user/orders"

// ListOrdersParams selects one page of the account's orders history.
// Zero values are left out of the request, so the provider's defaults
// apply.
type ListOrdersParams struct {
	// Category is CategoryActivation or CategoryHosting. Required.
	Category Category
	// Limit is the page size; 0 means the provider's default.
	Limit int
	// Cursor is the page to fetch: "" for the first, else a Page.Next of
	// this list.
	Cursor string
	// Order is the field to sort by, e.g. "id".
	Order string
	// Reverse sorts in descending order (newest first with Order "id").
	Reverse bool
}

// ListOrders returns one page of the account's orders of a category
// (GET /v1/user/orders).
func (c *Client) ListOrders(ctx context.Context, p ListOrdersParams, opts ...option.CallOption) (*page.Page[Order], error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	return listOrders(ctx, c, opListOrders, p.Category, pageQuery{p.Limit, p.Cursor, p.Order, p.Reverse}, opts)
}

// AllOrders walks every page of the account's orders of a category lazily, starting at p.Cursor, one page
// (p.Limit entries) at a time; a break stops it without fetching another
// page, and an error is yielded once, last.
func (c *Client) AllOrders(ctx context.Context, p ListOrdersParams, opts ...option.CallOption) iter.Seq2[Order, error] {
	return paging.All(ctx, c.ListOrders, p, func(p *ListOrdersParams) *string { return &p.Cursor }, opts)
}

// listOrders serves both orders histories, which share parameters and
// shape; route is also the path, as these routes have no parameters.
func listOrders(ctx context.Context, c *Client, route string, category Category, q pageQuery, opts []option.CallOption) (*page.Page[Order], error) {
	if !category.valid() {
		return nil, apierror.Validation(Provider, route, "category must be %q or %q, got %q", CategoryActivation, CategoryHosting, category)
	}
	return listPage[Order](ctx, c, route, route[len("GET "):], q, url.Values{"category": {string(category)}}, opts)
}

package smsnumbers

import (
	"context"
	"iter"
	"net/url"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/option"
)

// OrdersPage is one page of an orders history.
type OrdersPage struct {
	Data         []Order `json:"Data"`
	ProductNames Names   `json:"ProductNames"`
	Statuses     Names   `json:"Statuses"`
	// Total counts all orders of the category, not just this page.
	Total int `json:"Total"`
}

// Orders returns one page of the account's orders of a category
// (GET /v1/user/orders).
func (c *Client) Orders(ctx context.Context, category Category, q PageQuery, opts ...option.CallOption) (*OrdersPage, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	return c.ordersPage(ctx, "/v1/user/orders", category, q, opts)
}

// AllOrders walks the account's orders of a category from q.Offset on,
// one page (q.Limit records) at a time.
func (c *Client) AllOrders(ctx context.Context, category Category, q PageQuery, opts ...option.CallOption) iter.Seq2[Order, error] {
	if err := c.ready(); err != nil {
		return errSeq[Order](err)
	}
	return c.walkOrders(ctx, "/v1/user/orders", category, q, opts)
}

// ordersPage serves both the user's and the vendor's orders history,
// which share parameters and shape.
func (c *Client) ordersPage(ctx context.Context, path string, category Category, q PageQuery, opts []option.CallOption) (*OrdersPage, error) {
	op := "GET " + path
	v, err := ordersQuery(op, category, q)
	if err != nil {
		return nil, err
	}
	return fetch[OrdersPage](ctx, c, c.userRequest(path, v), opts)
}

func (c *Client) walkOrders(ctx context.Context, path string, category Category, q PageQuery, opts []option.CallOption) iter.Seq2[Order, error] {
	return walkOffset(ctx, q, func(ctx context.Context, q PageQuery) ([]Order, int, error) {
		p, err := c.ordersPage(ctx, path, category, q, opts)
		if err != nil {
			return nil, 0, err
		}
		return p.Data, p.Total, nil
	})
}

func ordersQuery(op string, category Category, q PageQuery) (url.Values, error) {
	if !category.valid() {
		return nil, apierror.Validation(Provider, op, "category must be %q or %q, got %q", CategoryActivation, CategoryHosting, category)
	}
	v, err := q.values(op)
	if err != nil {
		return nil, err
	}
	v.Set("category", string(category))
	return v, nil
}

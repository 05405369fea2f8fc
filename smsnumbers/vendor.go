package smsnumbers

import (
	"context"
	"iter"

	"github.com/simkit/simkit/option"
)

// VendorProfile returns the vendor account's data (GET /v1/user/vendor);
// it has the same shape as Profile.
func (c *Client) VendorProfile(ctx context.Context, opts ...option.CallOption) (*Profile, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	return fetch[Profile](ctx, c, c.userRequest("/v1/user/vendor", nil), opts)
}

// VendorOrders returns one page of the orders served by the vendor's
// numbers (GET /v1/vendor/orders).
func (c *Client) VendorOrders(ctx context.Context, category Category, q PageQuery, opts ...option.CallOption) (*OrdersPage, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	return c.ordersPage(ctx, "/v1/vendor/orders", category, q, opts)
}

// AllVendorOrders walks the vendor's orders of a category from q.Offset on.
func (c *Client) AllVendorOrders(ctx context.Context, category Category, q PageQuery, opts ...option.CallOption) iter.Seq2[Order, error] {
	if err := c.ready(); err != nil {
		return errSeq[Order](err)
	}
	return c.walkOrders(ctx, "/v1/vendor/orders", category, q, opts)
}

// VendorPayments returns one page of the vendor's payments
// (GET /v1/vendor/payments); PaymentStatuses is filled here.
func (c *Client) VendorPayments(ctx context.Context, q PageQuery, opts ...option.CallOption) (*PaymentsPage, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	return c.paymentsPage(ctx, "/v1/vendor/payments", q, opts)
}

// AllVendorPayments walks the vendor's payments from q.Offset on.
func (c *Client) AllVendorPayments(ctx context.Context, q PageQuery, opts ...option.CallOption) iter.Seq2[Payment, error] {
	if err := c.ready(); err != nil {
		return errSeq[Payment](err)
	}
	return c.walkPayments(ctx, "/v1/vendor/payments", q, opts)
}

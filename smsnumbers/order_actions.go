package smsnumbers

import (
	"context"
	"strconv"

	"github.com/simkit/simkit/option"
)

// Check returns an order with the SMS received so far
// (GET /v1/user/check/{id}).
func (c *Client) Check(ctx context.Context, id int64, opts ...option.CallOption) (*Order, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	return c.orderAction(ctx, "GET /v1/user/check/{id}", "/v1/user/check", id, opts)
}

// Finish marks an order as done (GET /v1/user/finish/{id}). Finishing
// before the code timeout raises the rating. It is retried like any GET
// (see the package doc).
func (c *Client) Finish(ctx context.Context, id int64, opts ...option.CallOption) (*Order, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	return c.orderAction(ctx, "GET /v1/user/finish/{id}", "/v1/user/finish", id, opts)
}

// Cancel cancels an order and returns its money
// (GET /v1/user/cancel/{id}). It is refused once an SMS came (an error
// matching simkit.ErrConflict) and lowers the rating.
func (c *Client) Cancel(ctx context.Context, id int64, opts ...option.CallOption) (*Order, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	return c.orderAction(ctx, "GET /v1/user/cancel/{id}", "/v1/user/cancel", id, opts)
}

// Ban reports the number as banned by the service and closes the order
// (GET /v1/user/ban/{id}). It is refused once an SMS came and lowers the
// rating.
func (c *Client) Ban(ctx context.Context, id int64, opts ...option.CallOption) (*Order, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	return c.orderAction(ctx, "GET /v1/user/ban/{id}", "/v1/user/ban", id, opts)
}

// orderAction sends GET prefix/{id}; op is its route template, a constant
// so that no label is built per call.
func (c *Client) orderAction(ctx context.Context, op, prefix string, id int64, opts []option.CallOption) (*Order, error) {
	if err := requireID(op, id); err != nil {
		return nil, err
	}
	return call[Order](ctx, c, c.userRequest(op, prefix+"/"+strconv.FormatInt(id, 10), nil), opts)
}

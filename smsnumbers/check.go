package smsnumbers

import (
	"context"

	"github.com/simkit/simkit/option"
)

const opCheck = "GET /v1/user/check/{id}"

// Check returns an order with the SMS received so far
// (GET /v1/user/check/{id}).
func (c *Client) Check(ctx context.Context, id int64, opts ...option.CallOption) (*Order, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	return c.orderAction(ctx, opCheck, "/v1/user/check", id, opts)
}

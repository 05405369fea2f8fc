package smsnumbers

import (
	"context"

	"github.com/simkit/simkit/option"
)

const opFinish = "GET /v1/user/finish/{id}"

// Finish marks an order as done (GET /v1/user/finish/{id}). Finishing
// before the code timeout raises the rating. It is retried like any GET
// (see the package doc).
func (c *Client) Finish(ctx context.Context, id int64, opts ...option.CallOption) (*Order, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	return c.orderAction(ctx, opFinish, "/v1/user/finish", id, opts)
}

package smsnumbers

import (
	"context"

	"github.com/simkit/simkit/option"
)

const opBan = "GET /v1/user/ban/{id}"

// Ban reports the number as banned by the service and closes the order
// (GET /v1/user/ban/{id}). It is refused once an SMS came and lowers the
// rating.
func (c *Client) Ban(ctx context.Context, id int64, opts ...option.CallOption) (*Order, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	return c.orderAction(ctx, opBan, "/v1/user/ban", id, opts)
}

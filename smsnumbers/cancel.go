package smsnumbers

import (
	"context"

	"github.com/simkit/simkit/option"
)

const opCancel = "GET /v1/user/cancel/{id}"

// Cancel cancels an order and returns its money
// (GET /v1/user/cancel/{id}). It is refused once an SMS came (an error
// matching simkit.ErrConflict) and lowers the rating.
func (c *Client) Cancel(ctx context.Context, id int64, opts ...option.CallOption) (*Order, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	return c.orderAction(ctx, opCancel, "/v1/user/cancel", id, opts)
}

package smsnumbers

import (
	"context"
	"strconv"

	"github.com/simkit/simkit/option"
)

// orderAction sends GET prefix/{id}; op is its route template, a constant
// so that no label is built per call.
func (c *Client) orderAction(ctx context.Context, op, prefix string, id int64, opts []option.CallOption) (*Order, error) {
	if err := requireID(op, id); err != nil {
		return nil, err
	}
	return call[Order](ctx, c, c.userRequest(op, prefix+"/"+strconv.FormatInt(id, 10), nil), opts)
}

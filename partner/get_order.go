package partner

import (
	"context"
	"net/http"
	"net/url"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/transport"
	"github.com/simkit/simkit/internal/validate"
	"github.com/simkit/simkit/option"
)

const opGetOrder = "GET /orders/{uuid}"

// GetOrder returns one order with its items and delivery data
// (GET /orders/{uuid}); id is the provider's order UUID (Order.ID).
func (c *Client) GetOrder(ctx context.Context, id string, opts ...option.CallOption) (*Order, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	if !validate.UUID(id) {
		return nil, apierror.Validation(Provider, opGetOrder, "order id must be a UUID")
	}
	o, _, err := call[*Order](ctx, c, &transport.Request{Method: http.MethodGet, Path: "/orders/" + url.PathEscape(id), Op: opGetOrder}, opts)
	if err != nil {
		return nil, err
	}
	if o == nil {
		return nil, badResponse(c, opGetOrder, nil)
	}
	return o, nil
}

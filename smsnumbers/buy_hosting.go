package smsnumbers

import (
	"context"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/option"
)

// HostingProduct is a rental period for a hosting number.
type HostingProduct string

// Hosting products the API sells.
const (
	Hosting3Hours HostingProduct = "3hours"
	Hosting1Day   HostingProduct = "1day"
)

// HostingRequest says which hosting number to rent.
type HostingRequest struct {
	// Country and Operator are required; Any widens either.
	Country  string
	Operator string
	// Product is the rental period.
	Product HostingProduct
}

// BuyHosting rents a number for a period, receiving every SMS sent to it
// (GET /v1/user/buy/hosting/{country}/{operator}/{product}). Like
// BuyActivation it is never retried automatically, since a retry could
// rent a second number.
func (c *Client) BuyHosting(ctx context.Context, r HostingRequest, opts ...option.CallOption) (*Order, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	const op = "GET /v1/user/buy/hosting"
	if err := requireNonBlank(op, "country", r.Country, "operator", r.Operator); err != nil {
		return nil, err
	}
	if r.Product != Hosting3Hours && r.Product != Hosting1Day {
		return nil, apierror.Validation(Provider, op, "hosting product must be %q or %q, got %q", Hosting3Hours, Hosting1Day, r.Product)
	}
	return c.buy(ctx, segments("/v1/user/buy/hosting", r.Country, r.Operator, string(r.Product)), nil, opts)
}

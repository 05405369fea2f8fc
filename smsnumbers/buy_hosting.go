package smsnumbers

import (
	"context"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/option"
)

const opBuyHosting = "GET /v1/user/buy/hosting/{country}/{operator}/{product}"

// HostingProduct is a rental period for a hosting number.
type HostingProduct string

// Hosting products the API sells.
const (
	Hosting3Hours HostingProduct = "3hours"
	Hosting1Day   HostingProduct = "1day"
)

// BuyHostingParams says which hosting number to rent.
type BuyHostingParams struct {
	// Country is the country to rent in, or Any. Required.
	Country string
	// Operator is the operator to rent from, or Any. Required.
	Operator string
	// Product is the rental period: Hosting3Hours or Hosting1Day.
	Product HostingProduct
}

// BuyHosting rents a number for a period, receiving every SMS sent to it
// (GET /v1/user/buy/hosting/{country}/{operator}/{product}). Like
// BuyActivation it reaches the provider at most once, is never retried,
// and settles a lost answer from the (hosting) orders history: the order
// with Recovered set, or an error matching simkit.ErrOutcomeUnknown.
func (c *Client) BuyHosting(ctx context.Context, p BuyHostingParams, opts ...option.CallOption) (*Order, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	if err := requireSegments(opBuyHosting, "country", p.Country, "operator", p.Operator); err != nil {
		return nil, err
	}
	if p.Product != Hosting3Hours && p.Product != Hosting1Day {
		return nil, apierror.Validation(Provider, opBuyHosting, "hosting product must be %q or %q, got %q", Hosting3Hours, Hosting1Day, p.Product)
	}
	path := segments("/v1/user/buy/hosting", p.Country, p.Operator, string(p.Product))
	return c.buy(ctx, purchase{
		route: opBuyHosting, path: path, reference: "GET " + path,
		category: CategoryHosting, country: p.Country, operator: p.Operator, product: string(p.Product),
	}, opts)
}

package smsnumbers

import (
	"context"

	"github.com/shopspring/decimal"

	"github.com/simkit/simkit/option"
)

// Any selects any country or any operator in products and buy calls.
const Any = "any"

// Product is what can be bought for one product name in a country and
// operator.
type Product struct {
	Category Category        `json:"Category"`
	Qty      int             `json:"Qty"` // numbers available now
	Price    decimal.Decimal `json:"Price"`
}

// Products lists the products available in a country through an operator,
// keyed by product name (GET /v1/guest/products/{country}/{operator}). Pass
// Any for either to widen the search. No token is sent.
func (c *Client) Products(ctx context.Context, country, operator string, opts ...option.CallOption) (map[string]Product, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	const op = "GET /v1/guest/products"
	if err := requireNonBlank(op, "country", country, "operator", operator); err != nil {
		return nil, err
	}
	var out map[string]Product
	if err := c.call(ctx, guestRequest(segments("/v1/guest/products", country, operator), nil), &out, opts); err != nil {
		return nil, err
	}
	return out, nil
}

package smsnumbers

import (
	"context"
	"encoding/json"

	"github.com/shopspring/decimal"

	"github.com/simkit/simkit/option"
)

// Any selects any country or any operator in products and buy calls.
const Any = "any"

// Product is what can be bought for one product name in a country and
// operator.
type Product struct {
	// Category is CategoryActivation or CategoryHosting.
	Category Category `json:"Category"`
	// Qty is how many numbers are available now.
	Qty int `json:"Qty"`
	// Price is the price of one number.
	Price decimal.Decimal `json:"Price"`
	// Extra holds the members of the provider's object this type does
	// not model, by JSON name, exactly as sent; nil when there were
	// none. New provider fields are readable here before simkit
	// types them.
	Extra map[string]json.RawMessage `json:"-"`
}

// ProductsParams says where to list products.
type ProductsParams struct {
	// Country is the country, e.g. "russia", or Any. Required.
	Country string
	// Operator is the operator, e.g. "beeline", or Any. Required.
	Operator string
}

const opProducts = "GET /v1/guest/products/{country}/{operator}"

// Products lists the products available in a country through an operator,
// keyed by product name (GET /v1/guest/products/{country}/{operator}). Pass
// Any for either to widen the search. No token is sent.
func (c *Client) Products(ctx context.Context, p ProductsParams, opts ...option.CallOption) (map[string]Product, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	if err := requireSegments(opProducts, "country", p.Country, "operator", p.Operator); err != nil {
		return nil, err
	}
	var out map[string]Product
	if err := c.send(ctx, guestRequest(opProducts, segments("/v1/guest/products", p.Country, p.Operator), nil), &out, opts); err != nil {
		return nil, err
	}
	return out, nil
}

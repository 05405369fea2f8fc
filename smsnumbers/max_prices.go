package smsnumbers

import (
	"context"
	"encoding/json"
	"time"

	"github.com/shopspring/decimal"

	"github.com/simkit/simkit/option"
)

const opMaxPrices = "GET /v1/user/max-prices"

// MaxPrice is a price limit the account set for one product: buys of that
// product with operator Any never pay more than Price.
type MaxPrice struct {
	// ID is the limit's id.
	ID int64 `json:"id"`
	// Product is the product the limit applies to, e.g. "telegram".
	Product string `json:"product"`
	// Price is the most a buy of Product may cost.
	Price decimal.Decimal `json:"price"`
	// CreatedAt is when the limit was set.
	CreatedAt time.Time `json:"created_at"`
	// Extra holds the members of the provider's object this type does
	// not model, by JSON name, exactly as sent; nil when there were
	// none. New provider fields are readable here before simkit
	// types them.
	Extra map[string]json.RawMessage `json:"-"`
}

// MaxPrices returns the account's price limits, one per product
// (GET /v1/user/max-prices). The endpoint is not paginated.
func (c *Client) MaxPrices(ctx context.Context, opts ...option.CallOption) ([]MaxPrice, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	var out []MaxPrice
	if err := c.send(ctx, c.userRequest(opMaxPrices, "/v1/user/max-prices", nil), &out, opts); err != nil {
		return nil, err
	}
	return out, nil
}

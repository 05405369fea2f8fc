package smsnumbers

import (
	"context"
	"iter"
	"time"

	"github.com/shopspring/decimal"

	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/page"
)

const routeListMaxPrices = "GET /v1/user/max-prices"

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
}

// ListMaxPricesParams selects the price limits to list. The provider takes
// no filters and answers every limit on one page; the struct exists so a
// filter can be added without breaking callers.
type ListMaxPricesParams struct{}

// ListMaxPrices returns the account's price limits, one per product
// (GET /v1/user/max-prices). The provider does not page this list, so the
// page is always the last one.
func (c *Client) ListMaxPrices(ctx context.Context, _ ListMaxPricesParams, opts ...option.CallOption) (*page.Page[MaxPrice], error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	var out []MaxPrice
	if err := c.send(ctx, c.userRequest(routeListMaxPrices, "/v1/user/max-prices", nil), &out, opts); err != nil {
		return nil, err
	}
	n := len(out)
	return &page.Page[MaxPrice]{Items: out, Total: &n}, nil
}

// AllMaxPrices walks the account's price limits.
func (c *Client) AllMaxPrices(ctx context.Context, p ListMaxPricesParams, opts ...option.CallOption) iter.Seq2[MaxPrice, error] {
	if err := c.ready(); err != nil {
		return errSeq[MaxPrice](err)
	}
	return walk(ctx, "", func(ctx context.Context, _ string) (*page.Page[MaxPrice], error) {
		return c.ListMaxPrices(ctx, p, opts...)
	})
}

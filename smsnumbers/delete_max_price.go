package smsnumbers

import (
	"context"
	"net/http"

	"github.com/simkit/simkit/option"
)

const opDeleteMaxPrice = "DELETE /v1/user/max-prices"

// DeleteMaxPriceParams names the price limit to remove.
type DeleteMaxPriceParams struct {
	// Product is the product whose limit goes, e.g. "telegram". Required.
	Product string
}

// DeleteMaxPrice removes the price limit of a product
// (DELETE /v1/user/max-prices, JSON {"product_name": ...}). A product
// without a limit answers an error matching simkit.ErrNotFound.
func (c *Client) DeleteMaxPrice(ctx context.Context, p DeleteMaxPriceParams, opts ...option.CallOption) error {
	if err := c.ready(); err != nil {
		return err
	}
	if err := requireSegments(opDeleteMaxPrice, "product", p.Product); err != nil {
		return err
	}
	req := c.userRequest(opDeleteMaxPrice, "/v1/user/max-prices", nil)
	req.Method = http.MethodDelete
	req.JSON = maxPriceBody{ProductName: p.Product}
	return c.send(ctx, req, nil, opts)
}

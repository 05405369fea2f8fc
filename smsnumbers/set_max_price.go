package smsnumbers

import (
	"context"
	"net/http"

	"github.com/shopspring/decimal"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/option"
)

const opSetMaxPrice = "POST /v1/user/max-prices"

// SetMaxPriceParams is a price limit to create or replace.
type SetMaxPriceParams struct {
	// Product is the product to limit, e.g. "telegram". Required.
	Product string
	// Price is the most a buy of Product with operator Any may cost; it
	// must be positive.
	Price decimal.Decimal
}

// maxPriceBody is the provider's JSON body for setting and deleting a
// limit. The price goes out as a JSON number, as the provider documents
// it, written from the decimal's exact text.
type maxPriceBody struct {
	ProductName string       `json:"product_name"`
	Price       *jsonDecimal `json:"price,omitempty"`
}

// jsonDecimal marshals a decimal as a bare JSON number without passing
// through float64.
type jsonDecimal decimal.Decimal

func (d jsonDecimal) MarshalJSON() ([]byte, error) { return []byte(decimal.Decimal(d).String()), nil }

// SetMaxPrice creates the price limit of a product, or replaces the one it
// has (POST /v1/user/max-prices). Setting a limit twice leaves one limit,
// but the call is not retried automatically: a POST is retried only where
// the provider deduplicates it.
func (c *Client) SetMaxPrice(ctx context.Context, p SetMaxPriceParams, opts ...option.CallOption) error {
	if err := c.ready(); err != nil {
		return err
	}
	if err := requireSegments(opSetMaxPrice, "product", p.Product); err != nil {
		return err
	}
	if !p.Price.IsPositive() {
		return apierror.Validation(Provider, opSetMaxPrice, "price must be positive, got %s", p.Price)
	}
	price := jsonDecimal(p.Price)
	req := c.userRequest(opSetMaxPrice, "/v1/user/max-prices", nil)
	req.Method = http.MethodPost
	req.JSON = maxPriceBody{ProductName: p.Product, Price: &price}
	return c.send(ctx, req, nil, opts)
}

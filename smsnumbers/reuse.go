package smsnumbers

import (
	"context"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/validate"
	"github.com/simkit/simkit/option"
)

const opReuse = "GET /v1/user/reuse/{product}/{number}"

// ReuseParams says which number to buy again.
type ReuseParams struct {
	// Product is the service the number was bought for, e.g. "telegram".
	// Required.
	Product string
	// Number is the phone number bought before, 4 to 15 digits without
	// the +. Required.
	Number string
}

// Reuse buys again a number bought before with BuyActivationParams.Reuse
// (GET /v1/user/reuse/{product}/{number}). Like every purchase it reaches
// the provider at most once, is never retried, and settles a lost answer
// from the orders history (an order for the same product and number): the
// order with Recovered set, or an error matching simkit.ErrOutcomeUnknown
// whose Reference shows only the number's last 4 digits. When the number
// can no longer be reused the error matches simkit.ErrConflict.
func (c *Client) Reuse(ctx context.Context, p ReuseParams, opts ...option.CallOption) (*Order, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	if err := requireSegments(opReuse, "product", p.Product); err != nil {
		return nil, err
	}
	if len(p.Number) < 4 || len(p.Number) > 15 || !validate.Digits(p.Number) {
		// The number itself stays out of the error: it is customer data.
		return nil, apierror.Validation(Provider, opReuse, "number must be 4 to 15 digits without +")
	}
	return c.buy(ctx, purchase{
		route: opReuse, path: segments("/v1/user/reuse", p.Product, p.Number),
		reference: "GET " + segments("/v1/user/reuse", p.Product) + "/" + maskNumber(p.Number),
		category:  CategoryActivation, product: p.Product, number: p.Number,
	}, opts)
}

// maskNumber keeps the last 4 digits of a phone number, enough to tell
// numbers apart in a report without exposing them.
func maskNumber(n string) string {
	if len(n) <= 4 {
		return n
	}
	b := []byte(n)
	for i := range len(b) - 4 {
		b[i] = '*'
	}
	return string(b)
}

package smsnumbers

import (
	"context"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/validate"
	"github.com/simkit/simkit/option"
)

// Reuse buys again a number bought before with ActivationRequest.Reuse
// (GET /v1/user/reuse/{product}/{number}). number is 4 to 15 digits
// without the +. Like every purchase it is never retried automatically.
// When the number can no longer be reused the error matches
// simkit.ErrConflict.
func (c *Client) Reuse(ctx context.Context, product, number string, opts ...option.CallOption) (*Order, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	const op = "GET /v1/user/reuse"
	if err := requireNonBlank(op, "product", product); err != nil {
		return nil, err
	}
	if len(number) < 4 || len(number) > 15 || !validate.Digits(number) {
		return nil, apierror.Validation(Provider, op, "number must be 4 to 15 digits without +, got %q", number)
	}
	return c.buy(ctx, segments("/v1/user/reuse", product, number), nil, opts)
}

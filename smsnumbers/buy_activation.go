package smsnumbers

import (
	"context"
	"net/url"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/transport"
	"github.com/simkit/simkit/internal/validate"
	"github.com/simkit/simkit/option"
)

// ActivationRequest says which activation number to buy.
type ActivationRequest struct {
	// Country, Operator and Product are required; Any widens country or
	// operator.
	Country  string
	Operator string
	Product  string
	// Forwarding asks for call forwarding to Number.
	Forwarding bool
	// Number is the forwarding target: a Russian number, 11 digits, no +.
	Number string
	// Reuse buys with the ability to re-buy the number later, if offered.
	Reuse bool
	// Voice buys with the ability to receive a call from a robot, if
	// offered.
	Voice bool
	// Ref is a developer referral key.
	Ref string
}

// BuyActivation buys a number for one product's SMS code
// (GET /v1/user/buy/activation/{country}/{operator}/{product}).
//
// It is sent once and never retried: the provider has no idempotency key,
// so a second attempt after a timeout could buy a second number. After an
// ambiguous failure, look for the order in Orders before buying again. A
// "no free phones" answer, even with status 200, is an error matching
// simkit.ErrOutOfStock.
func (c *Client) BuyActivation(ctx context.Context, r ActivationRequest, opts ...option.CallOption) (*Order, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	const op = "GET /v1/user/buy/activation"
	if err := requireNonBlank(op, "country", r.Country, "operator", r.Operator, "product", r.Product); err != nil {
		return nil, err
	}
	if r.Number != "" && (len(r.Number) != 11 || !validate.Digits(r.Number)) {
		return nil, apierror.Validation(Provider, op, "forwarding number must be 11 digits without +, got %q", r.Number)
	}
	v := url.Values{}
	if r.Forwarding {
		v.Set("forwarding", "1")
	}
	if r.Number != "" {
		v.Set("number", r.Number)
	}
	if r.Reuse {
		v.Set("reuse", "1")
	}
	if r.Voice {
		v.Set("voice", "1")
	}
	if r.Ref != "" {
		v.Set("ref", r.Ref)
	}
	return c.buy(ctx, segments("/v1/user/buy/activation", r.Country, r.Operator, r.Product), v, opts)
}

// buy sends a purchase without retries (see BuyActivation for why).
func (c *Client) buy(ctx context.Context, path string, v url.Values, opts []option.CallOption) (*Order, error) {
	req := c.userRequest(path, v)
	req.Idempotency = transport.NotIdempotent
	return fetch[Order](ctx, c, req, opts)
}

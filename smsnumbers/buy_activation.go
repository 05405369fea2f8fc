package smsnumbers

import (
	"context"
	"net/url"

	"github.com/shopspring/decimal"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/validate"
	"github.com/simkit/simkit/option"
)

const opBuyActivation = "GET /v1/user/buy/activation/{country}/{operator}/{product}"

// BuyActivationParams says which activation number to buy.
type BuyActivationParams struct {
	// Country is the country to buy in, e.g. "russia", or Any. Required.
	Country string
	// Operator is the operator to buy from, e.g. "beeline", or Any.
	// Required.
	Operator string
	// Product is the service the SMS code is for, e.g. "telegram".
	// Required.
	Product string
	// Forwarding asks for calls to be forwarded to ForwardingNumber.
	Forwarding bool
	// ForwardingNumber is the forwarding target: a Russian number, 11
	// digits, no +. Sent as the "number" parameter.
	ForwardingNumber string
	// Reuse buys with the ability to re-buy the number later (Reuse), if
	// the provider offers it.
	Reuse bool
	// Voice buys with the ability to receive a call from a robot, if
	// offered.
	Voice bool
	// Ref is a developer referral key.
	Ref string
	// MaxPrice, when positive, is the most the number may cost: the
	// provider sells the cheapest number in stock at or under it, or
	// answers "no free phones" (simkit.ErrOutOfStock). Only allowed with
	// Operator Any (the provider picks the operator by price); with any
	// other operator the buy is refused with simkit.ErrValidation and
	// nothing is sent. Zero means no limit beyond the account's own
	// (SetMaxPrice).
	MaxPrice decimal.Decimal
}

// BuyActivation buys a number for one product's SMS code
// (GET /v1/user/buy/activation/{country}/{operator}/{product}).
//
// It reaches the provider at most once and is never retried: the provider
// has no idempotency key, so a second attempt after a timeout could buy a
// second number. When the answer is lost (no answer, a 5xx, an unreadable
// body), the order is looked up in the orders history (see the package
// doc): found, it is returned with Recovered set; not found, or the
// history could not be read, the error matches simkit.ErrOutcomeUnknown
// and carries Reference and Started: check the orders history before
// buying again. A "no free phones" answer, even with status 200, is an
// error matching simkit.ErrOutOfStock.
func (c *Client) BuyActivation(ctx context.Context, p BuyActivationParams, opts ...option.CallOption) (*Order, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	if err := requireSegments(opBuyActivation, "country", p.Country, "operator", p.Operator, "product", p.Product); err != nil {
		return nil, err
	}
	if p.ForwardingNumber != "" && (len(p.ForwardingNumber) != 11 || !validate.Digits(p.ForwardingNumber)) {
		return nil, apierror.Validation(Provider, opBuyActivation, "forwarding number must be 11 digits without +")
	}
	if p.Ref != "" {
		if why := validate.ID(p.Ref); why != "" {
			return nil, apierror.Validation(Provider, opBuyActivation, "ref %s", why)
		}
	}
	if p.MaxPrice.IsNegative() {
		return nil, apierror.Validation(Provider, opBuyActivation, "max price must not be negative, got %s", p.MaxPrice)
	}
	if p.MaxPrice.IsPositive() && p.Operator != Any {
		return nil, apierror.Validation(Provider, opBuyActivation, "max price needs operator %q, got another operator", Any)
	}
	v := url.Values{}
	if p.MaxPrice.IsPositive() {
		v.Set("maxPrice", p.MaxPrice.String())
	}
	if p.Forwarding {
		v.Set("forwarding", "1")
	}
	if p.ForwardingNumber != "" {
		v.Set("number", p.ForwardingNumber)
	}
	if p.Reuse {
		v.Set("reuse", "1")
	}
	if p.Voice {
		v.Set("voice", "1")
	}
	if p.Ref != "" {
		v.Set("ref", p.Ref)
	}
	path := segments("/v1/user/buy/activation", p.Country, p.Operator, p.Product)
	return c.buy(ctx, purchase{
		route: opBuyActivation, path: path, query: v, reference: "GET " + path,
		category: CategoryActivation, country: p.Country, operator: p.Operator, product: p.Product,
	}, opts)
}

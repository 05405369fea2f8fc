package smsnumbers

import (
	"context"

	"github.com/shopspring/decimal"

	"github.com/simkit/simkit/option"
)

// Profile is the account's data: balance, rating and defaults. The vendor
// endpoint answers with the same shape.
type Profile struct {
	ID                      int64           `json:"id"`
	Email                   string          `json:"email"`
	Vendor                  string          `json:"vendor"`
	DefaultForwardingNumber string          `json:"default_forwarding_number"`
	Balance                 decimal.Decimal `json:"balance"`
	// FrozenBalance is money held by orders still in progress.
	FrozenBalance decimal.Decimal `json:"frozen_balance"`
	// Rating starts at and never exceeds 96; at 0 no orders can be placed
	// for 24 hours.
	Rating          decimal.Decimal `json:"rating"`
	DefaultCountry  CountryRef      `json:"default_country"`
	DefaultOperator OperatorRef     `json:"default_operator"`
}

// CountryRef names a country as the profile reports it.
type CountryRef struct {
	Name   string `json:"name"`
	ISO    string `json:"iso"`
	Prefix string `json:"prefix"` // e.g. "+7"
}

// OperatorRef names an operator as the profile reports it ("" for any).
type OperatorRef struct {
	Name string `json:"name"`
}

// Profile returns the account's email, balance and rating
// (GET /v1/user/profile).
func (c *Client) Profile(ctx context.Context, opts ...option.CallOption) (*Profile, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	return call[Profile](ctx, c, c.userRequest("GET /v1/user/profile", "/v1/user/profile", nil), opts)
}

package smsnumbers

import (
	"context"
	"encoding/json"

	"github.com/shopspring/decimal"

	"github.com/simkit/simkit/option"
)

const opProfile = "GET /v1/user/profile"

// Profile is the account's data: balance, rating and defaults. The vendor
// endpoint answers with the same shape.
type Profile struct {
	// ID is the account's id.
	ID int64 `json:"id"`
	// Email is the account's email (customer data: keep it out of logs).
	Email string `json:"email"`
	// Vendor is the vendor name.
	Vendor string `json:"vendor"`
	// DefaultForwardingNumber is the number calls are forwarded to by default.
	DefaultForwardingNumber string `json:"default_forwarding_number"`
	// Balance is the money available for buying.
	Balance decimal.Decimal `json:"balance"`
	// FrozenBalance is money held by orders still in progress.
	FrozenBalance decimal.Decimal `json:"frozen_balance"`
	// Rating starts at and never exceeds 96; at 0 no orders can be placed
	// for 24 hours.
	Rating decimal.Decimal `json:"rating"`
	// DefaultCountry is the country buys default to on the provider's site.
	DefaultCountry CountryRef `json:"default_country"`
	// DefaultOperator is the operator buys default to ("" for any).
	DefaultOperator OperatorRef `json:"default_operator"`
	// Extra holds the members of the provider's object this type does
	// not model, by JSON name, exactly as sent; nil when there were
	// none. New provider fields are readable here before simkit
	// types them.
	Extra map[string]json.RawMessage `json:"-"`
}

// CountryRef names a country as the profile reports it.
type CountryRef struct {
	// Name is the API's country key, e.g. "russia".
	Name string `json:"name"`
	// ISO is the country's ISO code, e.g. "ru".
	ISO string `json:"iso"`
	// Prefix is the dialling prefix, e.g. "+7".
	Prefix string `json:"prefix"`
	// Extra holds the members of the provider's object this type does
	// not model, by JSON name, exactly as sent; nil when there were
	// none. New provider fields are readable here before simkit
	// types them.
	Extra map[string]json.RawMessage `json:"-"`
}

// OperatorRef names an operator as the profile reports it ("" for any).
type OperatorRef struct {
	// Name is the operator's key.
	Name string `json:"name"`
	// Extra holds the members of the provider's object this type does
	// not model, by JSON name, exactly as sent; nil when there were
	// none. New provider fields are readable here before simkit
	// types them.
	Extra map[string]json.RawMessage `json:"-"`
}

// Profile returns the account's email, balance and rating
// (GET /v1/user/profile).
func (c *Client) Profile(ctx context.Context, opts ...option.CallOption) (*Profile, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	return call[Profile](ctx, c, c.userRequest(opProfile, "/v1/user/profile", nil), opts)
}

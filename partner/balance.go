package partner

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/shopspring/decimal"

	"github.com/simkit/simkit/internal/transport"
	"github.com/simkit/simkit/option"
)

// Balance is the partner's money position.
type Balance struct {
	// Balance is the account balance; negative while overdrafted.
	Balance decimal.Decimal `json:"balance"`
	// Currency of every amount here.
	Currency string `json:"currency"`
	// ReservedAmount is held by orders in progress.
	ReservedAmount decimal.Decimal `json:"reserved_amount"`
	// AvailableBalance is what an order may spend: balance minus reserved,
	// plus the overdraft allowance when enabled.
	AvailableBalance decimal.Decimal `json:"available_balance"`
	// AllowOverdraft says whether the balance may go below zero.
	AllowOverdraft bool `json:"allow_overdraft"`
	// OverdraftLimit is how far below zero it may go.
	OverdraftLimit decimal.Decimal `json:"overdraft_limit"`
	// IsOverdrafted is true while the balance is below zero.
	IsOverdrafted bool `json:"is_overdrafted"`
	// Extra holds the members of the provider's object this type does
	// not model, by JSON name, exactly as sent; nil when there were
	// none. New provider fields are readable here before simkit
	// types them.
	Extra map[string]json.RawMessage `json:"-"`
}

const opBalance = "GET /balance"

// Balance returns the current balance with overdraft details (GET /balance).
func (c *Client) Balance(ctx context.Context, opts ...option.CallOption) (*Balance, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	req := &transport.Request{Method: http.MethodGet, Path: "/balance", Op: opBalance}
	b, _, err := call[*Balance](ctx, c, req, opts)
	if err != nil {
		return nil, err
	}
	if b == nil {
		return nil, badResponse(c, opBalance, nil)
	}
	return b, nil
}

package smsnumbers

import (
	"context"

	"github.com/shopspring/decimal"

	"github.com/simkit/simkit/option"
)

const opWallets = "GET /v1/vendor/wallets"

// Wallets returns the vendor's reserves per payment system, e.g.
// "fkwallet", "payeer", "unitpay" (GET /v1/vendor/wallets).
func (c *Client) Wallets(ctx context.Context, opts ...option.CallOption) (map[string]decimal.Decimal, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	var out map[string]decimal.Decimal
	if err := c.send(ctx, c.userRequest(opWallets, "/v1/vendor/wallets", nil), &out, opts); err != nil {
		return nil, err
	}
	return out, nil
}

package smsnumbers

import (
	"context"
	"net/http"

	"github.com/shopspring/decimal"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/validate"
	"github.com/simkit/simkit/option"
)

// WithdrawMethod is how a vendor payout is paid out.
type WithdrawMethod string

// Payout methods.
const (
	MethodVisa   WithdrawMethod = "visa"
	MethodQiwi   WithdrawMethod = "qiwi"
	MethodYandex WithdrawMethod = "yandex"
)

// WithdrawFee is the payment system a vendor payout goes through (and
// pays its fee to).
type WithdrawFee string

// Payout payment systems.
const (
	FeeFKWallet WithdrawFee = "fkwallet"
	FeePayeer   WithdrawFee = "payeer"
	FeeUnitpay  WithdrawFee = "unitpay"
)

// WithdrawRequest is a vendor payout.
type WithdrawRequest struct {
	// Receiver is the card or wallet to pay to.
	Receiver string
	Method   WithdrawMethod
	// Amount must be positive; it is sent as a decimal string.
	Amount decimal.Decimal
	Fee    WithdrawFee
}

type withdrawBody struct {
	Receiver string `json:"receiver"`
	Method   string `json:"method"`
	Amount   string `json:"amount"`
	Fee      string `json:"fee"`
}

// Withdraw creates a payout of the vendor's money (POST /v1/vendor/withdraw).
// It moves money and the provider has no idempotency key, so it is sent
// once and never retried.
func (c *Client) Withdraw(ctx context.Context, r WithdrawRequest, opts ...option.CallOption) error {
	if err := c.ready(); err != nil {
		return err
	}
	const op = "POST /v1/vendor/withdraw"
	if validate.Blank(r.Receiver) {
		return apierror.Validation(Provider, op, "receiver is required")
	}
	switch r.Method {
	case MethodVisa, MethodQiwi, MethodYandex:
	default:
		return apierror.Validation(Provider, op, "method must be visa, qiwi or yandex, got %q", r.Method)
	}
	switch r.Fee {
	case FeeFKWallet, FeePayeer, FeeUnitpay:
	default:
		return apierror.Validation(Provider, op, "fee must be fkwallet, payeer or unitpay, got %q", r.Fee)
	}
	if !r.Amount.IsPositive() {
		return apierror.Validation(Provider, op, "amount must be positive, got %s", r.Amount)
	}
	req := c.userRequest("/v1/vendor/withdraw", nil)
	req.Method = http.MethodPost
	req.JSON = withdrawBody{Receiver: r.Receiver, Method: string(r.Method), Amount: r.Amount.String(), Fee: string(r.Fee)}
	return c.call(ctx, req, nil, opts)
}

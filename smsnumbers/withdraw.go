package smsnumbers

import (
	"context"
	"net/http"
	"time"

	"github.com/shopspring/decimal"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/transport"
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

const opWithdraw = "POST /v1/vendor/withdraw"

// WithdrawParams is a vendor payout.
type WithdrawParams struct {
	// Receiver is the card or wallet to pay to. Required.
	Receiver string
	// Method is how the payout is paid: MethodVisa, MethodQiwi or
	// MethodYandex.
	Method WithdrawMethod
	// Amount must be positive; it is sent as a decimal string.
	Amount decimal.Decimal
	// Fee is the payment system the payout goes through: FeeFKWallet,
	// FeePayeer or FeeUnitpay.
	Fee WithdrawFee
}

// Withdrawal is the outcome of a Withdraw that went through.
type Withdrawal struct {
	// Recovered is set when the provider's answer was lost and the payout
	// was found in the vendor payments history instead.
	Recovered bool
	// Payment is that history entry when Recovered, nil otherwise (the
	// provider's answer to a payout carries no data).
	Payment *Payment
}

type withdrawBody struct {
	Receiver string `json:"receiver"`
	Method   string `json:"method"`
	Amount   string `json:"amount"`
	Fee      string `json:"fee"`
}

// Withdraw creates a payout of the vendor's money (POST /v1/vendor/withdraw).
// It moves money and the provider has no idempotency key, so it reaches
// the provider at most once and is never retried. When the answer is lost
// (no answer, a 5xx, an unreadable body), the payout is looked up in the
// vendor payments history (an entry of the same amount created since the
// call began, not yet claimed by another call): found, the Withdrawal has
// Recovered set; not found, or the history could not be read, the error
// matches simkit.ErrOutcomeUnknown and carries Reference and Started:
// check the vendor payments before paying out again.
func (c *Client) Withdraw(ctx context.Context, p WithdrawParams, opts ...option.CallOption) (*Withdrawal, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	if why := validate.ID(p.Receiver); why != "" {
		return nil, apierror.Validation(Provider, opWithdraw, "receiver %s", why)
	}
	switch p.Method {
	case MethodVisa, MethodQiwi, MethodYandex:
	default:
		return nil, apierror.Validation(Provider, opWithdraw, "method must be visa, qiwi or yandex, got %q", p.Method)
	}
	switch p.Fee {
	case FeeFKWallet, FeePayeer, FeeUnitpay:
	default:
		return nil, apierror.Validation(Provider, opWithdraw, "fee must be fkwallet, payeer or unitpay, got %q", p.Fee)
	}
	if !p.Amount.IsPositive() {
		return nil, apierror.Validation(Provider, opWithdraw, "amount must be positive, got %s", p.Amount)
	}
	started := c.t.Now()
	req := c.userRequest(opWithdraw, "/v1/vendor/withdraw", nil)
	req.Method = http.MethodPost
	req.Idempotency = transport.NotIdempotent
	req.JSON = withdrawBody{Receiver: p.Receiver, Method: string(p.Method), Amount: p.Amount.String(), Fee: string(p.Fee)}
	err := c.send(ctx, req, nil, opts)
	if err == nil {
		return &Withdrawal{}, nil
	}
	if !transport.Ambiguous(err) {
		return nil, err
	}
	return c.settleWithdraw(ctx, p, started, err)
}

// settleWithdraw looks for the payout of a Withdraw whose answer was lost:
// the newest vendor payments created since the call began, the first of
// the same amount not yet claimed.
func (c *Client) settleWithdraw(ctx context.Context, p WithdrawParams, started time.Time, cause error) (*Withdrawal, error) {
	ctx, cancel := settleContext(ctx)
	defer cancel()
	// The receiver is customer data: the reference names the payout by
	// its amount, method and payment system only.
	ref := "POST /v1/vendor/withdraw amount=" + p.Amount.String() + " method=" + string(p.Method) + " fee=" + string(p.Fee)
	since := started.Add(-SettleSkew)
	scanned := 0
	for pay, err := range c.AllVendorPayments(ctx, ListVendorPaymentsParams{Limit: settlePageSize, Order: "id", Reverse: true}) {
		if err != nil {
			return nil, outcomeUnknown(opWithdraw, ref, started, cause, "the vendor payments history could not be read", err)
		}
		if pay.CreatedAt.Before(since) || scanned >= settleMaxScan {
			break
		}
		scanned++
		// A payout may be recorded as a negative movement.
		if !pay.Amount.Abs().Equal(p.Amount) {
			continue
		}
		ok, err := c.claims.claim(ctx, "payment", pay.ID)
		if err != nil {
			return nil, outcomeUnknown(opWithdraw, ref, started, cause, "a matching payment could not be claimed in the store", err)
		}
		if !ok {
			continue
		}
		c.t.Logger().InfoContext(ctx, "simkit: lost answer settled from the history", "route", opWithdraw)
		return &Withdrawal{Recovered: true, Payment: &pay}, nil
	}
	return nil, outcomeUnknown(opWithdraw, ref, started, cause, "no matching payout in the vendor payments history yet", nil)
}

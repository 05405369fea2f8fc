package smsnumbers

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/shopspring/decimal"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/money"
	"github.com/simkit/simkit/internal/transport"
	"github.com/simkit/simkit/internal/validate"
	"github.com/simkit/simkit/ledger"
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
	// Extra holds the members of the provider's object this type does
	// not model, by JSON name, exactly as sent; nil when there were
	// none. New provider fields are readable here before simkit
	// types them.
	Extra map[string]json.RawMessage `json:"-"`
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
// vendor payments history (an entry of the same amount created within the
// call's attempts that no other call holds or could have made; see the
// package doc's Settling): found, the Withdrawal has
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
	// The receiver is customer data: the reference names the payout by
	// its amount, method and payment system only.
	ref := "POST /v1/vendor/withdraw amount=" + p.Amount.String() + " method=" + string(p.Method) + " fee=" + string(p.Fee)
	rec, opts := money.NewRecord(opts)
	e, err := money.Begin(ctx, c.ledger, ledger.Intent{
		Call: opWithdraw, Reference: ref, Subject: "withdraw/" + p.Amount.String(),
		Amount: decimal.NewNullDecimal(p.Amount), Meta: map[string]string{"method": string(p.Method), "fee": string(p.Fee),
			// Reconciliation settles lost payouts to one receiver as a
			// group; only a keyed hash tells them apart from others.
			"receiver": c.ledger.Hash("receiver\x00" + p.Receiver)},
	})
	if err != nil {
		rec.Done(false)
		return nil, ledgerRefused(opWithdraw, err)
	}
	req := c.userRequest(opWithdraw, "/v1/vendor/withdraw", nil)
	req.Method = http.MethodPost
	req.Idempotency = transport.NotIdempotent
	req.JSON = withdrawBody{Receiver: p.Receiver, Method: string(p.Method), Amount: p.Amount.String(), Fee: string(p.Fee)}
	err = c.send(ctx, req, nil, opts)
	if err == nil {
		money.Finish(ctx, c.ledger, c.t.Logger(), e, ledger.Outcome{State: ledger.StateDone})
		rec.Done(false)
		return &Withdrawal{}, nil
	}
	if !transport.Ambiguous(err) {
		money.Finish(ctx, c.ledger, c.t.Logger(), e, ledger.Outcome{State: ledger.StateFailed})
		rec.Done(false)
		return nil, money.Mark(err, false, true)
	}
	w, err := c.settleWithdraw(ctx, p, e, ref, err, rec)
	rec.Done(err == nil)
	return w, err
}

// settleWithdraw looks for the payout of a Withdraw whose answer was lost:
// a vendor payment of the same amount created within the call's attempts
// that no other call holds or could have made (see settle).
func (c *Client) settleWithdraw(ctx context.Context, p WithdrawParams, e *ledger.Entry, ref string, cause error, rec *money.Record) (*Withdrawal, error) {
	ctx, cancel := settleContext(ctx)
	defer cancel()
	if err := money.Lost(ctx, c.ledger, e, c.t.Now()); err != nil {
		return nil, c.unknown(ctx, e, opWithdraw, ref, cause, "the ledger could not record the lost answer", err)
	}
	if !c.ledger.CanList() {
		return nil, c.unknown(ctx, e, opWithdraw, ref, cause, "the Store cannot list the fleet's calls (store.Indexer), so no payment can be proven this call's", nil)
	}
	from := e.WindowStart.Add(-c.settleSkew)
	read := func() ([]candidate, error) {
		lopts, done := rec.Lookup(opListVendorPayments, nil)
		var cands []candidate
		scanned := 0
		for pay, err := range c.AllVendorPayments(ctx, ListVendorPaymentsParams{Limit: settlePageSize, Order: "id", Reverse: true}, lopts...) {
			if err != nil {
				done(err)
				return nil, err
			}
			if pay.CreatedAt.Before(from) || scanned >= settleMaxScan {
				break
			}
			scanned++
			// A payout may be recorded as a negative movement.
			if !pay.Amount.Abs().Equal(p.Amount) {
				continue
			}
			pay := pay
			cands = append(cands, candidate{
				id: strconv.FormatInt(pay.ID, 10), created: pay.CreatedAt, payment: &pay,
				fits: func(*ledger.Entry) bool { return true }, // one subject per amount
			})
		}
		done(nil)
		return cands, nil
	}
	got, why, err := c.settle(ctx, e, "payment", read)
	if err != nil || got == nil {
		return nil, c.unknown(ctx, e, opWithdraw, ref, cause, why, err)
	}
	money.Finish(ctx, c.ledger, c.t.Logger(), e, ledger.Outcome{State: ledger.StateRecovered, ProviderIDs: []string{got.id},
		Meta: map[string]string{"proof": got.proof}})
	c.t.Logger().InfoContext(ctx, "simkit: lost answer settled from the history", "route", opWithdraw)
	return &Withdrawal{Recovered: true, Payment: got.payment}, nil
}

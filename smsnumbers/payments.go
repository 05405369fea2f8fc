package smsnumbers

import (
	"context"
	"iter"
	"time"

	"github.com/shopspring/decimal"

	"github.com/simkit/simkit/option"
)

// Payment is one movement of the account's balance.
type Payment struct {
	ID           int64           `json:"ID"`
	TypeName     string          `json:"TypeName"`     // e.g. "charge"
	ProviderName string          `json:"ProviderName"` // payment system, e.g. "admin"
	Amount       decimal.Decimal `json:"Amount"`
	Balance      decimal.Decimal `json:"Balance"` // balance after the payment
	CreatedAt    time.Time       `json:"CreatedAt"`
}

// PaymentsPage is one page of a payments history.
type PaymentsPage struct {
	Data             []Payment `json:"Data"`
	PaymentTypes     Names     `json:"PaymentTypes"`
	PaymentProviders Names     `json:"PaymentProviders"`
	// PaymentStatuses is sent by the vendor history only.
	PaymentStatuses Names `json:"PaymentStatuses"`
	// Total counts all payments, not just this page.
	Total int `json:"Total"`
}

// Payments returns one page of the account's payments
// (GET /v1/user/payments).
func (c *Client) Payments(ctx context.Context, q PageQuery, opts ...option.CallOption) (*PaymentsPage, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	return c.paymentsPage(ctx, "/v1/user/payments", q, opts)
}

// AllPayments walks the account's payments from q.Offset on, one page
// (q.Limit records) at a time.
func (c *Client) AllPayments(ctx context.Context, q PageQuery, opts ...option.CallOption) iter.Seq2[Payment, error] {
	if err := c.ready(); err != nil {
		return errSeq[Payment](err)
	}
	return c.walkPayments(ctx, "/v1/user/payments", q, opts)
}

// paymentsPage serves both the user's and the vendor's payments history.
func (c *Client) paymentsPage(ctx context.Context, path string, q PageQuery, opts []option.CallOption) (*PaymentsPage, error) {
	v, err := q.values("GET " + path)
	if err != nil {
		return nil, err
	}
	return fetch[PaymentsPage](ctx, c, c.userRequest(path, v), opts)
}

func (c *Client) walkPayments(ctx context.Context, path string, q PageQuery, opts []option.CallOption) iter.Seq2[Payment, error] {
	return walkOffset(ctx, q, func(ctx context.Context, q PageQuery) ([]Payment, int, error) {
		p, err := c.paymentsPage(ctx, path, q, opts)
		if err != nil {
			return nil, 0, err
		}
		return p.Data, p.Total, nil
	})
}

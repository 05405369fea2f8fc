package partner

import (
	"context"
	"encoding/json"
	"iter"
	"net/http"
	"time"

	"github.com/shopspring/decimal"

	"github.com/simkit/simkit/internal/jsonx"
	"github.com/simkit/simkit/internal/paging"
	"github.com/simkit/simkit/internal/transport"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/page"
)

// Transaction is one balance movement. The original/fee/exchange fields are
// set only for payments made in another currency, hence nullable: null is
// not zero.
type Transaction struct {
	// ID is the provider's id for the movement. The docs do not type it and
	// the provider sends numbers as well as strings; a number is kept
	// exactly as written.
	ID string `json:"id"`
	// Type is charge, topup or another kind the provider adds.
	Type TransactionType `json:"type"`
	// Amount is the change of balance (negative for a charge).
	Amount decimal.Decimal `json:"amount"`
	// BalanceAfter is the balance once the movement was applied.
	BalanceAfter decimal.Decimal `json:"balance_after"`
	// Currency of Amount and BalanceAfter.
	Currency string `json:"currency"`
	// CreatedAt is when the movement happened.
	CreatedAt time.Time `json:"created_at"`
	// OrderID is the order a charge or refund belongs to ("" when none).
	OrderID string `json:"order_id"`
	// PaymentMethod is how a topup was paid ("" when not sent).
	PaymentMethod string `json:"payment_method"`
	// FeeAmount is the payment fee, when one applied.
	FeeAmount decimal.NullDecimal `json:"fee_amount"`
	// OriginalAmount is the amount in the payment's own currency.
	OriginalAmount decimal.NullDecimal `json:"original_amount"`
	// OriginalCurrency is the payment's own currency.
	OriginalCurrency string `json:"original_currency"`
	// ExchangeRate converted OriginalAmount into Currency.
	ExchangeRate decimal.NullDecimal `json:"exchange_rate"`
	// Extra holds the members of the provider's object this type does
	// not model, by JSON name, exactly as sent; nil when there were
	// none. New provider fields are readable here before simkit
	// types them.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON reads the untyped ids (a number or a string) and times in
// any layout the provider writes, so one odd row never fails a page.
func (t *Transaction) UnmarshalJSON(b []byte) error {
	type plain Transaction
	var raw struct {
		*plain
		ID        jsonx.String `json:"id"`
		OrderID   jsonx.String `json:"order_id"`
		CreatedAt jsonx.Time   `json:"created_at"`
	}
	raw.plain = (*plain)(t)
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	t.ID, t.OrderID, t.CreatedAt = string(raw.ID), string(raw.OrderID), time.Time(raw.CreatedAt)
	return nil
}

// ListTransactionsParams selects a page of balance history for
// ListTransactions and AllTransactions.
type ListTransactionsParams struct {
	// Cursor is the Next of the previous page; empty for the first page.
	Cursor string
	// PerPage is 1..100; zero means the server default (50).
	PerPage int
}

const opListTransactions = "GET /balance/history"

// ListTransactions returns one page of balance history
// (GET /balance/history), newest first as the provider orders it.
func (c *Client) ListTransactions(ctx context.Context, p ListTransactionsParams, opts ...option.CallOption) (*page.Page[Transaction], error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	q, err := pageQuery(opListTransactions, p.Cursor, p.PerPage, maxPerPageTransactions)
	if err != nil {
		return nil, err
	}
	return listPage[Transaction](ctx, c, &transport.Request{Method: http.MethodGet, Path: "/balance/history", Query: q, Op: opListTransactions}, opts)
}

// AllTransactions walks every page of balance history lazily, starting at
// p.Cursor; a break stops it without fetching another page.
func (c *Client) AllTransactions(ctx context.Context, p ListTransactionsParams, opts ...option.CallOption) iter.Seq2[Transaction, error] {
	return paging.All(ctx, c.ListTransactions, p, func(p *ListTransactionsParams) *string { return &p.Cursor }, opts)
}

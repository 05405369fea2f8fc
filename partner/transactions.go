package partner

import (
	"context"
	"iter"
	"net/http"
	"time"

	"github.com/shopspring/decimal"

	"github.com/simkit/simkit/internal/transport"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/page"
)

// Transaction is one balance movement. The original/fee/exchange fields are
// set only for payments made in another currency, hence nullable.
type Transaction struct {
	ID               string              `json:"id"`
	Type             TransactionType     `json:"type"`
	Amount           decimal.Decimal     `json:"amount"`
	BalanceAfter     decimal.Decimal     `json:"balance_after"`
	Currency         string              `json:"currency"`
	CreatedAt        time.Time           `json:"created_at"`
	OrderID          string              `json:"order_id"`
	PaymentMethod    string              `json:"payment_method"`
	FeeAmount        decimal.NullDecimal `json:"fee_amount"`
	OriginalAmount   decimal.NullDecimal `json:"original_amount"`
	OriginalCurrency string              `json:"original_currency"`
	ExchangeRate     decimal.NullDecimal `json:"exchange_rate"`
}

// ListTransactionsParams selects a page of balance history.
type ListTransactionsParams struct {
	// Cursor is Meta.NextCursor of the previous page; empty for the first.
	Cursor string
	// PerPage is 1..100; zero means the server default (50).
	PerPage int
}

const opTransactions = "GET /balance/history"

// ListTransactions returns one page of balance history
// (GET /balance/history), newest first as the server orders it.
func (c *Client) ListTransactions(ctx context.Context, p ListTransactionsParams, opts ...option.CallOption) ([]Transaction, Meta, error) {
	if err := c.ready(); err != nil {
		return nil, Meta{}, err
	}
	q, err := pageQuery(opTransactions, p.Cursor, p.PerPage, maxPerPageTransactions)
	if err != nil {
		return nil, Meta{}, err
	}
	return call[[]Transaction](ctx, c, &transport.Request{Method: http.MethodGet, Path: "/balance/history", Query: q}, opts)
}

// ListTransactionsAll walks every page of balance history lazily, starting
// at p.Cursor; a break stops it without fetching another page.
func (c *Client) ListTransactionsAll(ctx context.Context, p ListTransactionsParams, opts ...option.CallOption) iter.Seq2[Transaction, error] {
	return page.Walk(ctx, func(ctx context.Context, token string) ([]Transaction, string, error) {
		if token != "" {
			p.Cursor = token
		}
		items, meta, err := c.ListTransactions(ctx, p, opts...)
		return items, meta.NextCursor, err
	})
}

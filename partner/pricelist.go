package partner

import (
	"context"
	"encoding/json"
	"iter"
	"net/http"
	"net/url"

	"github.com/shopspring/decimal"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/transport"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/page"
)

// PricelistItem is one SKU with its current price and stock. The docs show
// only "SKU prices and stock status"; the product fields are decoded when
// the server sends them.
type PricelistItem struct {
	ID          string              `json:"id"`
	Name        string              `json:"name"`
	ProductID   string              `json:"product_id"`
	ProductName string              `json:"product_name"`
	Type        ProductType         `json:"type"`
	CategoryID  int                 `json:"category_id"`
	Price       decimal.NullDecimal `json:"price"`
	Currency    string              `json:"currency"`
	Stock       Stock               `json:"stock"`
	MaxPerOrder int                 `json:"max_per_order"`
	Attributes  json.RawMessage     `json:"attributes"`
}

// PricelistParams selects a page of the pricelist.
type PricelistParams struct {
	// Locale of the texts; empty means the partner's default.
	Locale Locale
	// Cursor is Meta.NextCursor of the previous page; empty for the first.
	Cursor string
	// PerPage is 1..200; zero means the server default (100).
	PerPage int
	// CategoryID filters by category; zero means all.
	CategoryID int
	// Type filters by product type: only voucher, recharge_fixed and esim
	// are accepted here.
	Type ProductType
}

const opPricelist = "GET /catalog/pricelist"

func (p PricelistParams) query() (url.Values, error) {
	q, err := pageQuery(opPricelist, p.Cursor, p.PerPage, maxPerPageCatalog)
	if err != nil {
		return nil, err
	}
	if err := setLocale(q, opPricelist, p.Locale); err != nil {
		return nil, err
	}
	if err := setCategory(q, opPricelist, p.CategoryID); err != nil {
		return nil, err
	}
	if p.Type != "" {
		if !p.Type.validForPricelist() {
			return nil, apierror.Validation(Provider, opPricelist, "pricelist type must be voucher, recharge_fixed or esim, got %q", string(p.Type))
		}
		q.Set("type", string(p.Type))
	}
	return q, nil
}

// Pricelist returns one page of SKU prices and stock (GET /catalog/pricelist).
func (c *Client) Pricelist(ctx context.Context, p PricelistParams, opts ...option.CallOption) ([]PricelistItem, Meta, error) {
	if err := c.ready(); err != nil {
		return nil, Meta{}, err
	}
	q, err := p.query()
	if err != nil {
		return nil, Meta{}, err
	}
	return call[[]PricelistItem](ctx, c, &transport.Request{Method: http.MethodGet, Path: "/catalog/pricelist", Query: q}, opts)
}

// PricelistAll walks every page of the pricelist lazily, starting at
// p.Cursor; a break stops it without fetching another page.
func (c *Client) PricelistAll(ctx context.Context, p PricelistParams, opts ...option.CallOption) iter.Seq2[PricelistItem, error] {
	return page.Walk(ctx, func(ctx context.Context, token string) ([]PricelistItem, string, error) {
		if token != "" {
			p.Cursor = token
		}
		items, meta, err := c.Pricelist(ctx, p, opts...)
		return items, meta.NextCursor, err
	})
}

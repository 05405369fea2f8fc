package partner

import (
	"context"
	"encoding/json"
	"iter"
	"net/http"
	"net/url"

	"github.com/shopspring/decimal"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/paging"
	"github.com/simkit/simkit/internal/transport"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/page"
)

// PricelistItem is one SKU with its current price and stock. The docs show
// only "SKU prices and stock status"; the product fields are decoded when
// the server sends them.
type PricelistItem struct {
	// ID is the SKU's UUID (what CreateOrder's Item.SKUID takes).
	ID string `json:"id"`
	// Name is the SKU's name in the requested locale.
	Name string `json:"name"`
	// ProductID is the product the SKU belongs to.
	ProductID string `json:"product_id"`
	// ProductName is that product's name.
	ProductName string `json:"product_name"`
	// Type is the product's type.
	Type ProductType `json:"type"`
	// CategoryID is the product's category.
	CategoryID int `json:"category_id"`
	// Price is the unit price; null (Valid false) for open-range SKUs,
	// where the order carries the amount. Null is not free.
	Price decimal.NullDecimal `json:"price"`
	// Currency of Price.
	Currency string `json:"currency"`
	// Stock is the SKU's availability.
	Stock Stock `json:"stock"`
	// MaxPerOrder caps an order's quantity (0 when not sent).
	MaxPerOrder int `json:"max_per_order"`
	// Attributes are kept raw: their shape depends on the category.
	Attributes json.RawMessage `json:"attributes"`
	// Extra holds the members of the provider's object this type does
	// not model, by JSON name, exactly as sent; nil when there were
	// none. New provider fields are readable here before simkit
	// types them.
	Extra map[string]json.RawMessage `json:"-"`
}

// ListPricelistParams selects a page of the pricelist for ListPricelist and
// AllPricelist.
type ListPricelistParams struct {
	// Locale of the texts; empty means the partner's default.
	Locale Locale
	// Cursor is the Next of the previous page; empty for the first page.
	Cursor string
	// PerPage is 1..200; zero means the server default (100).
	PerPage int
	// CategoryID filters by category; zero means all.
	CategoryID int
	// Type filters by product type: only voucher, recharge_fixed and esim
	// are accepted here.
	Type ProductType
}

const opListPricelist = "GET /catalog/pricelist"

func (p ListPricelistParams) query() (url.Values, error) {
	q, err := pageQuery(opListPricelist, p.Cursor, p.PerPage, maxPerPageCatalog)
	if err != nil {
		return nil, err
	}
	if err := setLocale(q, opListPricelist, p.Locale); err != nil {
		return nil, err
	}
	if err := setCategory(q, opListPricelist, p.CategoryID); err != nil {
		return nil, err
	}
	if p.Type != "" {
		if !p.Type.validForPricelist() {
			return nil, apierror.Validation(Provider, opListPricelist, "pricelist type must be voucher, recharge_fixed or esim, got %q", string(p.Type))
		}
		q.Set("type", string(p.Type))
	}
	return q, nil
}

// ListPricelist returns one page of SKU prices and stock
// (GET /catalog/pricelist).
func (c *Client) ListPricelist(ctx context.Context, p ListPricelistParams, opts ...option.CallOption) (*page.Page[PricelistItem], error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	q, err := p.query()
	if err != nil {
		return nil, err
	}
	return listPage[PricelistItem](ctx, c, &transport.Request{Method: http.MethodGet, Path: "/catalog/pricelist", Query: q, Op: opListPricelist}, opts)
}

// AllPricelist walks every page of the pricelist lazily, starting at
// p.Cursor; a break stops it without fetching another page.
func (c *Client) AllPricelist(ctx context.Context, p ListPricelistParams, opts ...option.CallOption) iter.Seq2[PricelistItem, error] {
	return paging.All(ctx, c.ListPricelist, p, func(p *ListPricelistParams) *string { return &p.Cursor }, opts)
}

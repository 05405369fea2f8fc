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
	"github.com/simkit/simkit/internal/validate"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/page"
)

// Product is a catalog entry. SKUs are filled by GetProduct, and by
// ListProducts only with IncludeSKUs (then without prices).
type Product struct {
	ID               string           `json:"id"`
	Name             string           `json:"name"`
	Type             ProductType      `json:"type"`
	DenominationType DenominationType `json:"denomination_type"`
	Category         *CategoryRef     `json:"category"`
	Description      string           `json:"description"`
	Image            string           `json:"image"`
	// Attributes are kept raw: their shape depends on the category (see
	// ListCategories).
	Attributes json.RawMessage `json:"attributes"`
	SKUs       []SKU           `json:"skus"`
}

// CategoryRef names the category a product belongs to.
type CategoryRef struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
}

// SKU is one orderable variant of a product. Price is null for open-range
// products, where the order carries the amount.
type SKU struct {
	ID          string              `json:"id"`
	Name        string              `json:"name"`
	Price       decimal.NullDecimal `json:"price"`
	Currency    string              `json:"currency"`
	Stock       Stock               `json:"stock"`
	MaxPerOrder int                 `json:"max_per_order"`
	Image       string              `json:"image"`
	Attributes  json.RawMessage     `json:"attributes"`
}

// ListProductsParams selects a page of the catalog.
type ListProductsParams struct {
	// Locale of the texts; empty means the partner's default.
	Locale Locale
	// Cursor is Meta.NextCursor of the previous page; empty for the first.
	Cursor string
	// PerPage is 1..200; zero means the server default (100).
	PerPage int
	// CategoryID filters by category; zero means all.
	CategoryID int
	// Type filters by product type; empty means all.
	Type ProductType
	// IncludeSKUs adds each product's SKUs (without prices).
	IncludeSKUs bool
}

const opProducts = "GET /catalog/products"

func (p ListProductsParams) query() (url.Values, error) {
	q, err := pageQuery(opProducts, p.Cursor, p.PerPage, maxPerPageCatalog)
	if err != nil {
		return nil, err
	}
	if err := setLocale(q, opProducts, p.Locale); err != nil {
		return nil, err
	}
	if err := setCategory(q, opProducts, p.CategoryID); err != nil {
		return nil, err
	}
	if p.Type != "" {
		if !p.Type.Valid() {
			return nil, apierror.Validation(Provider, opProducts, "unknown product type %q", string(p.Type))
		}
		q.Set("type", string(p.Type))
	}
	if p.IncludeSKUs {
		// OpenAPI's form style for a boolean query parameter.
		q.Set("include_skus", "true")
	}
	return q, nil
}

// ListProducts returns one page of the catalog (GET /catalog/products).
func (c *Client) ListProducts(ctx context.Context, p ListProductsParams, opts ...option.CallOption) ([]Product, Meta, error) {
	if err := c.ready(); err != nil {
		return nil, Meta{}, err
	}
	q, err := p.query()
	if err != nil {
		return nil, Meta{}, err
	}
	return call[[]Product](ctx, c, &transport.Request{Method: http.MethodGet, Path: "/catalog/products", Query: q}, opts)
}

// ListProductsAll walks every page of the catalog lazily, starting at
// p.Cursor; a break stops it without fetching another page.
func (c *Client) ListProductsAll(ctx context.Context, p ListProductsParams, opts ...option.CallOption) iter.Seq2[Product, error] {
	return page.Walk(ctx, func(ctx context.Context, token string) ([]Product, string, error) {
		if token != "" {
			p.Cursor = token
		}
		items, meta, err := c.ListProducts(ctx, p, opts...)
		return items, meta.NextCursor, err
	})
}

// GetProductParams selects the language of a product's texts.
type GetProductParams struct {
	// Locale of the texts; empty means the partner's default.
	Locale Locale
}

// GetProduct returns one product with its SKUs, prices and stock
// (GET /catalog/products/{uuid}).
func (c *Client) GetProduct(ctx context.Context, id string, p GetProductParams, opts ...option.CallOption) (*Product, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	const op = "GET /catalog/products/{uuid}"
	if !validate.UUID(id) {
		return nil, apierror.Validation(Provider, op, "product id must be a UUID, got %q", id)
	}
	q := url.Values{}
	if err := setLocale(q, op, p.Locale); err != nil {
		return nil, err
	}
	req := &transport.Request{Method: http.MethodGet, Path: "/catalog/products/" + url.PathEscape(id), Query: q, Op: op}
	prod, _, err := call[*Product](ctx, c, req, opts)
	if err != nil {
		return nil, err
	}
	if prod == nil {
		return nil, badResponse(c, op, nil)
	}
	return prod, nil
}

package partner

import (
	"context"
	"iter"
	"net/http"
	"net/url"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/paging"
	"github.com/simkit/simkit/internal/transport"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/page"
)

// ListProductsParams selects a page of the catalog for ListProducts and
// AllProducts.
type ListProductsParams struct {
	// Locale of the texts; empty means the partner's default.
	Locale Locale
	// Cursor is the Next of the previous page; empty for the first page.
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

const opListProducts = "GET /catalog/products"

func (p ListProductsParams) query() (url.Values, error) {
	q, err := pageQuery(opListProducts, p.Cursor, p.PerPage, maxPerPageCatalog)
	if err != nil {
		return nil, err
	}
	if err := setLocale(q, opListProducts, p.Locale); err != nil {
		return nil, err
	}
	if err := setCategory(q, opListProducts, p.CategoryID); err != nil {
		return nil, err
	}
	if p.Type != "" {
		if !p.Type.Valid() {
			return nil, apierror.Validation(Provider, opListProducts, "unknown product type %q", string(p.Type))
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
func (c *Client) ListProducts(ctx context.Context, p ListProductsParams, opts ...option.CallOption) (*page.Page[Product], error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	q, err := p.query()
	if err != nil {
		return nil, err
	}
	return listPage[Product](ctx, c, &transport.Request{Method: http.MethodGet, Path: "/catalog/products", Query: q, Op: opListProducts}, opts)
}

// AllProducts walks every page of the catalog lazily, starting at
// p.Cursor; a break stops it without fetching another page.
func (c *Client) AllProducts(ctx context.Context, p ListProductsParams, opts ...option.CallOption) iter.Seq2[Product, error] {
	return paging.All(ctx, c.ListProducts, p, func(p *ListProductsParams) *string { return &p.Cursor }, opts)
}

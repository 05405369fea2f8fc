package partner

import (
	"context"
	"net/http"
	"net/url"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/transport"
	"github.com/simkit/simkit/internal/validate"
	"github.com/simkit/simkit/option"
)

// GetProductParams is the input of GetProduct beyond the product id.
type GetProductParams struct {
	// Locale of the texts; empty means the partner's default.
	Locale Locale
}

const opGetProduct = "GET /catalog/products/{uuid}"

// GetProduct returns one product with its SKUs, prices and stock
// (GET /catalog/products/{uuid}); id is the product's UUID.
func (c *Client) GetProduct(ctx context.Context, id string, p GetProductParams, opts ...option.CallOption) (*Product, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	if !validate.UUID(id) {
		return nil, apierror.Validation(Provider, opGetProduct, "product id must be a UUID")
	}
	q := url.Values{}
	if err := setLocale(q, opGetProduct, p.Locale); err != nil {
		return nil, err
	}
	req := &transport.Request{Method: http.MethodGet, Path: "/catalog/products/" + url.PathEscape(id), Query: q, Op: opGetProduct}
	prod, _, err := call[*Product](ctx, c, req, opts)
	if err != nil {
		return nil, err
	}
	if prod == nil {
		return nil, badResponse(c, opGetProduct, nil)
	}
	return prod, nil
}

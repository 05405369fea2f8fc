package partner

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/transport"
	"github.com/simkit/simkit/option"
)

// Category is a catalog category with the attributes its products and SKUs
// carry.
type Category struct {
	// ID is the category id (the CategoryID filters take it).
	ID int `json:"id"`
	// Name is the category's name in the requested locale.
	Name string `json:"name"`
	// Slug is the category's URL name, when sent.
	Slug string `json:"slug"`
	// ParentID is the parent category (0 for a top-level one).
	ParentID int `json:"parent_id"`
	// Attributes are kept raw: the docs do not fix their shape.
	Attributes json.RawMessage `json:"attributes"`
	// Extra holds the members of the provider's object this type does
	// not model, by JSON name, exactly as sent; nil when there were
	// none. New provider fields are readable here before simkit
	// types them.
	Extra map[string]json.RawMessage `json:"-"`
}

// CategoriesParams is the input of Categories: the language and
// the attribute target.
type CategoriesParams struct {
	// Locale of the texts; empty means the partner's default.
	Locale Locale
	// Target keeps only attributes of products or of SKUs; empty means both.
	Target AttributeTarget
}

const opCategories = "GET /catalog/categories"

// Categories returns every category (GET /catalog/categories); the
// endpoint is not paginated.
func (c *Client) Categories(ctx context.Context, p CategoriesParams, opts ...option.CallOption) ([]Category, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	q := url.Values{}
	if err := setLocale(q, opCategories, p.Locale); err != nil {
		return nil, err
	}
	if p.Target != "" {
		if !p.Target.Valid() {
			return nil, apierror.Validation(Provider, opCategories, "unknown attribute target %q (want product or sku)", string(p.Target))
		}
		q.Set("target", string(p.Target))
	}
	cats, _, err := call[[]Category](ctx, c, &transport.Request{Method: http.MethodGet, Path: "/catalog/categories", Query: q, Op: opCategories}, opts)
	return cats, err
}

package smsnumbers

import (
	"context"
	"net/url"
	"sort"

	"github.com/shopspring/decimal"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/validate"
	"github.com/simkit/simkit/option"
)

// PricesParams narrows a prices request; both fields are optional.
type PricesParams struct {
	// Country keeps the offers of one country, e.g. "russia".
	Country string
	// Product keeps the offers of one product, e.g. "telegram".
	Product string
}

// Price is one offer: a product in a country through an operator.
type Price struct {
	// Country is the country of the offer.
	Country string
	// Product is the service of the offer.
	Product string
	// Operator is the operator of the offer.
	Operator string
	// Cost is the price of one number.
	Cost decimal.Decimal
	// Count is how many numbers are available.
	Count int
	// Rate is the delivery percentage; it is invalid (absent) when the
	// provider omits it (below 20% or too few orders).
	Rate decimal.NullDecimal
}

type priceEntry struct {
	Cost  decimal.Decimal     `json:"cost"`
	Count int                 `json:"count"`
	Rate  decimal.NullDecimal `json:"rate"`
}

// priceTree is the provider's three-level answer: outer -> middle ->
// operator, where outer/middle are country/product or product/country.
type priceTree map[string]map[string]map[string]priceEntry

const opPrices = "GET /v1/guest/prices"

// Prices returns the offers matching p as one flat list sorted by country,
// product and operator (GET /v1/guest/prices?country=&product=). No token
// is sent.
//
// The provider nests its answer country -> product -> operator, except
// that it puts the product first when only a product is asked for. The
// shape is decided from the query: when a filter value appears as an
// outer key, that filter's dimension is outer; when it appears as a
// middle key, the other one is; otherwise a product-only query is read
// product-first and every other query country-first (the documented
// shapes). Either way the caller gets the same entries.
func (c *Client) Prices(ctx context.Context, p PricesParams, opts ...option.CallOption) ([]Price, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	for _, f := range []struct{ name, value string }{{"country", p.Country}, {"product", p.Product}} {
		if f.value == "" {
			continue
		}
		if why := validate.Segment(f.value); why != "" {
			return nil, apierror.Validation(Provider, opPrices, "%s %s", f.name, why)
		}
	}
	v := url.Values{}
	if p.Country != "" {
		v.Set("country", p.Country)
	}
	if p.Product != "" {
		v.Set("product", p.Product)
	}
	var tree priceTree
	if err := c.send(ctx, guestRequest(opPrices, "/v1/guest/prices", v), &tree, opts); err != nil {
		return nil, err
	}
	return flattenPrices(tree, productFirst(tree, p)), nil
}

// productFirst reports whether tree's outer keys are products (see Prices).
func productFirst(tree priceTree, q PricesParams) bool {
	// A product-only query is checked for the product first, so a product
	// that happens to share a country's name is still read right.
	order := []struct {
		value        string
		outerProduct bool
	}{{q.Country, false}, {q.Product, true}}
	if q.Country == "" {
		order[0], order[1] = order[1], order[0]
	}
	for _, o := range order {
		if o.value == "" {
			continue
		}
		if _, ok := tree[o.value]; ok {
			return o.outerProduct
		}
		for _, mid := range tree {
			if _, ok := mid[o.value]; ok {
				return !o.outerProduct
			}
		}
	}
	return q.Product != "" && q.Country == ""
}

// flattenPrices turns tree into a sorted flat list.
func flattenPrices(tree priceTree, productOuter bool) []Price {
	var out []Price
	for outer, mid := range tree {
		for middle, ops := range mid {
			country, product := outer, middle
			if productOuter {
				country, product = middle, outer
			}
			for operator, e := range ops {
				out = append(out, Price{Country: country, Product: product, Operator: operator, Cost: e.Cost, Count: e.Count, Rate: e.Rate})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Country != b.Country {
			return a.Country < b.Country
		}
		if a.Product != b.Product {
			return a.Product < b.Product
		}
		return a.Operator < b.Operator
	})
	return out
}

package smsnumbers

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// TestPricesBothShapesSameEntries: the same offers nested country-first
// and product-first flatten to the same sorted list.
func TestPricesBothShapesSameEntries(t *testing.T) {
	var countryFirst, productFirstTree priceTree
	require.NoError(t, json.Unmarshal([]byte(fixture(t, "prices_shape_country_first.json")), &countryFirst))
	require.NoError(t, json.Unmarshal([]byte(fixture(t, "prices_shape_product_first.json")), &productFirstTree))

	a := flattenPrices(countryFirst, false)
	b := flattenPrices(productFirstTree, true)
	require.Equal(t, a, b)
	require.Len(t, a, 4)
	rate := func(s string) decimal.NullDecimal { return decimal.NewNullDecimal(decimal.RequireFromString(s)) }
	require.Equal(t, []Price{
		{Country: "afghanistan", Product: "telegram", Operator: "virtual18", Cost: decimal.NewFromInt(4), Count: 1260, Rate: rate("99.99")},
		{Country: "russia", Product: "telegram", Operator: "beeline", Cost: decimal.NewFromInt(8), Count: 10, Rate: rate("99.99")},
		{Country: "russia", Product: "telegram", Operator: "mts", Cost: decimal.RequireFromString("8.5"), Count: 0},
		{Country: "russia", Product: "vkontakte", Operator: "tele2", Cost: decimal.NewFromInt(21), Count: 133, Rate: rate("50.5")},
	}, a)
	require.False(t, a[2].Rate.Valid, "an omitted rate stays absent, not zero")
}

// TestPricesThroughClient: the same entries come out of Prices whichever
// nesting the server picked for the query.
func TestPricesThroughClient(t *testing.T) {
	ctx := context.Background()
	get := func(body string, q PricesParams) []Price {
		h := newHarness(t)
		h.reply(text(http.StatusOK, body))
		p, err := h.c.Prices(ctx, q)
		require.NoError(t, err)
		return p
	}
	cf, pf := fixture(t, "prices_shape_country_first.json"), fixture(t, "prices_shape_product_first.json")
	want := get(cf, PricesParams{})
	require.Len(t, want, 4)
	require.Equal(t, want, get(pf, PricesParams{Product: "telegram"}))
	require.Equal(t, want, get(cf, PricesParams{Country: "russia"}))
	require.Equal(t, want, get(pf, PricesParams{Country: "russia"}), "country found as a middle key means product-first")
	require.Equal(t, want, get(cf, PricesParams{Product: "vkontakte"}), "product found as a middle key means country-first")
	require.Equal(t, want, get(pf, PricesParams{Country: "russia", Product: "telegram"}))
	require.Equal(t, want, get(cf, PricesParams{Country: "russia", Product: "telegram"}))
}

func TestProductFirstRule(t *testing.T) {
	tree := func(outer, middle string) priceTree {
		return priceTree{outer: {middle: {"op": {}}}}
	}
	tests := []struct {
		name string
		tree priceTree
		q    PricesParams
		want bool
	}{
		{"no query: country-first", tree("russia", "telegram"), PricesParams{}, false},
		{"product alone, outer product", tree("telegram", "russia"), PricesParams{Product: "telegram"}, true},
		{"product alone, middle product", tree("russia", "telegram"), PricesParams{Product: "telegram"}, false},
		{"product alone, not found: product-first", tree("x", "y"), PricesParams{Product: "telegram"}, true},
		{"country alone, outer country", tree("russia", "telegram"), PricesParams{Country: "russia"}, false},
		{"country alone, middle country", tree("telegram", "russia"), PricesParams{Country: "russia"}, true},
		{"country alone, not found: country-first", tree("x", "y"), PricesParams{Country: "russia"}, false},
		{"both, outer country", tree("russia", "telegram"), PricesParams{Country: "russia", Product: "telegram"}, false},
		{"both, outer product", tree("telegram", "russia"), PricesParams{Country: "russia", Product: "telegram"}, true},
		{"both, empty answer", priceTree{}, PricesParams{Country: "russia", Product: "telegram"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, productFirst(tc.tree, tc.q))
		})
	}
}

package partner

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
)

// TestCallLabelsAreRouteTemplates: every call's error names its route
// template, never the order id, product id or ICCID it was called with.
func TestCallLabelsAreRouteTemplates(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		op   string
		call func(c *Client) error
	}{
		{"GET /me", func(c *Client) error { _, err := c.Me(ctx); return err }},
		{"GET /balance", func(c *Client) error { _, err := c.Balance(ctx); return err }},
		{"GET /balance/history", func(c *Client) error { _, err := c.ListTransactions(ctx, ListTransactionsParams{}); return err }},
		{"GET /catalog/products", func(c *Client) error { _, err := c.ListProducts(ctx, ListProductsParams{}); return err }},
		{"GET /catalog/products/{uuid}", func(c *Client) error { _, err := c.GetProduct(ctx, productID, GetProductParams{}); return err }},
		{"GET /catalog/pricelist", func(c *Client) error { _, err := c.ListPricelist(ctx, ListPricelistParams{}); return err }},
		{"GET /catalog/categories", func(c *Client) error { _, err := c.Categories(ctx, CategoriesParams{}); return err }},
		{"GET /orders", func(c *Client) error { _, err := c.ListOrders(ctx, ListOrdersParams{}); return err }},
		{"GET /orders/{uuid}", func(c *Client) error { _, err := c.GetOrder(ctx, orderUUID); return err }},
		{"POST /orders", func(c *Client) error { _, err := c.CreateOrder(ctx, orderParams()); return err }},
		{"POST /services/esim/{iccid}/topup", func(c *Client) error {
			_, err := c.TopupESIM(ctx, seedICCID, TopupESIMParams{ExternalID: "topup-12345"})
			return err
		}},
		{"GET /services/esim/{iccid}/status", func(c *Client) error { _, err := c.GetESIMStatus(ctx, seedICCID); return err }},
	}
	for _, tc := range tests {
		t.Run(tc.op, func(t *testing.T) {
			h := newHarness(t)
			h.mt.RegisterNoResponder(func(*http.Request) (*http.Response, error) {
				return jsonResponse(403, []byte(`{"success":false,"message":"Forbidden."}`)), nil
			})
			err := tc.call(h.c)
			var e *apierror.Error
			require.ErrorAs(t, err, &e)
			require.Equal(t, tc.op, e.Op)
			for _, id := range []string{orderUUID, productID, seedICCID} {
				require.NotContains(t, err.Error(), id)
			}
			require.False(t, strings.Contains(e.Op, "?"), "no query in the label")
		})
	}
}

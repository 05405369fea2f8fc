package partner

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/signing"
)

// TestNilClientNotConfigured: a nil *Client (a root simkit.Client without
// partner credentials) answers every call with ErrNotConfigured.
func TestNilClientNotConfigured(t *testing.T) {
	var c *Client
	ctx := context.Background()
	calls := map[string]func() error{
		"Me":                    func() error { _, err := c.Me(ctx); return err },
		"Balance":               func() error { _, err := c.Balance(ctx); return err },
		"ListTransactions":      func() error { _, err := c.ListTransactions(ctx, ListTransactionsParams{}); return err },
		"ListProducts":          func() error { _, err := c.ListProducts(ctx, ListProductsParams{}); return err },
		"GetProduct":            func() error { _, err := c.GetProduct(ctx, productID, GetProductParams{}); return err },
		"ListPricelist":         func() error { _, err := c.ListPricelist(ctx, ListPricelistParams{}); return err },
		"Categories":            func() error { _, err := c.Categories(ctx, CategoriesParams{}); return err },
		"ListOrders":            func() error { _, err := c.ListOrders(ctx, ListOrdersParams{}); return err },
		"GetOrder":              func() error { _, err := c.GetOrder(ctx, orderUUID); return err },
		"FindOrderByExternalID": func() error { _, err := c.FindOrderByExternalID(ctx, "x"); return err },
		"CreateOrder":           func() error { _, err := c.CreateOrder(ctx, orderParams()); return err },
		"TopupESIM":             func() error { _, err := c.TopupESIM(ctx, seedICCID, TopupESIMParams{ExternalID: "x"}); return err },
		"GetESIMStatus":         func() error { _, err := c.GetESIMStatus(ctx, seedICCID); return err },
		"AllTransactions":       func() error { return firstErr(c.AllTransactions(ctx, ListTransactionsParams{})) },
		"AllProducts":           func() error { return firstErr(c.AllProducts(ctx, ListProductsParams{})) },
		"AllPricelist":          func() error { return firstErr(c.AllPricelist(ctx, ListPricelistParams{})) },
		"AllOrders":             func() error { return firstErr(c.AllOrders(ctx, ListOrdersParams{})) },
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			require.ErrorIs(t, call(), apierror.ErrNotConfigured)
		})
	}
	t.Run("WebhookHandler", func(t *testing.T) {
		h, err := c.WebhookHandler(func(context.Context, *WebhookEvent) error { return nil })
		require.Nil(t, h)
		require.ErrorIs(t, err, apierror.ErrNotConfigured, "refused at construction, not at request time")
	})
}

func firstErr[T any](seq func(func(T, error) bool)) error {
	for _, err := range seq {
		return err
	}
	return nil
}

// TestNewRequiresCredentials: missing token, secret or base URL is refused.
func TestNewRequiresCredentials(t *testing.T) {
	tests := []struct {
		name string
		fn   func(*Options)
		want error
	}{
		{"no token", func(o *Options) { o.BaseURL = testBase; o.Secret = signing.NewSecret(testSecret) }, apierror.ErrNotConfigured},
		{"no secret", func(o *Options) { o.BaseURL = testBase; o.Token = signing.NewSecret(testToken) }, apierror.ErrNotConfigured},
		{"no base URL", func(o *Options) { o.Token = signing.NewSecret(testToken); o.Secret = signing.NewSecret(testSecret) }, apierror.ErrNotConfigured},
		{"bad base URL", func(o *Options) {
			o.BaseURL = "api.example"
			o.Token = signing.NewSecret(testToken)
			o.Secret = signing.NewSecret(testSecret)
		}, apierror.ErrValidation},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := New(tc.fn)
			require.Nil(t, c)
			require.ErrorIs(t, err, tc.want)
			require.NotContains(t, err.Error(), testToken)
		})
	}
}

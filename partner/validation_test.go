package partner

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
)

// TestBadInputRefusedWithoutRequest: every refusal happens before anything
// is sent.
func TestBadInputRefusedWithoutRequest(t *testing.T) {
	ctx := context.Background()
	day := time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		call func(c *Client) error
	}{
		{"status: ICCID too short", func(c *Client) error { _, err := c.GetESIMStatus(ctx, "89444227111083"); return err }},
		{"status: ICCID with letters", func(c *Client) error { _, err := c.GetESIMStatus(ctx, "89444227111083389AB"); return err }},
		{"status: ICCID too long", func(c *Client) error { _, err := c.GetESIMStatus(ctx, "89444227111083389821234"); return err }},
		{"topup: bad ICCID", func(c *Client) error {
			_, err := c.TopupESIM(ctx, "8944/../../orders", TopupESIMParams{ExternalID: "x"})
			return err
		}},
		{"topup: bad sku uuid", func(c *Client) error {
			_, err := c.TopupESIM(ctx, seedICCID, TopupESIMParams{ExternalID: "x", SKUUUID: "not-a-uuid"})
			return err
		}},
		{"topup: empty external id", func(c *Client) error {
			_, err := c.TopupESIM(ctx, seedICCID, TopupESIMParams{ExternalID: "  "})
			return err
		}},
		{"product: bad uuid", func(c *Client) error { _, err := c.GetProduct(ctx, "123", GetProductParams{}); return err }},
		{"product: bad locale", func(c *Client) error {
			_, err := c.GetProduct(ctx, productID, GetProductParams{Locale: "de"})
			return err
		}},
		{"order: bad uuid", func(c *Client) error { _, err := c.GetOrder(ctx, "7898e683-4e56-44a3-9782-eca3f758a84"); return err }},
		{"order: path injection", func(c *Client) error { _, err := c.GetOrder(ctx, "../balance"); return err }},
		{"transactions: per_page 101", func(c *Client) error {
			_, err := c.ListTransactions(ctx, ListTransactionsParams{PerPage: 101})
			return err
		}},
		{"transactions: per_page negative", func(c *Client) error {
			_, err := c.ListTransactions(ctx, ListTransactionsParams{PerPage: -1})
			return err
		}},
		{"products: per_page 201", func(c *Client) error {
			_, err := c.ListProducts(ctx, ListProductsParams{PerPage: 201})
			return err
		}},
		{"products: unknown type", func(c *Client) error {
			_, err := c.ListProducts(ctx, ListProductsParams{Type: "gift"})
			return err
		}},
		{"products: unknown locale", func(c *Client) error {
			_, err := c.ListProducts(ctx, ListProductsParams{Locale: "EN"})
			return err
		}},
		{"products: negative category", func(c *Client) error {
			_, err := c.ListProducts(ctx, ListProductsParams{CategoryID: -3})
			return err
		}},
		{"pricelist: per_page 201", func(c *Client) error { _, err := c.ListPricelist(ctx, ListPricelistParams{PerPage: 201}); return err }},
		{"pricelist: type not allowed here", func(c *Client) error {
			_, err := c.ListPricelist(ctx, ListPricelistParams{Type: ProductRecharge})
			return err
		}},
		{"pricelist: bad locale", func(c *Client) error { _, err := c.ListPricelist(ctx, ListPricelistParams{Locale: "fr"}); return err }},
		{"pricelist: negative category", func(c *Client) error {
			_, err := c.ListPricelist(ctx, ListPricelistParams{CategoryID: -1})
			return err
		}},
		{"categories: bad target", func(c *Client) error {
			_, err := c.Categories(ctx, CategoriesParams{Target: "order"})
			return err
		}},
		{"categories: bad locale", func(c *Client) error {
			_, err := c.Categories(ctx, CategoriesParams{Locale: "xx"})
			return err
		}},
		{"orders: per_page 101", func(c *Client) error { _, err := c.ListOrders(ctx, ListOrdersParams{PerPage: 101}); return err }},
		{"orders: unknown status", func(c *Client) error {
			_, err := c.ListOrders(ctx, ListOrdersParams{Status: "done"})
			return err
		}},
		{"orders: date_from after date_to", func(c *Client) error {
			_, err := c.ListOrders(ctx, ListOrdersParams{DateFrom: day, DateTo: day.Add(-time.Second)})
			return err
		}},
		{"orders: find with empty id", func(c *Client) error { _, err := c.FindOrderByExternalID(ctx, ""); return err }},
		{"create: empty external id", func(c *Client) error {
			_, err := c.CreateOrder(ctx, CreateOrderParams{Item: OrderItemParams{SKUID: seedSKU}})
			return err
		}},
		{"create: empty sku", func(c *Client) error {
			_, err := c.CreateOrder(ctx, CreateOrderParams{ExternalID: "x"})
			return err
		}},
		{"create: negative quantity", func(c *Client) error {
			_, err := c.CreateOrder(ctx, CreateOrderParams{ExternalID: "x", Item: OrderItemParams{SKUID: seedSKU, Quantity: -1}})
			return err
		}},
		{"create: negative amount", func(c *Client) error {
			_, err := c.CreateOrder(ctx, CreateOrderParams{ExternalID: "x", Item: OrderItemParams{SKUID: seedSKU, Amount: decimal.NewFromInt(-5)}})
			return err
		}},
		{"create: 1 MiB external id", func(c *Client) error {
			_, err := c.CreateOrder(ctx, CreateOrderParams{ExternalID: strings.Repeat("x", 1<<20), Item: OrderItemParams{SKUID: seedSKU}})
			return err
		}},
		{"create: external id with NUL", func(c *Client) error {
			_, err := c.CreateOrder(ctx, CreateOrderParams{ExternalID: "ORD-1\x00", Item: OrderItemParams{SKUID: seedSKU}})
			return err
		}},
		{"create: sku id not a UUID", func(c *Client) error {
			_, err := c.CreateOrder(ctx, CreateOrderParams{ExternalID: "x", Item: OrderItemParams{SKUID: "steam-10"}})
			return err
		}},
		{"topup: external id too long", func(c *Client) error {
			_, err := c.TopupESIM(ctx, seedICCID, TopupESIMParams{ExternalID: strings.Repeat("x", 256)})
			return err
		}},
		{"topup: ICCID of 16 digits", func(c *Client) error {
			_, err := c.TopupESIM(ctx, "8944422711108338", TopupESIMParams{ExternalID: "x"})
			return err
		}},
		{"orders: external id with a control character", func(c *Client) error {
			_, err := c.ListOrders(ctx, ListOrdersParams{ExternalID: "a\nb"})
			return err
		}},
		{"orders: find with a 1 MiB id", func(c *Client) error {
			_, err := c.FindOrderByExternalID(ctx, strings.Repeat("x", 1<<20))
			return err
		}},
		{"iterator: bad per_page", func(c *Client) error {
			for _, err := range c.AllOrders(ctx, ListOrdersParams{PerPage: 1000}) {
				return err
			}
			return nil
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			err := tc.call(h.c)
			require.ErrorIs(t, err, apierror.ErrValidation)
			var e *apierror.Error
			require.ErrorAs(t, err, &e)
			require.Equal(t, Provider, e.Provider)
			require.NotEmpty(t, e.Message)
			require.Equal(t, 0, h.mt.GetTotalCallCount(), "no request may be sent")
			require.Less(t, len(err.Error()), 1024, "caller input is not echoed in full")
			require.NotContains(t, err.Error(), seedICCID, "ICCIDs are customer data")
		})
	}
}

// TestSeventeenDigitICCIDAccepted: Airalo-style 17-digit ICCIDs are valid
// (17 to 22 digits), and zero quantity is left out so the provider orders
// one unit (the API makes quantity optional).
func TestSeventeenDigitICCIDAcceptedAndZeroQuantityOmitted(t *testing.T) {
	h := newHarness(t)
	h.on(t, "GET", "/services/esim/89444227111083389/status", 200, "esim_status.json")
	_, err := h.c.GetESIMStatus(context.Background(), "89444227111083389")
	require.NoError(t, err)

	h.on(t, "POST", "/orders", 201, "order_created.json")
	_, err = h.c.CreateOrder(context.Background(), CreateOrderParams{ExternalID: "ORD-12345", Item: OrderItemParams{SKUID: seedSKU}})
	require.NoError(t, err)
	reqs := h.requests()
	require.JSONEq(t, `{"external_id":"ORD-12345","item":{"sku_id":"`+seedSKU+`"}}`, string(reqs[len(reqs)-1].Body))
}

// TestEnumValid covers every documented value and refuses others.
func TestEnumValid(t *testing.T) {
	for _, l := range []Locale{LocaleEN, LocaleRU} {
		require.True(t, l.Valid())
	}
	require.False(t, Locale("de").Valid())
	for _, p := range []ProductType{ProductVoucher, ProductRechargeFixed, ProductRecharge, ProductVoucherOpenRange, ProductESIM, ProductOther} {
		require.True(t, p.Valid(), p)
	}
	require.False(t, ProductType("gift").Valid())
	for _, s := range []OrderStatus{OrderCreated, OrderProcessing, OrderCompleted, OrderCancelled, OrderFailed, OrderPartiallyCompleted} {
		require.True(t, s.Valid(), s)
	}
	require.False(t, OrderStatus("done").Valid())
	require.True(t, OrderCompleted.Final())
	require.True(t, OrderPartiallyCompleted.Final())
	require.False(t, OrderProcessing.Final())
	require.True(t, DenominationFixed.Valid())
	require.True(t, DenominationCustom.Valid())
	require.False(t, DenominationType("range").Valid())
	require.True(t, TargetProduct.Valid())
	require.False(t, AttributeTarget("x").Valid())
}

package partner

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/signing"
)

// TestRequestsAsSent checks every endpoint's method, path, query and headers
// exactly as they reach the server.
func TestRequestsAsSent(t *testing.T) {
	ctx := context.Background()
	from := time.Date(2025, 1, 1, 3, 0, 0, 0, time.FixedZone("MSK", 3*3600))
	to := time.Date(2025, 1, 31, 23, 59, 59, 0, time.UTC)
	tests := []struct {
		name    string
		method  string
		path    string // as registered and as sent
		fixture string
		call    func(c *Client) error
		query   url.Values
		signed  bool
		body    string
	}{
		{name: "me", method: "GET", path: "/me", fixture: "me.json",
			call: func(c *Client) error { _, err := c.Me(ctx); return err }, query: url.Values{}},
		{name: "balance", method: "GET", path: "/balance", fixture: "balance.json",
			call: func(c *Client) error { _, err := c.Balance(ctx); return err }, query: url.Values{}},
		{name: "transactions", method: "GET", path: "/balance/history", fixture: "transactions_page1.json",
			call: func(c *Client) error {
				_, err := c.ListTransactions(ctx, ListTransactionsParams{Cursor: "abc", PerPage: 100})
				return err
			}, query: url.Values{"cursor": {"abc"}, "per_page": {"100"}}},
		{name: "transactions defaults", method: "GET", path: "/balance/history", fixture: "transactions_page1.json",
			call:  func(c *Client) error { _, err := c.ListTransactions(ctx, ListTransactionsParams{}); return err },
			query: url.Values{}},
		{name: "products", method: "GET", path: "/catalog/products", fixture: "products_page1.json",
			call: func(c *Client) error {
				_, err := c.ListProducts(ctx, ListProductsParams{Locale: LocaleRU, Cursor: "c1", PerPage: 200, CategoryID: 12, Type: ProductVoucherOpenRange, IncludeSKUs: true})
				return err
			}, query: url.Values{"locale": {"ru"}, "cursor": {"c1"}, "per_page": {"200"}, "category_id": {"12"}, "type": {"voucher_open_range"}, "include_skus": {"true"}}},
		{name: "product", method: "GET", path: "/catalog/products/" + productID, fixture: "product.json",
			call: func(c *Client) error {
				_, err := c.GetProduct(ctx, productID, GetProductParams{Locale: LocaleEN})
				return err
			}, query: url.Values{"locale": {"en"}}},
		{name: "pricelist", method: "GET", path: "/catalog/pricelist", fixture: "pricelist_page1.json",
			call: func(c *Client) error {
				_, err := c.ListPricelist(ctx, ListPricelistParams{Locale: LocaleEN, Cursor: "p", PerPage: 1, CategoryID: 30, Type: ProductESIM})
				return err
			}, query: url.Values{"locale": {"en"}, "cursor": {"p"}, "per_page": {"1"}, "category_id": {"30"}, "type": {"esim"}}},
		{name: "categories", method: "GET", path: "/catalog/categories", fixture: "categories.json",
			call: func(c *Client) error {
				_, err := c.Categories(ctx, CategoriesParams{Locale: LocaleRU, Target: TargetSKU})
				return err
			}, query: url.Values{"locale": {"ru"}, "target": {"sku"}}},
		{name: "orders", method: "GET", path: "/orders", fixture: "orders_page1.json",
			call: func(c *Client) error {
				_, err := c.ListOrders(ctx, ListOrdersParams{Cursor: "o", PerPage: 50, Status: OrderPartiallyCompleted, ExternalID: "ORD-1", DateFrom: from, DateTo: to})
				return err
			}, query: url.Values{"cursor": {"o"}, "per_page": {"50"}, "status": {"partially_completed"}, "external_id": {"ORD-1"},
				"date_from": {"2025-01-01T00:00:00Z"}, "date_to": {"2025-01-31T23:59:59Z"}}},
		{name: "order", method: "GET", path: "/orders/" + orderUUID, fixture: "order.json",
			call: func(c *Client) error { _, err := c.GetOrder(ctx, orderUUID); return err }, query: url.Values{}},
		{name: "esim status", method: "GET", path: "/services/esim/" + seedICCID + "/status", fixture: "esim_status.json",
			call: func(c *Client) error { _, err := c.GetESIMStatus(ctx, seedICCID); return err }, query: url.Values{}},
		{name: "create order", method: "POST", path: "/orders", fixture: "order_created.json", signed: true,
			call: func(c *Client) error {
				_, err := c.CreateOrder(ctx, CreateOrderParams{ExternalID: "ORD-12345",
					Item:     OrderItemParams{SKUID: seedSKU, Quantity: 2, Amount: decimal.RequireFromString("10.50"), Fields: map[string]any{"phone": "+491701234567"}},
					Metadata: map[string]any{"customer_id": "cus_42"}})
				return err
			}, query: url.Values{},
			body: `{"external_id":"ORD-12345","item":{"sku_id":"019bc0dd-8562-7173-afd9-a5cc534fafb7","quantity":2,"amount":10.50,"fields":{"phone":"+491701234567"}},"metadata":{"customer_id":"cus_42"}}`},
		{name: "create order minimal", method: "POST", path: "/orders", fixture: "order_created.json", signed: true,
			call: func(c *Client) error {
				_, err := c.CreateOrder(ctx, CreateOrderParams{ExternalID: "ORD-12345", Item: OrderItemParams{SKUID: seedSKU}})
				return err
			}, query: url.Values{},
			body: `{"external_id":"ORD-12345","item":{"sku_id":"019bc0dd-8562-7173-afd9-a5cc534fafb7"}}`},
		{name: "esim topup", method: "POST", path: "/services/esim/" + seedICCID + "/topup", fixture: "topup_created.json", signed: true,
			call: func(c *Client) error {
				_, err := c.TopupESIM(ctx, seedICCID, TopupESIMParams{ExternalID: "topup-12345", SKUUUID: "029bc0dd-8562-7173-afd9-a5cc534fafb8"})
				return err
			}, query: url.Values{},
			body: `{"external_id":"topup-12345","sku_uuid":"029bc0dd-8562-7173-afd9-a5cc534fafb8"}`},
		{name: "esim topup same sku", method: "POST", path: "/services/esim/" + seedICCID + "/topup", fixture: "topup_created.json", signed: true,
			call: func(c *Client) error {
				_, err := c.TopupESIM(ctx, seedICCID, TopupESIMParams{ExternalID: "topup-12345"})
				return err
			}, query: url.Values{},
			body: `{"external_id":"topup-12345"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			h.on(t, tc.method, tc.path, http.StatusOK, tc.fixture)
			require.NoError(t, tc.call(h.c))
			reqs := h.requests()
			require.Len(t, reqs, 1)
			r := reqs[0]
			require.Equal(t, tc.method, r.Method)
			require.Equal(t, "/v1/partner"+tc.path, r.Path)
			require.Equal(t, tc.query, url.Values(r.Query))
			require.Equal(t, "Bearer "+testToken, r.Header.Get("Authorization"))
			require.Equal(t, "application/json", r.Header.Get("Accept"))
			require.Contains(t, r.Header.Get("User-Agent"), "simkit-go/")
			if tc.signed {
				require.Equal(t, "1768478058", r.Header.Get(signing.HeaderTimestamp))
				require.Len(t, r.Header.Get(signing.HeaderSignature), 64)
				require.Equal(t, "application/json", r.Header.Get("Content-Type"))
				require.JSONEq(t, tc.body, string(r.Body))
				if tc.name == "create order" {
					// amount is a JSON number, exact, not decimal's quoted default
					require.Contains(t, string(r.Body), `"amount":10.5`)
				}
			} else {
				require.Empty(t, r.Header.Get(signing.HeaderSignature))
				require.Empty(t, r.Body)
			}
		})
	}
}

// TestCreateOrderSignatureMatchesSeedExample signs the SPEC's example message.
func TestCreateOrderSignatureMatchesSeedExample(t *testing.T) {
	h := newHarness(t)
	h.on(t, "POST", "/orders", 201, "order_created.json")
	_, err := h.c.CreateOrder(context.Background(), CreateOrderParams{ExternalID: "ORD-12345", Item: OrderItemParams{SKUID: seedSKU}})
	require.NoError(t, err)
	r := h.requests()[0]
	want := signing.NewSigner([]byte(testSecret)).Sign("1768478058019bc0dd-8562-7173-afd9-a5cc534fafb7ORD-12345")
	require.Equal(t, "1768478058", r.Header.Get("X-Timestamp"))
	require.Equal(t, want, r.Header.Get("X-Signature"))
	require.Equal(t, hmacHex(testSecret, "1768478058019bc0dd-8562-7173-afd9-a5cc534fafb7ORD-12345"), r.Header.Get("X-Signature"))
}

// TestTopupSignatureMatchesSeedExample signs the top-up example message,
// which uses the ICCID instead of a SKU.
func TestTopupSignatureMatchesSeedExample(t *testing.T) {
	h := newHarness(t)
	h.on(t, "POST", "/services/esim/"+seedICCID+"/topup", 201, "topup_created.json")
	o, err := h.c.TopupESIM(context.Background(), seedICCID, TopupESIMParams{ExternalID: "topup-12345"})
	require.NoError(t, err)
	require.Equal(t, "topup-12345", o.ExternalID)
	r := h.requests()[0]
	require.Equal(t, hmacHex(testSecret, "17684780588944422711108338982topup-12345"), r.Header.Get("X-Signature"))
}

// TestOrderSignedPerAttempt shows that a retry carries a fresh timestamp and
// signature with the same external id.
func TestOrderSignedPerAttempt(t *testing.T) {
	now := time.Unix(seedTS, 0)
	h := newHarness(t, func(o *Options) {
		o.Now = func() time.Time { now = now.Add(7 * time.Second); return now }
	})
	n := 0
	h.onFunc("POST", "/orders", func(*http.Request) (*http.Response, error) {
		n++
		if n == 1 {
			return jsonResponse(503, fixture(t, "error_server.json")), nil
		}
		return jsonResponse(201, fixture(t, "order_created.json")), nil
	})
	_, err := h.c.CreateOrder(context.Background(), CreateOrderParams{ExternalID: "ORD-12345", Item: OrderItemParams{SKUID: seedSKU}})
	require.NoError(t, err)
	reqs := h.requests()
	require.Len(t, reqs, 2)
	require.NotEqual(t, reqs[0].Header.Get("X-Timestamp"), reqs[1].Header.Get("X-Timestamp"))
	for _, r := range reqs {
		require.Equal(t, hmacHex(testSecret, r.Header.Get("X-Timestamp")+seedSKU+"ORD-12345"), r.Header.Get("X-Signature"))
		var body struct {
			ExternalID string `json:"external_id"`
		}
		require.NoError(t, json.Unmarshal(r.Body, &body))
		require.Equal(t, "ORD-12345", body.ExternalID)
		require.Len(t, r.Header.Values("X-Signature"), 1)
	}
	require.Len(t, h.sleeps, 1)
}

package partner

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/transport"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func TestMeDecodes(t *testing.T) {
	h := newHarness(t)
	h.on(t, "GET", "/me", 200, "me.json")
	p, err := h.c.Me(context.Background())
	require.NoError(t, err)
	require.Equal(t, "Acme Digital", p.Name)
	require.True(t, p.IsActive)
	require.True(t, dec("1200.75").Equal(p.Balance.AvailableBalance))
}

func TestMeAcceptsFlatData(t *testing.T) {
	h := newHarness(t)
	h.onFunc("GET", "/me", func(*http.Request) (*http.Response, error) {
		return jsonResponse(200, []byte(`{"success":true,"data":{"uuid":"u1","name":"Flat","currency":"EUR"}}`)), nil
	})
	p, err := h.c.Me(context.Background())
	require.NoError(t, err)
	require.Equal(t, "Flat", p.Name)
}

func TestBalanceDecodesNegativeOverdraft(t *testing.T) {
	h := newHarness(t)
	h.on(t, "GET", "/balance", 200, "balance.json")
	b, err := h.c.Balance(context.Background())
	require.NoError(t, err)
	require.True(t, dec("-120.50").Equal(b.Balance))
	require.True(t, b.IsOverdrafted)
	require.True(t, b.AllowOverdraft)
	require.True(t, dec("500").Equal(b.OverdraftLimit))
}

func TestTransactionsDecode(t *testing.T) {
	h := newHarness(t)
	h.on(t, "GET", "/balance/history", 200, "transactions_page2.json")
	pg, err := h.c.ListTransactions(context.Background(), ListTransactionsParams{})
	require.NoError(t, err)
	require.Equal(t, "tx-cursor-3", pg.Next)
	require.Nil(t, pg.Total, "the API sends no total")
	txs := pg.Items
	require.Equal(t, TransactionCharge, txs[0].Type)
	require.False(t, txs[0].FeeAmount.Valid)
	require.Equal(t, TransactionType("refund"), txs[1].Type, "unknown server values are kept")
	require.True(t, dec("100").Equal(txs[1].Amount), "numbers decode as well as strings")
	require.True(t, dec("0.0105263").Equal(txs[1].ExchangeRate.Decimal))
	require.Equal(t, time.Date(2026, 1, 15, 12, 54, 18, 0, time.UTC), txs[0].CreatedAt.UTC())
}

// TestTransactionNumberIDs: the history item's id is untyped; a number (and
// a numeric order_id) must decode, not fail the page.
func TestTransactionNumberIDs(t *testing.T) {
	h := newHarness(t)
	h.onFunc("GET", "/balance/history", func(*http.Request) (*http.Response, error) {
		return jsonResponse(200, []byte(`{"success":true,"data":[`+
			`{"id":12345678901234567890,"type":"charge","amount":"-5.00","balance_after":"95.00","currency":"USD","created_at":"2026-01-15 12:54:18","order_id":42},`+
			`{"id":"tx-2","type":"topup","amount":100,"balance_after":100,"currency":"USD","created_at":"2026-01-15T12:00:00+00:00","order_id":null}],`+
			`"meta":{"next_cursor":null,"prev_cursor":null,"per_page":50}}`)), nil
	})
	pg, err := h.c.ListTransactions(context.Background(), ListTransactionsParams{})
	require.NoError(t, err)
	require.Len(t, pg.Items, 2)
	require.Equal(t, "12345678901234567890", pg.Items[0].ID, "kept exactly, not through float64")
	require.Equal(t, "42", pg.Items[0].OrderID)
	require.Equal(t, time.Date(2026, 1, 15, 12, 54, 18, 0, time.UTC), pg.Items[0].CreatedAt)
	require.Equal(t, "tx-2", pg.Items[1].ID)
	require.Empty(t, pg.Items[1].OrderID)
	require.Empty(t, pg.Next)
}

func TestProductsDecode(t *testing.T) {
	h := newHarness(t)
	h.on(t, "GET", "/catalog/products", 200, "products_page3.json")
	pg, err := h.c.ListProducts(context.Background(), ListProductsParams{})
	require.NoError(t, err)
	require.Empty(t, pg.Next, "null cursor on the last page")
	ps := pg.Items
	require.Equal(t, ProductType("gift_bundle"), ps[1].Type)
	require.Equal(t, &CategoryRef{ID: 30, Name: "eSIM"}, ps[1].Category)
}

func TestProductDecodes(t *testing.T) {
	h := newHarness(t)
	h.on(t, "GET", "/catalog/products/"+productID, 200, "product.json")
	p, err := h.c.GetProduct(context.Background(), productID, GetProductParams{})
	require.NoError(t, err)
	require.Len(t, p.SKUs, 2)
	require.True(t, p.SKUs[0].Price.Valid)
	require.True(t, dec("25.50").Equal(p.SKUs[0].Price.Decimal))
	require.Equal(t, 140, *p.SKUs[0].Stock.Count)
	require.False(t, p.SKUs[1].Price.Valid, "open range SKU has a null price")
	require.True(t, p.SKUs[1].Stock.Available)
	require.Equal(t, DenominationFixed, p.DenominationType)
	require.JSONEq(t, `{"region":"US"}`, string(p.Attributes))
}

func TestPricelistDecodes(t *testing.T) {
	h := newHarness(t)
	h.on(t, "GET", "/catalog/pricelist", 200, "pricelist_page3.json")
	pg, err := h.c.ListPricelist(context.Background(), ListPricelistParams{})
	require.NoError(t, err)
	require.Empty(t, pg.Next)
	items := pg.Items
	require.Equal(t, "in_stock", items[1].Stock.Raw)
	require.True(t, items[1].Stock.Available)
	require.Nil(t, items[1].Stock.Count)
	require.Equal(t, 12, items[0].CategoryID)
}

func TestCategoriesDecode(t *testing.T) {
	h := newHarness(t)
	h.on(t, "GET", "/catalog/categories", 200, "categories.json")
	cats, err := h.c.Categories(context.Background(), CategoriesParams{})
	require.NoError(t, err)
	require.Len(t, cats, 2)
	require.Equal(t, "gaming", cats[0].Slug)
	require.Contains(t, string(cats[1].Attributes), "data_gb")
}

func TestOrderDecodes(t *testing.T) {
	h := newHarness(t)
	h.on(t, "GET", "/orders/"+orderUUID, 200, "order.json")
	o, err := h.c.GetOrder(context.Background(), orderUUID)
	require.NoError(t, err)
	require.Equal(t, OrderCompleted, o.Status)
	require.True(t, dec("25.5").Equal(o.TotalAmount))
	require.Equal(t, "cus_42", o.Metadata["customer_id"])
	it := o.Items[0]
	require.Equal(t, "XXXX-YYYY-ZZZZ", it.DeliveryData[0].PIN)
	require.Equal(t, "2027-01-15", it.DeliveryData[0].ExpirationDate)
	require.True(t, dec("25.5").Equal(it.Amount))
}

func TestOrdersKeepUnknownStatus(t *testing.T) {
	h := newHarness(t)
	h.on(t, "GET", "/orders", 200, "orders_page2.json")
	pg, err := h.c.ListOrders(context.Background(), ListOrdersParams{})
	require.NoError(t, err)
	os := pg.Items
	require.Equal(t, OrderStatus("on_hold"), os[1].Status)
	require.False(t, os[1].Status.Valid())
}

func TestESIMStatusDecodes(t *testing.T) {
	h := newHarness(t)
	h.on(t, "GET", "/services/esim/"+seedICCID+"/status", 200, "esim_status.json")
	st, err := h.c.GetESIMStatus(context.Background(), seedICCID)
	require.NoError(t, err)
	require.True(t, st.CanRenew)
	require.Equal(t, "MB", st.DataBalance.Unit)
	require.True(t, dec("1234.5").Equal(st.DataBalance.Remaining))
	require.Contains(t, st.QRCode, "LPA:1$")
	require.Contains(t, string(st.Coverage), "Germany")
}

// TestErrorAnswersClassified: the envelope's message/error/errors reach the
// error, and the body decides the class where the status would mislead.
func TestErrorAnswersClassified(t *testing.T) {
	tests := []struct {
		fixture  string
		status   int
		kind     error
		code     string
		contains string
	}{
		{"error_unauthorized.json", 401, apierror.ErrUnauthorized, "", "Unauthenticated."},
		{"error_not_found.json", 404, apierror.ErrNotFound, "NOT_FOUND", "Order not found"},
		{"error_validation.json", 422, apierror.ErrValidation, "", "item.quantity: Must be at least 1"},
		{"error_insufficient_balance.json", 402, apierror.ErrInsufficientFunds, "", "overdraft"},
		{"error_insufficient_balance_400.json", 400, apierror.ErrInsufficientFunds, "INSUFFICIENT_FUNDS", "Order could not be created; Insufficient funds"},
		{"error_duplicate_external_id.json", 422, apierror.ErrConflict, "", "external_id: The external id has already been taken."},
		{"error_conflict.json", 409, apierror.ErrConflict, "", "already exists"},
		{"error_out_of_stock.json", 400, apierror.ErrOutOfStock, "", "stock exhausted; try later"},
		{"error_server.json", 500, apierror.ErrServer, "", "Server Error"},
		{"success_false.json", 200, apierror.ErrValidation, "", "Partner is not active"},
	}
	for _, tc := range tests {
		t.Run(tc.fixture, func(t *testing.T) {
			h := newHarness(t)
			h.onFunc("GET", "/balance", func(*http.Request) (*http.Response, error) {
				r := jsonResponse(tc.status, fixture(t, tc.fixture))
				r.Header.Set("X-Request-Id", "req-1")
				return r, nil
			})
			_, err := h.c.Balance(context.Background())
			require.ErrorIs(t, err, tc.kind)
			var e *apierror.Error
			require.ErrorAs(t, err, &e)
			require.Equal(t, tc.status, e.StatusCode)
			require.Equal(t, tc.code, e.Code)
			require.Contains(t, e.Message, tc.contains)
			require.Equal(t, "req-1", e.RequestID)
			require.Equal(t, "GET /balance", e.Op)
			require.NotEmpty(t, e.Raw)
		})
	}
}

func TestNonJSONErrorBody(t *testing.T) {
	h := newHarness(t)
	h.onFunc("GET", "/balance", func(*http.Request) (*http.Response, error) {
		return jsonResponse(403, []byte("<html>forbidden</html>")), nil
	})
	_, err := h.c.Balance(context.Background())
	require.ErrorIs(t, err, apierror.ErrUnauthorized)
}

// TestMalformedAnswers: a 2xx that is not the documented envelope is an
// ErrBadResponse, never a zero value passed off as data.
func TestMalformedAnswers(t *testing.T) {
	tests := []struct {
		name string
		path string
		body string
		call func(c *Client) error
	}{
		{"balance without data", "/balance", `{"success":true}`, func(c *Client) error { _, err := c.Balance(context.Background()); return err }},
		{"balance not json", "/balance", `{"success":`, func(c *Client) error { _, err := c.Balance(context.Background()); return err }},
		{"me data not an object", "/me", `{"success":true,"data":[1]}`, func(c *Client) error { _, err := c.Me(context.Background()); return err }},
		{"me partner not an object", "/me", `{"success":true,"data":{"partner":[1]}}`, func(c *Client) error { _, err := c.Me(context.Background()); return err }},
		{"product null", "/catalog/products/" + productID, `{"success":true,"data":null}`, func(c *Client) error {
			_, err := c.GetProduct(context.Background(), productID, GetProductParams{})
			return err
		}},
		{"order null", "/orders/" + orderUUID, `{"success":true,"data":null}`, func(c *Client) error {
			_, err := c.GetOrder(context.Background(), orderUUID)
			return err
		}},
		{"esim null", "/services/esim/" + seedICCID + "/status", `{"success":true}`, func(c *Client) error {
			_, err := c.GetESIMStatus(context.Background(), seedICCID)
			return err
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			h.onFunc("GET", tc.path, func(*http.Request) (*http.Response, error) { return jsonResponse(200, []byte(tc.body)), nil })
			require.ErrorIs(t, tc.call(h.c), transport.ErrBadResponse)
		})
	}
}

// TestGETRetriedWithRecordedBackoff: safe calls retry 503 through the
// injected sleeper, without waiting on wall time.
func TestGETRetriedWithRecordedBackoff(t *testing.T) {
	h := newHarness(t)
	n := 0
	h.onFunc("GET", "/balance", func(*http.Request) (*http.Response, error) {
		n++
		if n < 3 {
			r := jsonResponse(503, []byte(`{}`))
			r.Header.Set("Retry-After", "2")
			return r, nil
		}
		return jsonResponse(200, fixture(t, "balance.json")), nil
	})
	_, err := h.c.Balance(context.Background())
	require.NoError(t, err)
	require.Equal(t, []time.Duration{2 * time.Second, 2 * time.Second}, h.sleeps)
}

func TestStockJSON(t *testing.T) {
	tests := []struct {
		in        string
		count     *int
		available bool
		out       string
	}{
		{`12`, intp(12), true, `12`},
		{`0`, intp(0), false, `0`},
		{`"7"`, intp(7), true, `7`},
		{`true`, nil, true, `true`},
		{`false`, nil, false, `false`},
		{`"in_stock"`, nil, true, `"in_stock"`},
		{`"out_of_stock"`, nil, false, `"out_of_stock"`},
		{`null`, nil, false, `null`},
		{`{"qty":1}`, nil, false, `{"qty":1}`},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			var s Stock
			require.NoError(t, json.Unmarshal([]byte(tc.in), &s))
			require.Equal(t, tc.count, s.Count)
			require.Equal(t, tc.available, s.Available)
			b, err := json.Marshal(s)
			require.NoError(t, err)
			require.JSONEq(t, tc.out, string(b))
		})
	}
}

func intp(n int) *int { return &n }

func TestNewExternalID(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 100; i++ {
		id, err := NewExternalID()
		require.NoError(t, err)
		require.Len(t, id, 36)
		require.Equal(t, byte('4'), id[14], "version 4")
		require.False(t, seen[id])
		seen[id] = true
	}
}

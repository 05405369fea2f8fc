package smsnumbers

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/page"
)

// TestEndpoints checks method, path, query and headers of every endpoint
// and that the seed's sample answer decodes into the documented fields.
func TestEndpoints(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		fixture string
		call    func(c *Client) (any, error)
		method  string
		path    string
		query   map[string][]string
		guest   bool
		check   func(t *testing.T, got any)
	}{
		{
			name: "profile", fixture: "profile.json", method: "GET", path: "/v1/user/profile",
			call: func(c *Client) (any, error) { return c.Profile(ctx) },
			check: func(t *testing.T, got any) {
				p := got.(*Profile)
				require.Equal(t, int64(1), p.ID)
				require.True(t, p.Balance.Equal(decimal.NewFromInt(100)))
				require.True(t, p.Rating.Equal(decimal.NewFromInt(96)))
				require.Equal(t, "78009005040", p.DefaultForwardingNumber)
				require.Equal(t, CountryRef{Name: "russia", ISO: "ru", Prefix: "+7"}, p.DefaultCountry)
				require.Equal(t, "demo", p.Vendor)
			},
		},
		{
			name: "orders history", fixture: "orders.json", method: "GET", path: "/v1/user/orders",
			query: map[string][]string{"category": {"hosting"}, "limit": {"15"}, "offset": {"0"}, "order": {"id"}, "reverse": {"true"}},
			call: func(c *Client) (any, error) {
				return c.ListOrders(ctx, ListOrdersParams{Category: CategoryHosting, Limit: 15, Order: "id", Reverse: true})
			},
			check: func(t *testing.T, got any) {
				p := got.(*page.Page[Order])
				require.Equal(t, 3, *p.Total)
				require.Len(t, p.Items, 1)
				require.Equal(t, "1", p.Next, "one of three seen: the next page starts at offset 1")
				o := p.Items[0]
				require.Equal(t, int64(53533933), o.ID)
				require.Equal(t, StatusBanned, o.Status)
				require.True(t, o.Price.Equal(decimal.NewFromInt(2)))
				require.Equal(t, time.Date(2020, 6, 28, 16, 32, 43, 307041000, time.UTC), o.Expires)
			},
		},
		{
			name: "payments history", fixture: "payments.json", method: "GET", path: "/v1/user/payments",
			query: map[string][]string{"offset": {"5"}, "limit": {"10"}},
			call:  func(c *Client) (any, error) { return c.ListPayments(ctx, ListPaymentsParams{Limit: 10, Cursor: "5"}) },
			check: func(t *testing.T, got any) {
				p := got.(*page.Page[Payment])
				require.Equal(t, "charge", p.Items[0].TypeName)
				require.True(t, p.Items[0].Amount.Equal(decimal.NewFromInt(100)))
				require.Empty(t, p.Next, "offset 5 + 1 item is past the total of 1")
			},
		},
		{
			name: "products", fixture: "products.json", method: "GET", path: "/v1/guest/products/russia/any", guest: true,
			call: func(c *Client) (any, error) { return c.Products(ctx, ProductsParams{Country: "russia", Operator: Any}) },
			check: func(t *testing.T, got any) {
				p := got.(map[string]Product)
				require.Equal(t, CategoryHosting, p["1day"].Category)
				require.Equal(t, 133, p["vkontakte"].Qty)
				require.True(t, p["vkontakte"].Price.Equal(decimal.NewFromInt(21)))
			},
		},
		{
			name: "prices", fixture: "prices_country.json", method: "GET", path: "/v1/guest/prices", guest: true,
			call: func(c *Client) (any, error) { return c.Prices(ctx, PricesParams{}) },
			check: func(t *testing.T, got any) {
				p := got.([]Price)
				require.Len(t, p, 3)
				require.Equal(t, "russia", p[0].Country)
				require.Equal(t, "1688", p[0].Product)
				require.Equal(t, "beeline", p[0].Operator)
			},
		},
		{
			name: "prices by country", fixture: "prices_country.json", method: "GET", path: "/v1/guest/prices", guest: true,
			query: map[string][]string{"country": {"russia"}},
			call:  func(c *Client) (any, error) { return c.Prices(ctx, PricesParams{Country: "russia"}) },
		},
		{
			name: "prices by product", fixture: "prices_product.json", method: "GET", path: "/v1/guest/prices", guest: true,
			query: map[string][]string{"product": {"telegram"}},
			call:  func(c *Client) (any, error) { return c.Prices(ctx, PricesParams{Product: "telegram"}) },
			check: func(t *testing.T, got any) {
				p := got.([]Price)
				require.Len(t, p, 3)
				require.Equal(t, Price{Country: "afghanistan", Product: "telegram", Operator: "virtual18",
					Cost: decimal.NewFromInt(4), Count: 1260, Rate: decimal.NewNullDecimal(decimal.RequireFromString("99.99"))}, p[0])
			},
		},
		{
			name: "prices by country and product", fixture: "prices_country_product.json", method: "GET", path: "/v1/guest/prices", guest: true,
			query: map[string][]string{"country": {"russia"}, "product": {"telegram"}},
			call: func(c *Client) (any, error) {
				return c.Prices(ctx, PricesParams{Country: "russia", Product: "telegram"})
			},
			check: func(t *testing.T, got any) {
				p := got.([]Price)
				require.Len(t, p, 8)
				for _, e := range p {
					require.Equal(t, "russia", e.Country)
					require.Equal(t, "telegram", e.Product)
				}
			},
		},
		{
			name: "buy activation", fixture: "buy_activation.json", method: "GET", path: "/v1/user/buy/activation/russia/any/vkontakte",
			call: func(c *Client) (any, error) {
				return c.BuyActivation(ctx, BuyActivationParams{Country: "russia", Operator: Any, Product: "vkontakte"})
			},
			check: func(t *testing.T, got any) {
				o := got.(*Order)
				require.Equal(t, int64(11631253), o.ID)
				require.Equal(t, StatusPending, o.Status)
				require.Equal(t, "+79000381454", o.Phone)
				require.Nil(t, o.SMS)
			},
		},
		{
			name: "buy activation with options", fixture: "buy_activation.json", method: "GET", path: "/v1/user/buy/activation/russia/beeline/vkontakte",
			query: map[string][]string{"forwarding": {"1"}, "number": {"79001234567"}, "reuse": {"1"}, "voice": {"1"}, "ref": {"dev-key"}},
			call: func(c *Client) (any, error) {
				return c.BuyActivation(ctx, BuyActivationParams{Country: "russia", Operator: "beeline", Product: "vkontakte",
					Forwarding: true, ForwardingNumber: "79001234567", Reuse: true, Voice: true, Ref: "dev-key"})
			},
		},
		{
			name: "buy hosting", fixture: "buy_hosting.json", method: "GET", path: "/v1/user/buy/hosting/russia/any/1day",
			call: func(c *Client) (any, error) {
				return c.BuyHosting(ctx, BuyHostingParams{Country: "russia", Operator: Any, Product: Hosting1Day})
			},
			check: func(t *testing.T, got any) {
				o := got.(*Order)
				require.Equal(t, "415127", o.Code())
				require.Equal(t, int64(3027531), o.SMS[0].ID)
			},
		},
		{
			name: "reuse", fixture: "buy_activation.json", method: "GET", path: "/v1/user/reuse/amazon/79006665544",
			call: func(c *Client) (any, error) {
				return c.Reuse(ctx, ReuseParams{Product: "amazon", Number: "79006665544"})
			},
		},
		{
			name: "check", fixture: "order_received.json", method: "GET", path: "/v1/user/check/11631253",
			call: func(c *Client) (any, error) { return c.Check(ctx, 11631253) },
			check: func(t *testing.T, got any) {
				o := got.(*Order)
				require.Equal(t, StatusReceived, o.Status)
				require.Equal(t, "09363", o.Code())
				require.Equal(t, "VKcom", o.SMS[0].Sender)
				require.Equal(t, time.Date(2018, 10, 13, 8, 19, 38, 0, time.UTC), o.SMS[0].Date)
			},
		},
		{
			name: "finish", fixture: "order_finished.json", method: "GET", path: "/v1/user/finish/11631253",
			call:  func(c *Client) (any, error) { return c.Finish(ctx, 11631253) },
			check: func(t *testing.T, got any) { require.Equal(t, StatusFinished, got.(*Order).Status) },
		},
		{
			name: "cancel", fixture: "order_canceled.json", method: "GET", path: "/v1/user/cancel/11631253",
			call:  func(c *Client) (any, error) { return c.Cancel(ctx, 11631253) },
			check: func(t *testing.T, got any) { require.Equal(t, StatusCanceled, got.(*Order).Status) },
		},
		{
			name: "ban", fixture: "order_banned.json", method: "GET", path: "/v1/user/ban/11631253",
			call:  func(c *Client) (any, error) { return c.Ban(ctx, 11631253) },
			check: func(t *testing.T, got any) { require.Equal(t, StatusBanned, got.(*Order).Status) },
		},
		{
			name: "sms inbox", fixture: "sms_inbox.json", method: "GET", path: "/v1/user/sms/inbox/844",
			call: func(c *Client) (any, error) { return c.SMSInbox(ctx, 844) },
			check: func(t *testing.T, got any) {
				in := got.(*Inbox)
				require.Equal(t, 1, in.Total)
				require.Equal(t, InboxSMS{ID: 844928, CreatedAt: time.Date(2017, 9, 5, 15, 48, 33, 763297000, time.UTC),
					Date: time.Date(2017, 9, 5, 15, 48, 27, 0, time.UTC), Sender: "+79998887060", Text: "12345"}, in.Data[0])
			},
		},
		{
			name: "notification", fixture: "flash.json", method: "GET", path: "/v1/guest/flash/en", guest: true,
			call:  func(c *Client) (any, error) { return c.Notification(ctx, LangEN) },
			check: func(t *testing.T, got any) { require.Equal(t, "...notification text...", got) },
		},
		{
			name: "vendor profile", fixture: "vendor.json", method: "GET", path: "/v1/user/vendor",
			call:  func(c *Client) (any, error) { return c.VendorProfile(ctx) },
			check: func(t *testing.T, got any) { require.Equal(t, "demo", got.(*Profile).Vendor) },
		},
		{
			name: "wallets", fixture: "wallets.json", method: "GET", path: "/v1/vendor/wallets",
			call: func(c *Client) (any, error) { return c.Wallets(ctx) },
			check: func(t *testing.T, got any) {
				w := got.(map[string]decimal.Decimal)
				require.Equal(t, "43339.55", w["fkwallet"].String())
				require.Equal(t, "97.6", w["unitpay"].String())
			},
		},
		{
			name: "vendor orders", fixture: "vendor_orders.json", method: "GET", path: "/v1/vendor/orders",
			query: map[string][]string{"category": {"activation"}, "offset": {"0"}},
			call: func(c *Client) (any, error) {
				return c.ListVendorOrders(ctx, ListVendorOrdersParams{Category: CategoryActivation})
			},
			check: func(t *testing.T, got any) { require.Equal(t, 3, *got.(*page.Page[Order]).Total) },
		},
		{
			name: "vendor payments", fixture: "vendor_payments.json", method: "GET", path: "/v1/vendor/payments",
			query: map[string][]string{"offset": {"0"}},
			call:  func(c *Client) (any, error) { return c.ListVendorPayments(ctx, ListVendorPaymentsParams{}) },
			check: func(t *testing.T, got any) {
				p := got.(*page.Page[Payment])
				require.Equal(t, 3, *p.Total)
				require.Empty(t, p.Items)
				require.Empty(t, p.Next, "an empty page ends the list")
			},
		},
		{
			name: "countries", fixture: "countries.json", method: "GET", path: "/v1/guest/countries", guest: true,
			call:  func(c *Client) (any, error) { return c.Countries(ctx) },
			check: func(t *testing.T, got any) { require.Len(t, got.([]Country), 1) },
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			h.reply(text(http.StatusOK, fixture(t, tc.fixture)))
			got, err := tc.call(h.c)
			require.NoError(t, err)
			reqs := h.requests()
			require.Len(t, reqs, 1)
			r := reqs[0]
			require.Equal(t, tc.method, r.Method)
			require.Equal(t, tc.path, r.Path)
			want := tc.query
			if want == nil {
				want = map[string][]string{}
			}
			require.Equal(t, want, r.Query)
			require.Equal(t, "application/json", r.Header.Get("Accept"))
			require.Contains(t, r.Header.Get("User-Agent"), "simkit-go/")
			if tc.guest {
				require.Empty(t, r.Header.Get("Authorization"), "guest calls must not carry the token")
			} else {
				require.Equal(t, "Bearer "+testToken, r.Header.Get("Authorization"))
			}
			if tc.check != nil {
				tc.check(t, got)
			}
		})
	}
}

// TestWithdraw checks the payout request: POST, JSON body with the amount
// as a string, token, and that it is never retried (it moves money).
func TestWithdraw(t *testing.T) {
	h := newHarness(t)
	h.reply(text(http.StatusOK, ""))
	w, err := h.c.Withdraw(context.Background(), WithdrawParams{Receiver: "123456", Method: MethodQiwi, Amount: decimal.RequireFromString("10.50"), Fee: FeeUnitpay})
	require.NoError(t, err)
	require.False(t, w.Recovered)
	reqs := h.requests()
	require.Len(t, reqs, 1)
	r := reqs[0]
	require.Equal(t, http.MethodPost, r.Method)
	require.Equal(t, "/v1/vendor/withdraw", r.Path)
	require.Equal(t, "application/json", r.Header.Get("Content-Type"))
	require.Equal(t, "Bearer "+testToken, r.Header.Get("Authorization"))
	var body map[string]any
	require.NoError(t, json.Unmarshal(r.Body, &body))
	require.Equal(t, map[string]any{"receiver": "123456", "method": "qiwi", "amount": "10.5", "fee": "unitpay"}, body)

	h2 := newHarness(t)
	h2.reply(text(http.StatusServiceUnavailable, ""))
	_, err = h2.c.Withdraw(context.Background(), WithdrawParams{Receiver: "1", Method: MethodVisa, Amount: decimal.NewFromInt(1), Fee: FeePayeer})
	require.ErrorIs(t, err, apierror.ErrOutcomeUnknown, "a 503 may come after the work: the history could not settle it")
	posts := 0
	for _, r := range h2.requests() {
		if r.Method == http.MethodPost {
			posts++
		}
	}
	require.Equal(t, 1, posts, "a payout must not be retried")

	h3 := newHarness(t)
	h3.reply(text(http.StatusOK, "not enough user balance"))
	_, err = h3.c.Withdraw(context.Background(), WithdrawParams{Receiver: "1", Method: MethodYandex, Amount: decimal.NewFromInt(1), Fee: FeeFKWallet})
	require.ErrorIs(t, err, apierror.ErrInsufficientFunds)
}

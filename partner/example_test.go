package partner_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/simkit/simkit"
	"github.com/simkit/simkit/partner"
	"github.com/simkit/simkit/signing"
	"github.com/simkit/simkit/simkittest"
)

// exampleServer plays the Partner API from the fixtures in testdata/partner.
func exampleServer() *httptest.Server {
	paged := map[string]string{
		"/v1/partner/balance/history":   "transactions_page",
		"/v1/partner/catalog/products":  "products_page",
		"/v1/partner/catalog/pricelist": "pricelist_page",
		"/v1/partner/orders":            "orders_page",
	}
	fixed := map[string]string{
		"GET /v1/partner/me":                 "me.json",
		"GET /v1/partner/balance":            "balance.json",
		"GET /v1/partner/catalog/categories": "categories.json",
		"GET /v1/partner/catalog/products/0a1b2c3d-0000-4000-8000-000000000001": "product.json",
		"GET /v1/partner/orders/7898e683-4e56-44a3-9782-eca3f758a844":           "order.json",
		"POST /v1/partner/orders":                                  "order_created.json",
		"GET /v1/partner/services/esim/8944422711108338982/status": "esim_status.json",
		"POST /v1/partner/services/esim/8944422711108338982/topup": "topup_created.json",
	}
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, ok := fixed[r.Method+" "+r.URL.Path]
		if prefix, isPaged := paged[r.URL.Path]; isPaged && r.Method == http.MethodGet {
			page := "1"
			if c := r.URL.Query().Get("cursor"); c != "" {
				page = c[len(c)-1:]
			}
			name, ok = prefix+page+".json", true
		}
		if !ok {
			http.NotFound(w, r)
			return
		}
		b, err := os.ReadFile("../testdata/partner/" + name)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(b)
	}))
}

// exampleClient returns a client for srv, as an application would build one.
func exampleClient(srv *httptest.Server) *partner.Client {
	c, err := partner.New(func(o *partner.Options) {
		o.BaseURL = srv.URL + "/v1/partner"
		o.Token = signing.NewSecret("s2s-token")
		o.Secret = signing.NewSecret("partner-secret")
	})
	if err != nil {
		log.Fatal(err)
	}
	return c
}

func ExampleClient_Me() {
	srv := exampleServer()
	defer srv.Close()
	c := exampleClient(srv)

	p, err := c.Me(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(p.Name, p.Currency, p.Balance.AvailableBalance)
	// Output: Acme Digital USD 1200.75
}

func ExampleClient_Balance() {
	srv := exampleServer()
	defer srv.Close()
	c := exampleClient(srv)

	b, err := c.Balance(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("balance %s %s, available %s, overdrafted %v\n", b.Balance, b.Currency, b.AvailableBalance, b.IsOverdrafted)
	// Output: balance -120.5 USD, available 379.5, overdrafted true
}

func ExampleClient_AllTransactions() {
	srv := exampleServer()
	defer srv.Close()
	c := exampleClient(srv)

	n := 0
	for tx, err := range c.AllTransactions(context.Background(), partner.ListTransactionsParams{PerPage: 100}) {
		if err != nil {
			log.Fatal(err)
		}
		n++
		if n == 1 {
			fmt.Println("latest:", tx.Type, tx.Amount)
		}
	}
	fmt.Println("transactions:", n)
	// Output:
	// latest: charge -25.5
	// transactions: 6
}

func ExampleClient_ListProducts() {
	srv := exampleServer()
	defer srv.Close()
	c := exampleClient(srv)

	pg, err := c.ListProducts(context.Background(), partner.ListProductsParams{Locale: partner.LocaleEN, Type: partner.ProductVoucher})
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range pg.Items {
		fmt.Println(p.Name, p.Type)
	}
	// Pass pg.Next as the next call's Cursor; it is "" on the last page.
	fmt.Println("next page:", pg.Next)
	// Output:
	// Steam Gift Card 1 voucher
	// Travel eSIM 1 esim
	// next page: prod-cursor-2
}

func ExampleClient_AllProducts() {
	srv := exampleServer()
	defer srv.Close()
	c := exampleClient(srv)

	// Stop at the first eSIM: the remaining pages are never fetched.
	for p, err := range c.AllProducts(context.Background(), partner.ListProductsParams{}) {
		if err != nil {
			log.Fatal(err)
		}
		if p.Type == partner.ProductESIM {
			fmt.Println("found", p.Name)
			break
		}
	}
	// Output: found Travel eSIM 1
}

func ExampleClient_GetProduct() {
	srv := exampleServer()
	defer srv.Close()
	c := exampleClient(srv)

	p, err := c.GetProduct(context.Background(), "0a1b2c3d-0000-4000-8000-000000000001", partner.GetProductParams{Locale: partner.LocaleEN})
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range p.SKUs {
		price := "open amount"
		if s.Price.Valid {
			price = s.Price.Decimal.StringFixed(2) + " " + s.Currency
		}
		fmt.Printf("%s: %s, available %v\n", s.Name, price, s.Stock.Available)
	}
	// Output:
	// Steam 25 USD: 25.50 USD, available true
	// Steam any amount: open amount, available true
}

func ExampleClient_AllPricelist() {
	srv := exampleServer()
	defer srv.Close()
	c := exampleClient(srv)

	total := 0
	for _, err := range c.AllPricelist(context.Background(), partner.ListPricelistParams{Type: partner.ProductVoucher}) {
		if err != nil {
			log.Fatal(err)
		}
		total++
	}
	fmt.Println("priced SKUs:", total)
	// Output: priced SKUs: 6
}

func ExampleClient_Categories() {
	srv := exampleServer()
	defer srv.Close()
	c := exampleClient(srv)

	cats, err := c.Categories(context.Background(), partner.CategoriesParams{Target: partner.TargetProduct})
	if err != nil {
		log.Fatal(err)
	}
	for _, cat := range cats {
		fmt.Println(cat.ID, cat.Name)
	}
	// Output:
	// 12 Gaming
	// 30 eSIM
}

func ExampleClient_AllOrders() {
	srv := exampleServer()
	defer srv.Close()
	c := exampleClient(srv)

	since := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	counts := map[partner.OrderStatus]int{}
	for o, err := range c.AllOrders(context.Background(), partner.ListOrdersParams{DateFrom: since}) {
		if err != nil {
			log.Fatal(err)
		}
		counts[o.Status]++
	}
	fmt.Println(counts[partner.OrderCompleted], "completed,", counts[partner.OrderProcessing], "processing,", counts["on_hold"], "on hold")
	// Output: 3 completed, 2 processing, 1 on hold
}

func ExampleClient_GetOrder() {
	srv := exampleServer()
	defer srv.Close()
	c := exampleClient(srv)

	o, err := c.GetOrder(context.Background(), "7898e683-4e56-44a3-9782-eca3f758a844")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(o.ExternalID, o.Status, o.TotalAmount.StringFixed(2), o.Currency)
	for _, d := range o.Items[0].DeliveryData {
		fmt.Println("PIN:", d.PIN)
	}
	// Output:
	// ORD-12345 completed 25.50 USD
	// PIN: XXXX-YYYY-ZZZZ
}

func ExampleClient_CreateOrder() {
	srv := exampleServer()
	defer srv.Close()
	c := exampleClient(srv)

	// Use your own order id and store it before calling: repeating the call
	// with the same id after a timeout cannot buy twice.
	o, err := c.CreateOrder(context.Background(), partner.CreateOrderParams{
		ExternalID: "ORD-12345",
		Item:       partner.OrderItemParams{SKUID: "019bc0dd-8562-7173-afd9-a5cc534fafb7", Quantity: 1},
		Metadata:   map[string]any{"customer_id": "cus_42"},
	})
	switch {
	case errors.Is(err, simkit.ErrInsufficientFunds):
		fmt.Println("top up the partner balance first")
	case err != nil:
		log.Fatal(err)
	default:
		fmt.Println(o.ExternalID, o.Status)
	}
	// Output: ORD-12345 processing
}

func ExampleClient_CreateOrder_unsettled() {
	env, err := simkittest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer env.Close()
	c := env.Client.Partner
	// The order's answer is lost, and the look-up that would settle it
	// fails too, every time it is tried (3 look-ups of 3 attempts).
	env.Faults.Add(simkittest.Fault{Provider: simkittest.ProviderPartner, Method: "POST", Path: "/orders", Kind: simkittest.DropAfterHandling, Times: 1})
	env.Faults.Add(simkittest.Fault{Provider: simkittest.ProviderPartner, Method: "GET", Path: "/orders", Kind: simkittest.Status, Status: 503, Times: 9})

	params := partner.CreateOrderParams{ExternalID: "ORD-777", Item: partner.OrderItemParams{SKUID: simkittest.PartnerSKUVoucher}}
	_, err = c.CreateOrder(context.Background(), params)
	var apiErr *simkit.Error
	if errors.As(err, &apiErr) && apiErr.Ambiguous {
		// The provider dedupes by external id: calling again with the same
		// one (now, or from a reconciliation job) cannot buy twice.
		fmt.Println("not settled:", apiErr.Reference)
		o, err := c.CreateOrder(context.Background(), params)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(o.ExternalID, o.Status, "orders at the provider:", len(env.Partner.Orders()))
	}
	// Output:
	// not settled: ORD-777
	// ORD-777 completed orders at the provider: 1
}

func ExampleClient_CreateOrder_openRange() {
	srv := exampleServer()
	defer srv.Close()
	c := exampleClient(srv)

	// Open-range SKUs have no price; the order carries the amount.
	o, err := c.CreateOrder(context.Background(), partner.CreateOrderParams{
		ExternalID: "ORD-12345",
		Item:       partner.OrderItemParams{SKUID: "029bc0dd-8562-7173-afd9-a5cc534fafb8", Amount: decimal.RequireFromString("15.00")},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(o.Status)
	// Output: processing
}

func ExampleClient_TopupESIM() {
	srv := exampleServer()
	defer srv.Close()
	c := exampleClient(srv)

	o, err := c.TopupESIM(context.Background(), "8944422711108338982", partner.TopupESIMParams{
		ExternalID:    "topup-12345",
		SKUUUID:       "029bc0dd-8562-7173-afd9-a5cc534fafb8",
		CheckCanRenew: true, // one extra status call; refused before paying if it cannot renew
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(o.ExternalID, o.Status, o.TotalAmount)
	// Output: topup-12345 processing 9.9
}

func ExampleClient_GetESIMStatus() {
	srv := exampleServer()
	defer srv.Close()
	c := exampleClient(srv)

	st, err := c.GetESIMStatus(context.Background(), "8944422711108338982")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(st.Status, st.CanRenew, st.DataBalance.Remaining, st.DataBalance.Unit)
	// Output: active true 1234.5 MB
}

func ExampleNewWebhookHandler() {
	secret := signing.NewSecret("partner-secret")
	h, err := partner.NewWebhookHandler(secret, func(ctx context.Context, ev *partner.WebhookEvent) error {
		fmt.Println(ev.Event, ev.Order.ExternalID, ev.Order.Status)
		return nil // an error answers 500 and the provider retries
	})
	if err != nil {
		log.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	// What the provider sends, signed now.
	body := `{"event":"order.status_changed","timestamp":"2026-01-15T12:58:23+00:00",` +
		`"idempotency_key":"550e8400-e29b-41d4-a716-446655440000","data":{"order":{"external_id":"ORD-12345","status":"completed"}}}`
	for i := 0; i < 2; i++ { // the second delivery is a duplicate
		req, _ := simkittest.NewPartnerWebhookRequest(signing.NewSigner([]byte(secret.Reveal())), srv.URL, []byte(body), time.Now())
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			log.Fatal(err)
		}
		resp.Body.Close()
		fmt.Println("status", resp.StatusCode)
	}
	// Output:
	// order.status_changed ORD-12345 completed
	// status 200
	// status 200
}

func ExampleNewExternalID() {
	id, err := partner.NewExternalID()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(id), strings.Count(id, "-"))
	// Output: 36 4
}

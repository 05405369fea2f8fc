package topups_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/simkit/simkit"
	"github.com/simkit/simkit/signing"
	"github.com/simkit/simkit/topups"
)

// fakeAPI is a stand-in for the top-up and renewal APIs, so the examples
// run offline.
func fakeAPI() *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /customer/v2/token", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, `{"data":{"token_type":"Bearer","expires_in":31622400,"access_token":"example-token"}}`)
	})
	mux.HandleFunc("GET /customer/v2/sims/{iccid}/topups", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, `{"data":[{"id":"bonjour-7days-1gb-topup","type":"topup","price":9.5,"net_price":null,"amount":1024,"day":7,"is_unlimited":false,"title":"1 GB - 7 Days","data":"1 GB","short_info":null}],"pricing":{"model":"discount_pricing","discount_percentage":10}}`)
	})
	mux.HandleFunc("POST /customer/v2/orders/topups", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"data":{"id":9666,"code":"20230316-009666","package_id":%q,"price":"9.50","created_at":"2023-03-16 14:12:24"}}`, r.FormValue("package_id"))
	})
	mux.HandleFunc("GET /customer/v2/sims/{iccid}/packages", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, `{"data":[{"id":728,"status":"ACTIVE","remaining":512,"package":{"id":"bonjour-7days-1gb-topup","type":"topup","amount":1024}}]}`)
	})
	mux.HandleFunc("GET /customer/v2/orders", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("page") == "2" {
			fmt.Fprint(w, `{"data":[{"id":3,"code":"C3","type":"topup","status":"completed"}],"meta":{"current_page":2,"last_page":2}}`)
			return
		}
		fmt.Fprint(w, `{"data":[{"id":1,"code":"C1","type":"sim","status":"completed"},{"id":2,"code":"C2","type":"topup","status":"completed"}],"meta":{"current_page":1,"last_page":2}}`)
	})
	mux.HandleFunc("POST /api/third-party/partner/renew-number/", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, `{"message":"Number renewed","success":true,"data":null}`)
	})
	return httptest.NewServer(mux)
}

func newExampleClient(url string, now func() time.Time) *topups.Client {
	c, err := topups.New(func(o *topups.Options) {
		o.BaseURL = url
		o.ClientID = "my-client"
		o.ClientSecret = signing.NewSecret("my-secret")
		o.RenewalBaseURL = url
		o.RenewalKey = signing.NewSecret("renewal-key")
		o.Now = now
	})
	if err != nil {
		panic(err)
	}
	return c
}

func ExampleClient_TopupPackages() {
	srv := fakeAPI()
	defer srv.Close()
	c := newExampleClient(srv.URL, nil)

	list, err := c.TopupPackages(context.Background(), "89852341234567890123")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range list.Packages {
		// Under discount pricing the net price is null: not zero, not given.
		fmt.Println(p.ID, p.Amount, p.Day, "days, retail", p.Price, "net given:", p.NetPrice.Valid)
	}
	fmt.Println(list.Pricing.Model, list.Pricing.DiscountPercentage.Decimal, "% off retail")
	// Output:
	// bonjour-7days-1gb-topup 1024 MB 7 days, retail 9.5 net given: false
	// discount_pricing 10 % off retail
}

func ExampleClient_SubmitTopup() {
	srv := fakeAPI()
	defer srv.Close()
	c := newExampleClient(srv.URL, nil)
	ctx := context.Background()
	iccid := "89852341234567890123"

	// Always pick from a fresh list, and only after payment was collected.
	list, err := c.TopupPackages(ctx, iccid)
	if err != nil || len(list.Packages) == 0 {
		fmt.Println("no top-up available", err)
		return
	}
	order, err := c.SubmitTopup(ctx, topups.SubmitTopupParams{
		PackageID: list.Packages[0].ID,
		ICCID:     iccid,
		// Your own order id: calling again with it never tops up twice.
		Reference: "customer-42/order-7",
	})
	if errors.Is(err, simkit.ErrInsufficientFunds) {
		fmt.Println("top up the account balance first")
		return
	}
	if errors.Is(err, simkit.ErrOutcomeUnknown) {
		fmt.Println("answer lost: call again later with the same Reference")
		return
	}
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(order.ID, order.Code, order.PackageID, order.Price)
	// Output: 9666 20230316-009666 bonjour-7days-1gb-topup 9.5
}

func ExampleClient_PackageHistory() {
	srv := fakeAPI()
	defer srv.Close()
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	c := newExampleClient(srv.URL, func() time.Time { return now })
	ctx := context.Background()

	h, err := c.PackageHistory(ctx, "89852341234567890123")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range h.Packages {
		fmt.Println(p.ID, p.Package.ID, p.Status, p.Remaining)
	}

	// Ten minutes later the cached answer is served: the provider allows
	// one request per eSIM per 15 minutes.
	now = now.Add(10 * time.Minute)
	h, _ = c.PackageHistory(ctx, "89852341234567890123")
	fmt.Println("age:", h.Age(now))
	// Output:
	// 728 bonjour-7days-1gb-topup ACTIVE 512 MB
	// age: 10m0s
}

func ExampleClient_AllOrders() {
	srv := fakeAPI()
	defer srv.Close()
	c := newExampleClient(srv.URL, nil)

	for o, err := range c.AllOrders(context.Background(), topups.ListOrdersParams{
		Include: []topups.Include{topups.IncludeStatus},
		Limit:   2,
	}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(o.ID, o.Code, o.Type, o.Status)
	}
	// Output:
	// 1 C1 sim completed
	// 2 C2 topup completed
	// 3 C3 topup completed
}

func ExampleClient_ListOrders() {
	srv := fakeAPI()
	defer srv.Close()
	c := newExampleClient(srv.URL, nil)

	pg, err := c.ListOrders(context.Background(), topups.ListOrdersParams{
		Type:        topups.OrderTypeTopup,
		CreatedFrom: time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC),
		CreatedTo:   time.Date(2023, 1, 31, 0, 0, 0, 0, time.UTC),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(pg.Items), "orders; next page:", pg.Next)
	// Output: 2 orders; next page: 2
}

func ExampleClient_RenewNumber() {
	srv := fakeAPI()
	defer srv.Close()
	c := newExampleClient(srv.URL, nil)

	res, err := c.RenewNumber(context.Background(), topups.RenewNumberParams{Email: "jane@example.com"})
	if errors.Is(err, topups.ErrRenewalRefused) {
		fmt.Println("refused:", err)
		return
	}
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Message)
	// Output: Number renewed
}

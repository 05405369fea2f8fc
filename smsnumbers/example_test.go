package smsnumbers_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/simkit/simkit"
	"github.com/simkit/simkit/signing"
	"github.com/simkit/simkit/smsnumbers"
)

// fakeAPI serves canned answers by path, standing in for the provider.
func fakeAPI(routes map[string]string) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := routes[r.URL.Path]
		if !ok {
			http.Redirect(w, r, "/404.html", http.StatusFound)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(body))
	}))
}

func newClient(srv *httptest.Server) *smsnumbers.Client {
	c, err := smsnumbers.New(func(o *smsnumbers.Options) {
		o.BaseURL = srv.URL
		o.Token = signing.NewSecret("your-token")
	})
	if err != nil {
		log.Fatal(err)
	}
	return c
}

const exampleOrder = `{"id":11631253,"phone":"+79000381454","operator":"beeline","product":"vkontakte",
"price":21,"status":"%s","expires":"2018-10-13T08:28:38Z","created_at":"2018-10-13T08:13:38Z","country":"russia","sms":%s}`

func ExampleClient_Profile() {
	srv := fakeAPI(map[string]string{"/v1/user/profile": `{"id":1,"email":"user@example.com","balance":100.5,"rating":96,"frozen_balance":0}`})
	defer srv.Close()
	c := newClient(srv)

	p, err := c.Profile(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.Email, p.Balance, p.Rating)
	// Output: user@example.com 100.5 96
}

func ExampleClient_BuyActivation() {
	srv := fakeAPI(map[string]string{"/v1/user/buy/activation/russia/any/vkontakte": fmt.Sprintf(exampleOrder, "PENDING", "null")})
	defer srv.Close()
	c := newClient(srv)

	o, err := c.BuyActivation(context.Background(), smsnumbers.BuyActivationParams{
		Country: "russia", Operator: smsnumbers.Any, Product: "vkontakte",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(o.ID, o.Phone, o.Status, o.Price)
	// Output: 11631253 +79000381454 PENDING 21
}

func ExampleClient_BuyActivation_outOfStock() {
	// The provider answers a sold-out product with status 200 and a text.
	srv := fakeAPI(map[string]string{"/v1/user/buy/activation/russia/any/telegram": "no free phones"})
	defer srv.Close()
	c := newClient(srv)

	_, err := c.BuyActivation(context.Background(), smsnumbers.BuyActivationParams{
		Country: "russia", Operator: smsnumbers.Any, Product: "telegram",
	})
	fmt.Println(errors.Is(err, simkit.ErrOutOfStock))
	var e *simkit.Error
	if errors.As(err, &e) {
		fmt.Println(e.Message)
	}
	// Output:
	// true
	// no free phones
}

func ExampleClient_WaitForCode() {
	srv := fakeAPI(map[string]string{"/v1/user/check/11631253": fmt.Sprintf(exampleOrder, "RECEIVED",
		`[{"created_at":"2018-10-13T08:20:38Z","date":"2018-10-13T08:19:38Z","sender":"VKcom","text":"VK: 09363","code":"09363"}]`)})
	defer srv.Close()
	c := newClient(srv)

	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	o, err := c.WaitForCode(ctx, 11631253, smsnumbers.WaitForCodeParams{PollInterval: 2 * time.Second})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(o.Code())
	// Output: 09363
}

func ExampleClient_Prices() {
	// Asked for one product, the provider nests product -> country ->
	// operator; the list is the same either way.
	srv := fakeAPI(map[string]string{"/v1/guest/prices": `{"telegram":{"afghanistan":{
		"virtual18":{"cost":4,"count":1260,"rate":99.99},"virtual4":{"cost":4.5,"count":0}}}}`})
	defer srv.Close()
	c := newClient(srv)

	prices, err := c.Prices(context.Background(), smsnumbers.PricesParams{Product: "telegram"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range prices {
		fmt.Println(p.Country, p.Product, p.Operator, p.Cost, p.Count, p.Rate.Valid)
	}
	// Output:
	// afghanistan telegram virtual18 4 1260 true
	// afghanistan telegram virtual4 4.5 0 false
}

func ExampleClient_Countries() {
	srv := fakeAPI(map[string]string{"/v1/guest/countries": `{"afghanistan":{"iso":{"af":1},"prefix":{"+93":1},
		"text_en":"Afghanistan","text_ru":"Афганистан","virtual18":{"activation":1},"virtual4":{"activation":1}}}`})
	defer srv.Close()
	c := newClient(srv)

	countries, err := c.Countries(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, ct := range countries {
		var ops []string
		for _, op := range ct.Operators {
			ops = append(ops, op.Name)
		}
		fmt.Println(ct.TextEN, ct.Prefixes, strings.Join(ops, ","))
	}
	// Output: Afghanistan [+93] virtual18,virtual4
}

func ExampleClient_AllOrders() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Two pages of one order each.
		id := 1
		if r.URL.Query().Get("offset") == "1" {
			id = 2
		}
		fmt.Fprintf(w, `{"Data":[{"id":%d,"status":"FINISHED","product":"telegram"}],"Total":2}`, id)
	}))
	defer srv.Close()
	c := newClient(srv)

	for o, err := range c.AllOrders(context.Background(), smsnumbers.ListOrdersParams{Category: smsnumbers.CategoryActivation, Limit: 1}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(o.ID, o.Product, o.Status)
	}
	// Output:
	// 1 telegram FINISHED
	// 2 telegram FINISHED
}

func ExampleClient_Cancel() {
	srv := fakeAPI(map[string]string{"/v1/user/cancel/7": "order has sms"})
	defer srv.Close()
	c := newClient(srv)

	_, err := c.Cancel(context.Background(), 7)
	fmt.Println(errors.Is(err, simkit.ErrConflict))
	// Output: true
}

func ExampleClient_Check() {
	srv := fakeAPI(map[string]string{"/v1/user/check/11631253": fmt.Sprintf(exampleOrder, "PENDING", "[]")})
	defer srv.Close()
	c := newClient(srv)

	o, err := c.Check(context.Background(), 11631253)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(o.Status, len(o.SMS), o.Status.Final())
	// Output: PENDING 0 false
}

func ExampleClient_Finish() {
	srv := fakeAPI(map[string]string{"/v1/user/finish/11631253": fmt.Sprintf(exampleOrder, "FINISHED",
		`[{"created_at":"2018-10-13T08:20:38Z","date":"2018-10-13T08:19:38Z","sender":"VKcom","text":"VK: 09363","code":"09363"}]`)})
	defer srv.Close()
	c := newClient(srv)

	// Finish once the code is used: the provider raises the rating.
	o, err := c.Finish(context.Background(), 11631253)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(o.Status, o.Code())
	// Output: FINISHED 09363
}

func ExampleClient_Ban() {
	srv := fakeAPI(map[string]string{"/v1/user/ban/11631253": fmt.Sprintf(exampleOrder, "BANNED", "[]")})
	defer srv.Close()
	c := newClient(srv)

	// The service refused the number: report it, the order closes.
	o, err := c.Ban(context.Background(), 11631253)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(o.Status)
	// Output: BANNED
}

func ExampleClient_Reuse() {
	srv := fakeAPI(map[string]string{"/v1/user/reuse/vkontakte/79000381454": "reuse expired"})
	defer srv.Close()
	c := newClient(srv)

	_, err := c.Reuse(context.Background(), smsnumbers.ReuseParams{Product: "vkontakte", Number: "79000381454"})
	fmt.Println(errors.Is(err, simkit.ErrConflict))
	// Output: true
}

func ExampleClient_BuyActivation_lostAnswer() {
	// The provider buys the number, then the connection drops before its
	// answer arrives; the orders history shows the order.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasPrefix(r.URL.Path, "/v1/user/buy/"):
			if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
				_ = conn.Close()
			}
		case r.URL.Path == "/v1/user/orders":
			fmt.Fprintf(w, `{"Data":[{"id":42,"phone":"+79000381454","operator":"beeline","product":"vkontakte",
				"price":21,"status":"PENDING","created_at":%q,"country":"russia"}],"Total":1}`, time.Now().UTC().Format(time.RFC3339Nano))
		}
	}))
	defer srv.Close()
	c := newClient(srv)

	o, err := c.BuyActivation(context.Background(), smsnumbers.BuyActivationParams{
		Country: "russia", Operator: smsnumbers.Any, Product: "vkontakte",
	})
	var e *simkit.Error
	switch {
	case errors.Is(err, simkit.ErrOutcomeUnknown) && errors.As(err, &e):
		// Maybe bought: look in the orders history from e.Started on for
		// e.Reference before buying again. Never retry blindly.
		fmt.Println("outcome unknown:", e.Reference, e.Started)
	case err != nil:
		fmt.Println("not bought:", err)
	default:
		fmt.Println(o.ID, o.Recovered)
	}
	// Output: 42 true
}

func ExampleClient_BuyHosting() {
	srv := fakeAPI(map[string]string{"/v1/user/buy/hosting/russia/any/3hours": `{"id":11631254,"phone":"+79000381455","operator":"beeline","product":"3hours",
"price":5,"status":"PENDING","expires":"2018-10-13T11:13:38Z","created_at":"2018-10-13T08:13:38Z","country":"russia","sms":null}`})
	defer srv.Close()
	c := newClient(srv)

	// A hosting number receives every SMS sent to it until it expires.
	o, err := c.BuyHosting(context.Background(), smsnumbers.BuyHostingParams{
		Country: "russia", Operator: smsnumbers.Any, Product: smsnumbers.Hosting3Hours,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(o.ID, o.Product, o.Status, o.Expires.Sub(o.CreatedAt))
	// Output: 11631254 3hours PENDING 3h0m0s
}

package esimstory_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"time"

	"github.com/simkit/simkit"
	"github.com/simkit/simkit/esimstory"
	"github.com/simkit/simkit/retry"
	"github.com/simkit/simkit/signing"
)

// Option ids are UUIDs, as eSIM Story issues them.
const exampleOption = "a1b2c3d4-e5f6-7890-abcd-ef1234567890"

// fakeESIMStory stands in for the API: it checks the signature headers and
// answers one topup_id per unit, or a duplicate error for a reused id. The
// first attempt for "ORDER-LOST" creates the order and then fails with 500,
// as a real answer lost on the way would.
func fakeESIMStory() *httptest.Server {
	verifier, _ := signing.NewESIMStory("AK-example", signing.NewSecret("c2VjcmV0"))
	seen := map[string]bool{}
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ts, _ := strconv.ParseInt(r.Header.Get(signing.HeaderESIMStoryTimestamp), 10, 64)
		if !verifier.Verify(r.Header.Get(signing.HeaderESIMStorySignature), r.Method, r.URL.Path, ts) {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"error":{"code":"unauthorized","message":"Invalid signature."}}`)
			return
		}
		var body struct {
			ExternalOrderID string `json:"external_order_id"`
		}
		_ = json.NewDecoder(r.Body).Decode(&body)
		id := body.ExternalOrderID
		if seen[id] {
			w.WriteHeader(http.StatusUnprocessableEntity)
			fmt.Fprint(w, `{"errors":["External order id has already been taken"]}`)
			return
		}
		seen[id] = true
		if id == "ORDER-LOST" {
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprint(w, `{"error":"Internal server error"}`)
			return
		}
		fmt.Fprint(w, `{"products":[{"topup_id":"T1","option_id":"`+exampleOption+`"},{"topup_id":"T2","option_id":"`+exampleOption+`"}]}`)
	}))
}

func ExampleClient_CreateOrder() {
	srv := fakeESIMStory()
	defer srv.Close()
	c, err := esimstory.New(func(o *esimstory.Options) {
		o.BaseURL = srv.URL + "/api" // production: leave empty (ProductionURL)
		o.AccessKey = signing.NewSecret("AK-example")
		o.SecretKey = signing.NewSecret("c2VjcmV0") // base64, as eSIM Story issues it
		o.Retry = retry.Policy{MaxAttempts: 3, BaseDelay: time.Millisecond}
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	for _, call := range []struct {
		id  string
		qty int
	}{{"ORDER-1", 2}, {"ORDER-1", 2}, {"ORDER-1", 1}, {"ORDER-LOST", 2}} {
		id := call.id
		order, err := c.CreateOrder(ctx, esimstory.CreateOrderParams{
			ExternalOrderID: id, // keep it with your order before calling
			Products:        []esimstory.OrderProductParams{{OptionID: exampleOption, Qty: call.qty}},
		})
		var e *simkit.Error
		switch {
		case err == nil && order.Recovered && len(order.TopupIDs()) > 0:
			// Called again with the same id and products: the order this
			// client (or a replica sharing its Store) made.
			fmt.Println(id, "recovered:", order.TopupIDs())
		case err == nil && order.Recovered:
			// The first attempt created it; its answer was lost. The two
			// topup_ids arrive with the deliveries.
			fmt.Println(id, "recovered:", len(order.Units), "units")
		case err == nil:
			fmt.Println(id, "units:", order.TopupIDs())
		case errors.As(err, &e) && e.Ambiguous:
			// May exist whatever the error says: calling again with the
			// same id is safe (eSIM Story never creates a second order).
			fmt.Println(id, "open; call again with", e.Reference)
		case errors.Is(err, simkit.ErrConflict):
			// Used before for other products: nothing was bought now.
			fmt.Println(id, "conflict")
		default:
			fmt.Println(err)
		}
	}
	// Output:
	// ORDER-1 units: [T1 T2]
	// ORDER-1 recovered: [T1 T2]
	// ORDER-1 conflict
	// ORDER-LOST recovered: 2 units
}

func ExampleNewWebhookHandler() {
	h, err := esimstory.NewWebhookHandler(func(_ context.Context, d *esimstory.Delivery) error {
		// Hand the eSIM to your customer here; an error makes eSIM Story retry.
		fmt.Println("deliver", d.ICCID, d.LPA, d.ExpiresAt.Format("2006-01-02"))
		return nil
	}, func(o *esimstory.WebhookOptions) {
		// Register https://you.example/esimstory/hook?token=... with eSIM Story.
		o.Auth = esimstory.TokenInURL("token", signing.NewSecret("long-random-token"))
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	body := `{"topup_id":"T1","iccid":"89852341234567890123","download_link":"LPA:1$rsp1.cmlink.com$CODE","expired_date":"2026-07-28"}`
	for _, url := range []string{
		srv.URL + "/hook?token=long-random-token",
		srv.URL + "/hook?token=long-random-token", // a retried duplicate
		srv.URL + "/hook?token=guess",
	} {
		resp, err := http.Post(url, "application/json", strings.NewReader(body))
		if err != nil {
			fmt.Println(err)
			return
		}
		resp.Body.Close()
		fmt.Println(resp.StatusCode)
	}
	// Output:
	// deliver 89852341234567890123 LPA:1$rsp1.cmlink.com$CODE 2026-07-28
	// 200
	// 200
	// 401
}

func ExampleTracker_Wait() {
	ctx := context.Background()
	// Pass a shared store (Redis) instead of nil when replicas share the work.
	tr := esimstory.NewTracker(nil, func(o *esimstory.TrackerOptions) { o.RejectUnknown = true })
	// CreateOrder does this itself when Options.Tracker is set.
	_ = tr.Track(ctx, &esimstory.Order{ExternalOrderID: "ORDER-1", Units: []esimstory.OrderedUnit{
		{TopupID: "T1", OptionID: exampleOption}, {TopupID: "T2", OptionID: exampleOption},
	}})
	h, _ := esimstory.NewWebhookHandler(func(context.Context, *esimstory.Delivery) error { return nil },
		func(o *esimstory.WebhookOptions) {
			o.Auth = esimstory.BasicAuth(signing.NewSecret("esim"), signing.NewSecret("pa55word"))
			o.Tracker = tr
		})
	deliver := func(topupID, iccid string) int {
		body := `{"topup_id":"` + topupID + `","iccid":"` + iccid + `","external_order_id":"ORDER-1"}`
		req := httptest.NewRequest(http.MethodPost, "/hook", strings.NewReader(body))
		req.SetBasicAuth("esim", "pa55word")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	fmt.Println("T2:", deliver("T2", "8900000000000000002"))
	fmt.Println("forged:", deliver("T9", "8900000000000000009"))
	delivered, expected, _ := tr.Progress(ctx, "ORDER-1")
	fmt.Printf("progress: %d/%d\n", delivered, expected)
	fmt.Println("T1:", deliver("T1", "8900000000000000001"))

	esims, err := tr.Wait(ctx, "ORDER-1") // returns at once: every unit arrived
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, d := range esims {
		fmt.Println(d.TopupID, d.ICCID)
	}
	// Output:
	// T2: 200
	// forged: 404
	// progress: 1/2
	// T1: 200
	// T1 8900000000000000001
	// T2 8900000000000000002
}

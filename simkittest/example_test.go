package simkittest_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/simkit/simkit"
	"github.com/simkit/simkit/partner"
	"github.com/simkit/simkit/signing"
	"github.com/simkit/simkit/simkittest"
)

// Start runs the four fakes outside a test (local development, examples);
// Env.Client is ready to use and Env.Config holds the URLs and credentials
// for clients you build yourself.
func ExampleStart() {
	env, err := simkittest.Start()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer env.Close()

	p, err := env.Client.SMS.Profile(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("rating:", p.Rating)
	// Output: rating: 96
}

// New is Start for a test: the fakes stop when the test ends and a start
// failure fails the test.
func ExampleNew() {
	testCheckout := func(t *testing.T) {
		env := simkittest.New(t)
		o, err := env.Client.Partner.CreateOrder(context.Background(), partner.CreateOrderParams{
			ExternalID: "cart-42",
			Item:       partner.OrderItemParams{SKUID: simkittest.PartnerSKUVoucher},
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := len(env.Partner.Orders()); got != 1 || o.ExternalID != "cart-42" {
			t.Fatalf("want one order cart-42, got %d", got)
		}
	}
	_ = testCheckout // in your code: func TestCheckout(t *testing.T) { ... }
}

// Faults make the fakes fail the way production does. Here the connection
// drops after the order was made: CreateOrder retries with the same
// external id, meets the duplicate, looks the order up and returns it, so
// exactly one order exists.
func ExampleFaults() {
	env, err := simkittest.Start()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer env.Close()
	env.Faults.Add(simkittest.Fault{Provider: simkittest.ProviderPartner, Method: "POST", Path: "/orders", Times: 1, Kind: simkittest.DropAfterHandling})

	o, err := env.Client.Partner.CreateOrder(context.Background(), partner.CreateOrderParams{
		ExternalID: "cart-7",
		Item:       partner.OrderItemParams{SKUID: simkittest.PartnerSKUVoucher},
	})
	fmt.Println(err == nil, o.ExternalID, len(env.Partner.Orders()), env.Faults.Hits())

	// A status before the fake sees the request: nothing happened, and a
	// safe call is retried.
	env.Faults.Add(simkittest.Fault{Provider: simkittest.ProviderPartner, Path: "/balance", Times: 1, Kind: simkittest.Status, Status: 503})
	_, err = env.Client.Partner.Balance(context.Background())
	fmt.Println(err == nil)

	// Every later answer on the route fails: the error is typed.
	env.Faults.Add(simkittest.Fault{Provider: simkittest.ProviderPartner, Path: "/balance", Kind: simkittest.Status, Status: 503})
	_, err = env.Client.Partner.Balance(context.Background())
	fmt.Println(errors.Is(err, simkit.ErrUnavailable))
	// Output:
	// true cart-7 1 1
	// true
	// true
}

// RecordOrReplay records a contract test against a real sandbox once (with
// SIMKIT_RECORD=1 and real credentials) and replays the fixture, with no
// network, on every later run; secrets and customer data never reach it.
func ExampleRecordOrReplay() {
	testContract := func(t *testing.T) {
		rt := simkittest.RecordOrReplay(t, "testdata/recordings/partner_balance.json", nil)
		c, err := partner.New(func(o *partner.Options) {
			o.Transport = rt
			o.BaseURL = "https://sandbox.partner.example/v1/partner"
			o.Token = signing.NewSecret("set from your environment when recording")
			o.Secret = signing.NewSecret("set from your environment when recording")
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Balance(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	_ = testContract // in your code: func TestContractBalance(t *testing.T) { ... }
}

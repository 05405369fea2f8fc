package esimstory_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/simkit/simkit/esimstory"
)

// Do sends a request to an endpoint this package does not type, signed
// with the X-Esim-Story headers on every attempt like CreateOrder.
func ExampleClient_Do() {
	var c *esimstory.Client // from esimstory.New
	ctx := context.Background()

	var products json.RawMessage
	err := c.Do(ctx, http.MethodGet, "/v1/api_partner/products", esimstory.DoParams{Idempotent: true}, &products)
	fmt.Println(len(products), err)
}

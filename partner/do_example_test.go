package partner_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/simkit/simkit"
	"github.com/simkit/simkit/partner"
)

// Do sends a request to an endpoint this package does not type. A request
// the provider signs lists its signed message parts, in the documented
// order, in Signed: every attempt then carries X-Timestamp and
// X-Signature, as CreateOrder's do.
func ExampleClient_Do() {
	var c *partner.Client // from partner.New
	ctx := context.Background()

	externalID, err := partner.NewExternalID()
	if err != nil {
		fmt.Println(err)
		return
	}
	sku := "019bc0dd-8562-7173-afd9-a5cc534fafb7"
	var answer struct {
		Data struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	err = c.Do(ctx, http.MethodPost, "/orders", partner.DoParams{
		Body:   map[string]any{"external_id": externalID, "item": map[string]any{"sku_id": sku, "quantity": 1}},
		Signed: []string{sku, externalID},
		// The provider refuses a second order with the same external_id,
		// so a retry cannot buy twice.
		Idempotent: true,
	}, &answer)
	if errors.Is(err, simkit.ErrInsufficientFunds) {
		fmt.Println("top up the balance first")
		return
	}
	fmt.Println(answer.Data.ID, err)
}

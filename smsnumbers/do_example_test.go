package smsnumbers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"

	"github.com/simkit/simkit/smsnumbers"
)

// Do sends a request this package has no call or flag for, paced and
// decoded like the typed calls; a /v1/guest path goes out without the
// token.
func ExampleClient_Do() {
	var c *smsnumbers.Client // from smsnumbers.New
	ctx := context.Background()

	var prices map[string]json.RawMessage
	err := c.Do(ctx, http.MethodGet, "/v1/guest/prices", smsnumbers.DoParams{
		Query:      url.Values{"country": {"england"}, "product": {"telegram"}},
		Idempotent: true,
	}, &prices)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(prices))
}

package topups_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"

	"github.com/simkit/simkit"
	"github.com/simkit/simkit/signing"
	"github.com/simkit/simkit/topups"
)

// Do reaches an endpoint of the partner v2 API that this package does not
// type, here the eSIM list, with the same token, refresh and error codes
// as the typed calls.
func ExampleClient_Do() {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /customer/v2/token", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, `{"data":{"token_type":"Bearer","expires_in":31622400,"access_token":"example-token"}}`)
	})
	mux.HandleFunc("GET /customer/v2/sims", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer example-token" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		fmt.Fprintf(w, `{"data":[{"iccid":"89852341234567890123","created_at":"2026-01-15 10:00:00"}],"meta":{"limit":%q}}`, r.URL.Query().Get("limit"))
	})
	mux.HandleFunc("GET /customer/v2/sims/{iccid}/usage", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprint(w, `{"code":89,"reason":"Your IP address is not allowed."}`)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	c, err := topups.New(func(o *topups.Options) {
		o.BaseURL = srv.URL
		o.ClientID = "example-client"
		o.ClientSecret = signing.NewSecret("example-secret")
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()

	var sims struct {
		Data []struct {
			ICCID string `json:"iccid"`
		} `json:"data"`
	}
	err = c.Do(ctx, http.MethodGet, "/customer/v2/sims", topups.DoParams{
		Query:      url.Values{"limit": {"50"}},
		Idempotent: true, // a read: safe for the retry policy to repeat
	}, &sims)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("eSIMs:", len(sims.Data))

	// A refusal decodes like a typed call's: the provider's code picks the
	// sentinel, and the route label hides the ICCID.
	err = c.Do(ctx, http.MethodGet, "/customer/v2/sims/"+sims.Data[0].ICCID+"/usage", topups.DoParams{}, nil)
	var e *simkit.Error
	if errors.As(err, &e) {
		fmt.Println(errors.Is(err, simkit.ErrUnauthorized), e.Code, e.Op)
	}
	// Output:
	// eSIMs: 1
	// true 89 GET /customer/v2/sims/{param}/usage
}

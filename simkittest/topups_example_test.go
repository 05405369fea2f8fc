package simkittest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"github.com/simkit/simkit/simkittest"
)

// The top-up fake enforces the one-request-per-eSIM-per-15-minutes rule on
// package history; a test moves its clock to open the window again.
func ExampleNewTopupsFake() {
	var mu sync.Mutex // the fake reads the clock from its server goroutines
	now := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	fake := simkittest.NewTopupsFake(simkittest.TopupsFakeConfig{ClientID: "id", ClientSecret: "secret", Now: clock})
	srv := httptest.NewServer(fake)
	defer srv.Close()

	// Token issuing is shown in the package tests; here one is fetched by hand.
	tok := fetchTopupsToken(srv.URL, "id", "secret")
	history := func() int {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/customer/v2/sims/"+simkittest.TopupsSeedICCID+"/packages", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	fmt.Println(history(), history())
	mu.Lock()
	now = now.Add(15 * time.Minute)
	mu.Unlock()
	fmt.Println(history(), fake.HistoryRequests(simkittest.TopupsSeedICCID), fake.TokenCount())
	// Output:
	// 200 429
	// 200 3 1
}

func fetchTopupsToken(base, id, secret string) string {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("client_id", id)
	_ = mw.WriteField("client_secret", secret)
	_ = mw.WriteField("grant_type", "client_credentials")
	_ = mw.Close()
	resp, err := http.Post(base+"/customer/v2/token", mw.FormDataContentType(), &body)
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	var v struct {
		Data struct {
			AccessToken string `json:"access_token"`
		} `json:"data"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&v)
	return v.Data.AccessToken
}

package simkittest_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/simkit/simkit/simkittest"
)

// A test buys a number from the SMS fake, makes the SMS arrive and reads the code.
func ExampleNewSMSFake() {
	now := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	fake := simkittest.NewSMSFake(simkittest.SMSFakeConfig{Token: "t", Now: func() time.Time { return now }})
	srv := httptest.NewServer(fake)
	defer srv.Close()

	get := func(path string) string {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		req.Header.Set("Authorization", "Bearer t")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return fmt.Sprintf("%d %s", resp.StatusCode, b)
	}
	get("/v1/user/buy/activation/russia/any/vkontakte")
	id := fake.OrderIDs()[0]
	_ = fake.DeliverSMS(id, "VK: 09363", "09363")
	status, _ := fake.OrderStatus(id)
	fmt.Println(status, fake.Balance())
	fmt.Print(get(fmt.Sprintf("/v1/user/cancel/%d", id)))
	// Output:
	// RECEIVED 79
	// 400 order has sms
}

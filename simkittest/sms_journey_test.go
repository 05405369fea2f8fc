package simkittest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// smsPlainClient is what a user of the real API writes with net/http
// alone: bearer token, Accept header, no redirects followed.
type smsPlainClient struct {
	t     *testing.T
	base  string
	token string
	hc    *http.Client
}

func (c *smsPlainClient) send(method, path, contentType, body string) (int, []byte) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+path, strings.NewReader(body))
	require.NoError(c.t, err)
	req.Header.Set("Accept", "application/json")
	if !strings.HasPrefix(path, "/v1/guest/") {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := c.hc.Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	return resp.StatusCode, b
}

// getJSON sends a GET and decodes a 200 answer into a generic value.
func (c *smsPlainClient) getJSON(path string) map[string]any {
	c.t.Helper()
	status, b := c.send(http.MethodGet, path, "", "")
	require.Equal(c.t, http.StatusOK, status, string(b))
	var v map[string]any
	require.NoError(c.t, json.Unmarshal(b, &v), string(b))
	return v
}

// TestSMSPlainClientJourney walks the whole journey the way the API's own
// examples do, with a plain net/http client: catalog, profile, buy, wait
// for the SMS, finish, the histories, and a vendor payout in each body
// encoding a client of the real API sends.
func TestSMSPlainClientJourney(t *testing.T) {
	for _, enc := range []struct{ name, contentType string }{
		{"json", "application/json"},
		{"json with charset", "application/json; charset=utf-8"},
		{"curl -d without a Content-Type", "application/x-www-form-urlencoded"},
	} {
		t.Run(enc.name, func(t *testing.T) {
			fake := NewSMSFake(SMSFakeConfig{Token: smsTestToken})
			srv := httptest.NewServer(fake)
			defer srv.Close()
			c := &smsPlainClient{t: t, base: srv.URL, token: smsTestToken, hc: &http.Client{
				CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
			}}

			countries := c.getJSON("/v1/guest/countries")
			require.Contains(t, countries, "russia")
			prices := c.getJSON("/v1/guest/prices?country=russia&product=vkontakte")
			offer := prices["russia"].(map[string]any)["vkontakte"].(map[string]any)["beeline"].(map[string]any)
			require.Equal(t, 21.0, offer["cost"])
			products := c.getJSON("/v1/guest/products/russia/any")
			require.Equal(t, "activation", products["vkontakte"].(map[string]any)["Category"])
			profile := c.getJSON("/v1/user/profile")
			require.Equal(t, 100.0, profile["balance"])

			order := c.getJSON("/v1/user/buy/activation/russia/any/vkontakte")
			require.Equal(t, "PENDING", order["status"])
			require.Nil(t, order["sms"])
			id := int64(order["id"].(float64))
			check := c.getJSON(fmt.Sprintf("/v1/user/check/%d", id))
			require.Equal(t, "PENDING", check["status"])
			require.Empty(t, check["sms"])

			require.NoError(t, fake.DeliverSMS(id, "VK: 09363 - use this code", "09363"))
			check = c.getJSON(fmt.Sprintf("/v1/user/check/%d", id))
			require.Equal(t, "RECEIVED", check["status"])
			require.Equal(t, "09363", check["sms"].([]any)[0].(map[string]any)["code"])
			inbox := c.getJSON(fmt.Sprintf("/v1/user/sms/inbox/%d", id))
			require.Equal(t, 1.0, inbox["Total"])
			done := c.getJSON(fmt.Sprintf("/v1/user/finish/%d", id))
			require.Equal(t, "FINISHED", done["status"])

			history := c.getJSON("/v1/user/orders?category=activation&limit=15&offset=0&order=id&reverse=true")
			require.Equal(t, 1.0, history["Total"])
			require.Equal(t, float64(id), history["Data"].([]any)[0].(map[string]any)["id"])
			payments := c.getJSON("/v1/user/payments?limit=15&offset=0&order=id&reverse=true")
			require.Equal(t, 1.0, payments["Total"])
			profile = c.getJSON("/v1/user/profile")
			require.Equal(t, 79.0, profile["balance"], "the finished order was paid")

			// The payout body as the docs' curl, Python and PHP examples send it.
			status, b := c.send(http.MethodPost, "/v1/vendor/withdraw", enc.contentType,
				`{"receiver":"123456","method":"qiwi","amount":"10","fee":"unitpay"}`)
			require.Equal(t, http.StatusOK, status, string(b))
			vendor := c.getJSON("/v1/vendor/payments?limit=15&offset=0&order=id&reverse=true")
			require.Equal(t, 1.0, vendor["Total"])
			require.Equal(t, "87.6", fake.Wallet("unitpay").String())

			// The docs show JSON only: form fields are not a payout.
			status, _ = c.send(http.MethodPost, "/v1/vendor/withdraw", "application/x-www-form-urlencoded",
				"receiver=123456&method=qiwi&amount=10&fee=unitpay")
			require.Equal(t, http.StatusBadRequest, status)
			require.Equal(t, "87.6", fake.Wallet("unitpay").String())

			// An unknown path is a redirect to the 404 page, not JSON.
			status, _ = c.send(http.MethodGet, "/v1/user/nowhere", "", "")
			require.Equal(t, http.StatusFound, status)
		})
	}
}

package simkittest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSMSFidelity compares the fake's answer to each documented response
// example: same fields at every depth, same JSON types, null where the
// docs show null.
func TestSMSFidelity(t *testing.T) {
	type scenario struct {
		name, example string
		rules         shape
		// answer drives the fake into the example's state and returns
		// the answer to compare.
		answer func(e *smsEnv) (int, string)
	}
	get := func(path string) func(e *smsEnv) (int, string) {
		return func(e *smsEnv) (int, string) { return e.get(path) }
	}
	// activation buys an activation order, with an SMS when withSMS.
	activation := func(e *smsEnv, withSMS bool) int64 {
		o := e.buy("/v1/user/buy/activation/russia/any/vkontakte")
		if withSMS {
			require.NoError(e.t, e.fake.DeliverSMS(o.ID, "VK: 09363 - use this code", "09363"))
		}
		return o.ID
	}
	then := func(withSMS bool, action string) func(e *smsEnv) (int, string) {
		return func(e *smsEnv) (int, string) {
			return e.get(fmt.Sprintf("/v1/user/%s/%d", action, activation(e, withSMS)))
		}
	}
	prices := shape{maps: []string{"$", "$.*", "$.*.*"}}
	tests := []scenario{
		{name: "profile", example: "profile.json", answer: get("/v1/user/profile")},
		{name: "orders history", example: "orders.json", answer: func(e *smsEnv) (int, string) {
			activation(e, false)
			return e.get("/v1/user/orders?category=activation&limit=15&offset=0&order=id&reverse=true")
		}},
		{name: "payments history", example: "payments.json", answer: get("/v1/user/payments?limit=15&offset=0&order=id&reverse=true")},
		{name: "products", example: "products.json", rules: shape{maps: []string{"$"}}, answer: get("/v1/guest/products/russia/any")},
		{name: "prices", example: "prices.json", rules: prices, answer: get("/v1/guest/prices")},
		{name: "prices by country", example: "prices_country.json", rules: prices, answer: get("/v1/guest/prices?country=russia")},
		{name: "prices by product", example: "prices_product.json", rules: prices, answer: get("/v1/guest/prices?product=telegram")},
		{name: "prices by country and product", example: "prices_country_product.json", rules: prices, answer: get("/v1/guest/prices?country=russia&product=telegram")},
		{name: "buy activation", example: "buy_activation.json", answer: get("/v1/user/buy/activation/russia/any/vkontakte")},
		{name: "re-buy", example: "buy_activation.json", answer: func(e *smsEnv) (int, string) {
			o := e.buy("/v1/user/buy/activation/russia/beeline/vkontakte?reuse=1")
			return e.get("/v1/user/reuse/vkontakte/" + strings.TrimPrefix(o.Phone, "+"))
		}},
		{name: "buy hosting", example: "buy_hosting.json", answer: get("/v1/user/buy/hosting/russia/any/1day")},
		{name: "hosting order with an SMS", example: "buy_hosting.json", answer: func(e *smsEnv) (int, string) {
			o := e.buy("/v1/user/buy/hosting/russia/any/1day")
			require.NoError(e.t, e.fake.DeliverSMS(o.ID, "Use 415127 as your login code", "415127"))
			return e.get(fmt.Sprintf("/v1/user/check/%d", o.ID))
		}},
		{name: "check", example: "check.json", answer: then(true, "check")},
		{name: "check before an SMS", example: "check.json", answer: then(false, "check")},
		{name: "finish", example: "finish.json", answer: then(true, "finish")},
		{name: "cancel", example: "cancel.json", answer: then(false, "cancel")},
		{name: "ban", example: "ban.json", answer: then(false, "ban")},
		{name: "sms structure", example: "sms.json", answer: func(e *smsEnv) (int, string) {
			s, b := then(true, "check")(e)
			var o map[string]json.RawMessage
			require.NoError(e.t, json.Unmarshal([]byte(b), &o))
			return s, `{"sms":` + string(o["sms"]) + `}`
		}},
		{name: "sms inbox", example: "sms_inbox.json", answer: func(e *smsEnv) (int, string) {
			return e.get(fmt.Sprintf("/v1/user/sms/inbox/%d", activation(e, true)))
		}},
		{name: "notification", example: "flash.json", answer: get("/v1/guest/flash/en")},
		{name: "vendor", example: "vendor.json", answer: get("/v1/user/vendor")},
		{name: "wallets", example: "wallets.json", rules: shape{maps: []string{"$"}}, answer: get("/v1/vendor/wallets")},
		{name: "vendor orders", example: "vendor_orders.json", answer: get("/v1/vendor/orders?category=activation&limit=15&offset=0&order=id&reverse=true")},
		{name: "vendor payments", example: "vendor_payments.json", answer: get("/v1/vendor/payments?limit=15&offset=0&order=id&reverse=true")},
		{name: "countries", example: "countries.json", answer: get("/v1/guest/countries"), rules: shape{
			maps:  []string{"$", "$.*.iso", "$.*.prefix", "$.*.*"},
			mixed: map[string][]string{"$.*": {"iso", "prefix", "text_en", "text_ru"}},
		}},
	}
	covered := map[string]bool{}
	for _, tc := range tests {
		covered[tc.example] = true
		t.Run(tc.name, func(t *testing.T) {
			e := newSMSEnv(t, nil)
			status, body := tc.answer(e)
			require.Equal(t, http.StatusOK, status, body)
			problems, _ := tc.rules.diff(decodeJSON(t, published(t, "smsnumbers", tc.example)), decodeJSON(t, []byte(body)))
			require.Empty(t, problems, "fake answer: %s", body)
		})
	}
	entries, err := os.ReadDir(publishedPath("smsnumbers", ""))
	require.NoError(t, err)
	for _, en := range entries {
		if strings.HasSuffix(en.Name(), ".json") {
			require.True(t, covered[en.Name()], "no scenario compares the fake with %s", en.Name())
		}
	}
}

// TestSMSErrorFidelity: the plain-text errors come with the documented
// statuses and bodies.
func TestSMSErrorFidelity(t *testing.T) {
	f, err := os.Open(publishedPath("smsnumbers", "errors.txt"))
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.SplitN(line, "\t", 3)
		require.Len(t, parts, 3, line)
		n++
		t.Run(parts[2], func(t *testing.T) {
			e := newSMSEnv(t, nil)
			req, note, _ := strings.Cut(parts[2], " (")
			method, path, _ := strings.Cut(req, " ")
			token := smsTestToken
			switch note {
			case "sold out)":
				require.True(t, e.fake.SetStock("russia", "beeline", "vkontakte", 0))
			case "bad token)":
				token = "wrong"
			}
			status, body, h := e.do(method, path, token, "")
			require.Equal(t, parts[0], fmt.Sprint(status))
			require.Equal(t, parts[1], body)
			if status == http.StatusFound {
				require.Equal(t, "/404.html", h.Get("Location"))
			}
		})
	}
	require.NoError(t, sc.Err())
	require.Positive(t, n)
}

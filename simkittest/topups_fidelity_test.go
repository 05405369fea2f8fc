package simkittest

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// topupsShape: the fields the provider documents as sometimes null may be
// null or a value whatever the example shows; fields beyond the example
// are allowed; a documented list must have entries.
var topupsShape = shape{
	nullableFields: map[string]bool{
		"short_info": true, "voice": true, "text": true,
		"activated_at": true, "expired_at": true, "finished_at": true,
		"remaining_voice": true, "remaining_text": true,
	},
	extraAllowed: true,
	elements:     true,
}

// TestTopupsFidelity compares the fake's answer to each documented
// response example with the example's structure.
func TestTopupsFidelity(t *testing.T) {
	submit := map[string]string{"package_id": "merhaba-30days-3gb-topup", "iccid": TopupsSeedICCID, "description": "Top-up for customer 42"}
	tests := []struct {
		example  string
		discount bool
		status   int
		call     func(e *topupsEnv, tok string) topupsResp
	}{
		{"token.json", false, 200, func(e *topupsEnv, _ string) topupsResp {
			return e.send(http.MethodPost, "/customer/v2/token", "", map[string]string{
				"client_id": topupsTestID, "client_secret": topupsTestSecret, "grant_type": "client_credentials"}, "")
		}},
		{"topups_list.json", false, 200, func(e *topupsEnv, tok string) topupsResp {
			return e.send(http.MethodGet, "/customer/v2/sims/"+TopupsSeedICCID+"/topups", tok, nil, "")
		}},
		{"topups_list_discount.json", true, 200, func(e *topupsEnv, tok string) topupsResp {
			return e.send(http.MethodGet, "/customer/v2/sims/"+TopupsSeedICCID+"/topups", tok, nil, "")
		}},
		{"submit_topup.json", false, 200, func(e *topupsEnv, tok string) topupsResp {
			return e.send(http.MethodPost, "/customer/v2/orders/topups", tok, submit, "")
		}},
		{"submit_topup_discount.json", true, 200, func(e *topupsEnv, tok string) topupsResp {
			return e.send(http.MethodPost, "/customer/v2/orders/topups", tok, submit, "")
		}},
		{"package_history.json", false, 200, func(e *topupsEnv, tok string) topupsResp {
			e.send(http.MethodPost, "/customer/v2/orders/topups", tok, submit, "")
			return e.send(http.MethodGet, "/customer/v2/sims/"+TopupsSeedICCID+"/packages", tok, nil, "")
		}},
		{"package_history_discount.json", true, 200, func(e *topupsEnv, tok string) topupsResp {
			e.send(http.MethodPost, "/customer/v2/orders/topups", tok, submit, "")
			return e.send(http.MethodGet, "/customer/v2/sims/"+TopupsSeedICCID+"/packages", tok, nil, "")
		}},
		{"orders_list_status.json", false, 200, func(e *topupsEnv, tok string) topupsResp {
			e.send(http.MethodPost, "/customer/v2/orders/topups", tok, submit, "")
			return e.send(http.MethodGet, "/customer/v2/orders?include=status&filter[description]=customer+42", tok, nil, "")
		}},
		{"token_refused_401.json", false, 401, func(e *topupsEnv, _ string) topupsResp {
			return e.send(http.MethodPost, "/customer/v2/token", "", map[string]string{
				"client_id": topupsTestID, "client_secret": "wrong", "grant_type": "client_credentials"}, "")
		}},
		{"token_refused_422.json", false, 422, func(e *topupsEnv, _ string) topupsResp {
			return e.send(http.MethodPost, "/customer/v2/token", "", map[string]string{
				"client_id": "unknown", "client_secret": "wrong", "grant_type": "client_credentials"}, "")
		}},
		{"ip_not_allowed_403.json", false, 403, func(e *topupsEnv, tok string) topupsResp {
			e.fake.ForceError("/customer/v2/sims/"+TopupsSeedICCID+"/topups", 89)
			return e.send(http.MethodGet, "/customer/v2/sims/"+TopupsSeedICCID+"/topups", tok, nil, "")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.example, func(t *testing.T) {
			e := newTopupsEnv(t, func(c *TopupsFakeConfig) {
				c.TokenLimit = -1
				c.DiscountPricing = tt.discount
			})
			r := tt.call(e, e.token())
			require.Equal(t, tt.status, r.status, r.body)
			problems, _ := topupsShape.diff(decodeJSON(t, published(t, "topups", tt.example)), decodeJSON(t, []byte(r.body)))
			require.Empty(t, problems, r.body)
		})
	}
}

// The meaning of the money fields, not only their shape: retail in price,
// wholesale in net_price, and under discount pricing what was charged.
func TestTopupsMoneyMeaning(t *testing.T) {
	for _, discount := range []bool{false, true} {
		t.Run(fmt.Sprint("discount=", discount), func(t *testing.T) {
			e := newTopupsEnv(t, func(c *TopupsFakeConfig) { c.DiscountPricing = discount })
			tok := e.token()
			r := e.send(http.MethodPost, "/customer/v2/orders/topups", tok,
				map[string]string{"package_id": "merhaba-30days-3gb-topup", "iccid": TopupsSeedICCID, "description": "c-1"}, "")
			require.Equal(t, 200, r.status, r.body)
			d := r.json(t)["data"].(map[string]any)
			require.EqualValues(t, 22, d["price"], "price is the retail price")
			require.Equal(t, "USD", d["currency"])
			require.Equal(t, "1", d["quantity"])
			if !discount {
				require.EqualValues(t, 17.6, d["net_price"])
				require.Equal(t, "82.4", e.fake.Balance().String(), "charged the net price")
				require.NotContains(t, d, "unit_paid_price")
				return
			}
			require.Nil(t, d["net_price"])
			require.EqualValues(t, 10, d["discount_percentage"])
			require.EqualValues(t, 2.2, d["discount_amount"])
			require.EqualValues(t, 19.8, d["unit_paid_price"])
			require.EqualValues(t, 19.8, d["total_amount_paid"])
			require.True(t, decimal.RequireFromString("80.2").Equal(e.fake.Balance()), "charged retail less the discount")
		})
	}
}

// SetDiscountPricing switches a running fake between the pricing models.
func TestTopupsSetDiscountPricing(t *testing.T) {
	e := newTopupsEnv(t, nil)
	tok := e.token()
	path := "/customer/v2/sims/" + TopupsSeedICCID + "/topups"
	pricing := func() (map[string]any, any) {
		v := e.send(http.MethodGet, path, tok, nil, "").json(t)
		return v["pricing"].(map[string]any), v["data"].([]any)[0].(map[string]any)["net_price"]
	}
	p, net := pricing()
	require.Equal(t, "net_pricing", p["model"])
	require.EqualValues(t, 7.6, net)
	e.fake.SetDiscountPricing(decimal.NewFromInt(15))
	p, net = pricing()
	require.Equal(t, "discount_pricing", p["model"])
	require.EqualValues(t, 15, p["discount_percentage"])
	require.Nil(t, net)
	e.fake.SetDiscountPricing(decimal.NewFromInt(-1))
	p, _ = pricing()
	require.Equal(t, "net_pricing", p["model"])
}

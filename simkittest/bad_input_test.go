package simkittest

import (
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// The requests that once crashed a handler or looped a client, each with
// the provider's answer for bad input now.
func TestSMSHistoryOutOfRangeNumbersAreBadInput(t *testing.T) {
	e := newSMSEnv(t, nil)
	tests := []struct {
		path   string
		status int
		body   string
	}{
		{"/v1/user/orders?limit=9223372036854775807&offset=1", http.StatusOK, ""},
		{"/v1/user/payments?limit=9223372036854775807&offset=1", http.StatusOK, ""},
		{"/v1/vendor/payments?limit=9223372036854775807&offset=9223372036854775807", http.StatusOK, ""},
		{"/v1/user/orders?limit=92233720368547758070", http.StatusBadRequest, "bad limit"},
		{"/v1/user/payments?offset=-1", http.StatusBadRequest, "bad offset"},
		{"/v1/user/orders?limit=ten", http.StatusBadRequest, "bad limit"},
		{"/v1/vendor/orders?limit=-5", http.StatusBadRequest, "bad limit"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			status, body, _ := e.do(http.MethodGet, tt.path, smsTestToken, "")
			require.Equal(t, tt.status, status, body)
			if tt.body != "" {
				require.Equal(t, tt.body, body)
			} else {
				require.Contains(t, body, `"Total"`)
			}
		})
	}
}

func TestTopupsOrdersHugePageIsEmptyPage(t *testing.T) {
	e := newTopupsEnv(t, nil)
	tok := e.token()
	for _, q := range []string{"page=9223372036854775807", "page=9223372036854775807&limit=100", "page=92233720368547758&limit=100"} {
		r := e.send(http.MethodGet, "/customer/v2/orders?"+q, tok, nil, "")
		require.Equal(t, http.StatusOK, r.status, r.body)
		require.Equal(t, []any{}, r.json(t)["data"], q)
	}
	r := e.send(http.MethodGet, "/customer/v2/orders?page=99999999999999999999", tok, nil, "")
	require.Equal(t, http.StatusUnprocessableEntity, r.status, r.body)
}

func TestSMSUnknownPathRedirectEndsAt404(t *testing.T) {
	e := newSMSEnv(t, nil)
	status, _, h := e.do(http.MethodGet, "/v1/user/undocumented", smsTestToken, "")
	require.Equal(t, http.StatusFound, status)
	require.Equal(t, "/404.html", h.Get("Location"))
	// A client that follows redirects (Go's default) stops at the 404 page.
	resp, err := http.Get(e.srv.URL + "/v1/guest/undocumented")
	require.NoError(t, err)
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	require.Equal(t, http.StatusNotFound, resp.StatusCode)
	require.Equal(t, "/404.html", resp.Request.URL.Path)
}

func TestSMSBuyRefusesUnreadableMaxPrice(t *testing.T) {
	e := newSMSEnv(t, nil)
	before := e.fake.Balance()
	for _, mp := range []string{"NaN", "1e400", "Inf", "-1", "0", "1e2", "", "12.", "2000000"} {
		status, body, _ := e.do(http.MethodGet, "/v1/user/buy/activation/russia/any/vkontakte?maxPrice="+mp, smsTestToken, "")
		require.Equal(t, http.StatusBadRequest, status, mp)
		require.Equal(t, "bad maxPrice", body, mp)
	}
	require.True(t, before.Equal(e.fake.Balance()), "nothing was bought")
	status, body, _ := e.do(http.MethodGet, "/v1/user/buy/activation/russia/any/vkontakte?maxPrice=100", smsTestToken, "")
	require.Equal(t, http.StatusOK, status, body)
	require.Contains(t, body, `"id"`, "a plain price buys")
}

// The official Airalo SDKs call /v2/...; the top-up fake answers there
// with the same shapes as under the seed's /customer/v2.
func TestTopupsAnswersUnderTheOfficialSDKsV2Prefix(t *testing.T) {
	e := newTopupsEnv(t, nil)
	tok := e.token()
	for _, path := range []string{"/sims/" + TopupsSeedICCID + "/topups", "/orders?include=sims,status"} {
		seed := e.send(http.MethodGet, "/customer/v2"+path, tok, nil, "")
		official := e.send(http.MethodGet, "/v2"+path, tok, nil, "")
		require.Equal(t, http.StatusOK, seed.status, seed.body)
		require.Equal(t, seed.status, official.status, path)
		require.Equal(t, seed.json(t)["data"], official.json(t)["data"], path)
	}
	r := e.send(http.MethodPost, "/v2/token", "", map[string]string{"client_id": topupsTestID, "client_secret": topupsTestSecret, "grant_type": "client_credentials"}, "")
	require.Equal(t, http.StatusOK, r.status, r.body)
}

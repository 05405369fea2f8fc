package simkittest

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

func TestClockAdvancesFromWallTime(t *testing.T) {
	wall := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	c := NewClock(func() time.Time { return wall })
	require.Equal(t, wall, c.Now())
	require.Equal(t, wall.Add(time.Hour), c.Advance(time.Hour))
	require.Equal(t, wall.Add(time.Hour), c.Advance(-time.Minute), "never backwards")
	require.Equal(t, time.Hour, c.Offset())
	var zero Clock
	require.WithinDuration(t, time.Now(), zero.Now(), time.Minute)
}

func TestServerAdminAPI(t *testing.T) {
	srv, err := NewServer(ServerConfig{Fakes: Config{SMSToken: "own-token"}})
	require.NoError(t, err)
	defer func() { require.NoError(t, srv.Shutdown(context.Background())) }()
	env := map[string]string{}
	for _, kv := range srv.Env() {
		env[kv[0]] = kv[1]
	}
	require.Equal(t, "own-token", env["SIMKIT_SMS_TOKEN"])
	require.Equal(t, FakePartnerToken, env["SIMKIT_PARTNER_TOKEN"])
	require.True(t, strings.HasSuffix(env["SIMKIT_PARTNER_BASE_URL"], PartnerPrefix))
	require.Equal(t, srv.URL(ProviderTopups), env["SIMKIT_RENEWAL_BASE_URL"])

	call := func(method, path, body string) int {
		req, err := http.NewRequest(method, srv.AdminURL()+path, strings.NewReader(body))
		require.NoError(t, err)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_ = resp.Body.Close()
		return resp.StatusCode
	}
	for _, tc := range []struct {
		method, path, body string
		want               int
	}{
		{"GET", "/", "", 200},
		{"GET", "/nope", "", 404},
		{"POST", "/faults", `{"kind":"explode"}`, 400},
		{"POST", "/faults", `{"kind":"latency","delay":"soon"}`, 400},
		{"POST", "/faults", `{"kind":"status","provider":"acme"}`, 400},
		{"POST", "/faults", `not json`, 400},
		{"POST", "/faults", `{"kind":"status","provider":"smsnumbers","path":"/v1/user/profile","times":1}`, 201},
		{"POST", "/clock/advance", `{"by":"-1m"}`, 400},
		{"POST", "/clock/advance", `{"by":"1h","provider":"topups"}`, 200},
		{"PUT", "/webhooks/topups", `{"url":"http://127.0.0.1:1/"}`, 404},
		{"PUT", "/webhooks/partner", `{"url":"ftp://x"}`, 400},
		{"POST", "/partner/orders/none/complete", "", 404},
		{"POST", "/esimstory/deliver", `{}`, 400},
		{"POST", "/esimstory/deliver", `{"topup_id":"none"}`, 404},
		{"POST", "/sms/deliver", `{"order_id":"x"}`, 400},
		{"POST", "/sms/deliver", `{"order_id":1}`, 404},
	} {
		require.Equal(t, tc.want, call(tc.method, tc.path, tc.body), "%s %s %s", tc.method, tc.path, tc.body)
	}
	require.Equal(t, time.Hour, srv.Clocks[ProviderTopups].Offset())
	require.Zero(t, srv.Clocks[ProviderPartner].Offset(), "one provider's clock moved alone")

	// The fault is served on the SMS port, then Reset clears it and the state.
	resp, err := http.Get(srv.URL(ProviderSMS) + "/v1/user/profile")
	require.NoError(t, err)
	_ = resp.Body.Close()
	require.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	require.NotEmpty(t, resp.Header.Get("X-Request-Id"))
	srv.Partner().SetBalance(decimal.NewFromInt(1))
	old := srv.Partner()
	require.Equal(t, 200, call("POST", "/reset", ""))
	require.NotSame(t, old, srv.Partner())
	require.Equal(t, "1000", srv.Partner().Balance().String())
	require.Zero(t, srv.Faults.Hits())
}

func TestServerPortInUse(t *testing.T) {
	a, err := NewServer(ServerConfig{})
	require.NoError(t, err)
	defer func() { _ = a.Shutdown(context.Background()) }()
	addr := strings.TrimPrefix(a.URL(ProviderSMS), "http://")
	_, err = NewServer(ServerConfig{SMSAddr: addr})
	require.ErrorContains(t, err, "smsnumbers fake cannot listen on "+addr)
}

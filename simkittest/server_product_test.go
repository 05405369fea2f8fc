package simkittest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

func newServer(t *testing.T, sc ServerConfig) *Server {
	t.Helper()
	srv, err := NewServer(sc)
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Shutdown(context.Background()) })
	return srv
}

// adminDo calls the admin API with the server's token (if any) and
// decodes the JSON answer.
func adminDo(t *testing.T, srv *Server, client *http.Client, method, path, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, srv.AdminURL()+path, strings.NewReader(body))
	require.NoError(t, err)
	if tok := srv.AdminToken(); tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var v map[string]any
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &v), string(b))
	return resp.StatusCode, v
}

func TestServerAdminStaysOnLoopbackAndNeedsATokenElsewhere(t *testing.T) {
	open := newServer(t, ServerConfig{Host: "0.0.0.0"})
	require.True(t, strings.HasPrefix(open.AdminURL(), "http://127.0.0.1:"), open.AdminURL())
	require.Empty(t, open.AdminToken())

	exposed := newServer(t, ServerConfig{AdminAddr: "0.0.0.0:0"})
	require.Len(t, exposed.AdminToken(), 32, "a random token off loopback")
	for _, tok := range []string{"", "Bearer wrong", "Bearer " + exposed.AdminToken()[:31]} {
		req, err := http.NewRequest(http.MethodGet, exposed.AdminURL()+"/", nil)
		require.NoError(t, err)
		if tok != "" {
			req.Header.Set("Authorization", tok)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		b, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode, tok)
		require.NotContains(t, string(b), FakePartnerSecret, "no credentials without the token")
	}
	code, v := adminDo(t, exposed, nil, http.MethodGet, "/", "")
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, FakePartnerSecret, v["env"].(map[string]any)["SIMKIT_PARTNER_SECRET"])

	given := newServer(t, ServerConfig{AdminToken: "s3cret"})
	require.Equal(t, "s3cret", given.AdminToken(), "a token given is required on loopback too")
	resp, err := http.Post(given.AdminURL()+"/webhooks/partner", "application/json", strings.NewReader(`{"url":"http://attacker.invalid/"}`))
	require.NoError(t, err)
	_ = resp.Body.Close()
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
}

func TestServerTLSAndHTTP2WithATrustableCertificate(t *testing.T) {
	for _, h2 := range []bool{false, true} {
		certFile := filepath.Join(t.TempDir(), "cert.pem")
		srv := newServer(t, ServerConfig{TLS: true, HTTP2: h2, CertFile: certFile})
		pem, err := os.ReadFile(certFile)
		require.NoError(t, err)
		require.Equal(t, srv.CertPEM(), pem)
		require.NotContains(t, string(pem), "PRIVATE KEY")
		require.True(t, strings.HasPrefix(srv.URL(ProviderTopups), "https://"))
		rt := srv.Transport()
		rt.ForceAttemptHTTP2 = true
		client := &http.Client{Transport: rt}
		resp, err := client.Get(srv.URL(ProviderSMS) + "/v1/guest/countries")
		require.NoError(t, err)
		_ = resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)
		want := 1
		if h2 {
			want = 2
		}
		require.Equal(t, want, resp.ProtoMajor, "HTTP/2 only when asked for")
		code, _ := adminDo(t, srv, client, http.MethodGet, "/", "")
		require.Equal(t, http.StatusOK, code, "the admin API is on TLS too")
		env := map[string]string{}
		for _, kv := range srv.Env() {
			env[kv[0]] = kv[1]
		}
		require.Equal(t, certFile, env["SIMKIT_FAKES_CA_FILE"])
	}
}

func TestClockAdvanceFiresPartnerWebhookRetries(t *testing.T) {
	var calls atomic.Int32
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if calls.Add(1) == 1 {
			w.WriteHeader(http.StatusInternalServerError)
		}
	}))
	defer hook.Close()
	// A wall clock that never moves: only Advance makes retries due.
	srv := newServer(t, ServerConfig{Wall: func() time.Time { return time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC) }})
	code, _ := adminDo(t, srv, nil, http.MethodPut, "/webhooks/partner", `{"url":"`+hook.URL+`"}`)
	require.Equal(t, http.StatusOK, code)
	code, v := adminDo(t, srv, nil, http.MethodPost, "/webhooks/partner/trigger", `{}`)
	require.Equal(t, http.StatusAccepted, code, v)
	require.Eventually(t, func() bool { return len(srv.Partner().WebhookAttempts()) == 1 }, 5*time.Second, 5*time.Millisecond)
	code, _ = adminDo(t, srv, nil, http.MethodPost, "/clock/advance", `{"by":"11s","provider":"partner"}`)
	require.Equal(t, http.StatusOK, code)
	require.Eventually(t, func() bool { return len(srv.Partner().WebhookAttempts()) == 2 }, 5*time.Second, 5*time.Millisecond)
	at := srv.Partner().WebhookAttempts()
	require.Equal(t, 500, at[0].Code)
	require.Equal(t, 200, at[1].Code)
	require.Equal(t, at[0].IdempotencyKey, at[1].IdempotencyKey, "a retry, not a new event")
	_, hooks := adminDo(t, srv, nil, http.MethodGet, "/webhooks", "")
	require.Len(t, hooks["webhooks"], 2)
}

func TestClockAdvanceRefundsExpiredSMSOrders(t *testing.T) {
	srv := newServer(t, ServerConfig{})
	before := srv.SMS().Balance()
	id, err := srv.SMS().BuyOutside(SMSOutsideBuy{})
	require.NoError(t, err)
	require.NotZero(t, id)
	require.True(t, srv.SMS().Balance().LessThan(before))
	code, _ := adminDo(t, srv, nil, http.MethodPost, "/clock/advance", `{"by":"16m"}`)
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, before.String(), srv.SMS().Balance().String(), "expired and refunded")
}

func TestChaosIsReproducibleFromItsSeed(t *testing.T) {
	run := func(seed uint64) []string {
		srv := newServer(t, ServerConfig{})
		code, _ := adminDo(t, srv, nil, http.MethodPut, "/chaos", `{"seed":`+jsonNum(seed)+`,"rate":0.3,"provider":"smsnumbers","faults":[{"kind":"status","status":503},{"kind":"status_after","status":500},{"kind":"malformed"}]}`)
		require.Equal(t, http.StatusOK, code)
		var out []string
		for range 60 {
			resp, err := http.Get(srv.URL(ProviderSMS) + "/v1/guest/countries")
			require.NoError(t, err)
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
		}
		for _, e := range srv.Journal.Entries() {
			out = append(out, e.Fault)
		}
		_, v := adminDo(t, srv, nil, http.MethodGet, "/faults", "")
		require.NotNil(t, v["chaos"])
		return out
	}
	a, b, c := run(42), run(42), run(7)
	require.Equal(t, a, b, "same seed, same faults on the same requests")
	require.NotEqual(t, a, c)
	hit := 0
	for _, f := range a {
		if f != "" {
			hit++
		}
	}
	require.InDelta(t, 18, hit, 12, "about 30%% of 60")
}

func jsonNum(n uint64) string { b, _ := json.Marshal(n); return string(b) }

func TestFaultsInForceAreListed(t *testing.T) {
	srv := newServer(t, ServerConfig{})
	code, _ := adminDo(t, srv, nil, http.MethodPost, "/faults", `{"kind":"status","status":429,"retry_after":"3","provider":"topups","times":2}`)
	require.Equal(t, http.StatusCreated, code)
	_, v := adminDo(t, srv, nil, http.MethodGet, "/faults", "")
	list := v["faults"].([]any)
	require.Len(t, list, 1)
	f := list[0].(map[string]any)
	require.Equal(t, "status", f["kind"])
	require.Equal(t, "3", f["retry_after"])
	require.EqualValues(t, 2, f["left"])
	for range 2 {
		resp, err := http.Get(srv.URL(ProviderTopups) + "/v2/orders")
		require.NoError(t, err)
		_ = resp.Body.Close()
		require.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
		require.Equal(t, "3", resp.Header.Get("Retry-After"))
	}
	_, v = adminDo(t, srv, nil, http.MethodGet, "/faults", "")
	require.Empty(t, v["faults"], "a used-up fault is no longer in force")
}

func TestServerSnapshotRestoreAndResetOneProvider(t *testing.T) {
	srv := newServer(t, ServerConfig{})
	_, err := srv.Partner().PlaceOutsideOrder(PartnerOutsideOrder{ExternalID: "keep-1"})
	require.NoError(t, err)
	smsID, err := srv.SMS().BuyOutside(SMSOutsideBuy{LeftOpen: true})
	require.NoError(t, err)
	_, err = srv.Topups().SubmitOutside(TopupsOutside{Description: "ref-9"})
	require.NoError(t, err)
	units, err := srv.ESIMStory().OrderOutside(ESIMStoryOutside{ExternalOrderID: "es-1", Qty: 2, Withhold: 1})
	require.NoError(t, err)
	snap := srv.Snapshot()
	balances := [3]string{srv.Partner().Balance().String(), srv.SMS().Balance().String(), srv.Topups().Balance().String()}

	code, _ := adminDo(t, srv, nil, http.MethodPost, "/reset", "")
	require.Equal(t, http.StatusOK, code)
	_, ok := srv.Partner().OrderByExternalID("keep-1")
	require.False(t, ok)

	code, v := adminDo(t, srv, nil, http.MethodPut, "/state", string(snap))
	require.Equal(t, http.StatusOK, code, v)
	_, ok = srv.Partner().OrderByExternalID("keep-1")
	require.True(t, ok)
	require.Equal(t, balances, [3]string{srv.Partner().Balance().String(), srv.SMS().Balance().String(), srv.Topups().Balance().String()})
	require.Equal(t, string(snap), string(srv.Snapshot()), "a restored state saves the same")
	require.NoError(t, srv.ESIMStory().Withhold(units[1]))

	// The open SMS order stays open past its expiry, unrefunded.
	srv.Clocks[ProviderSMS].Advance(time.Hour)
	require.Equal(t, balances[1], srv.SMS().Balance().String())
	_ = smsID

	code, _ = adminDo(t, srv, nil, http.MethodPost, "/reset/partner", "")
	require.Equal(t, http.StatusOK, code)
	_, ok = srv.Partner().OrderByExternalID("keep-1")
	require.False(t, ok, "partner reset")
	require.Equal(t, balances[2], srv.Topups().Balance().String(), "topups kept")

	for _, bad := range []string{`{`, `{"version":2}`, `{"version":1,"partner":{"stock":{"nope":1}}}`, `{"version":1,"sms":{}}`} {
		code, v := adminDo(t, srv, nil, http.MethodPut, "/state", bad)
		require.Equal(t, http.StatusBadRequest, code, "%s: %v", bad, v)
	}
}

func TestAnomaliesFromTheAdminAPI(t *testing.T) {
	srv := newServer(t, ServerConfig{})
	startBalance, startWallet := srv.Partner().Balance(), srv.SMS().Wallet("unitpay")
	for _, tc := range []struct {
		path, body string
		want       int
	}{
		{"/partner/orders", `{"external_id":"out-1"}`, 201},
		{"/partner/orders", `{"external_id":"out-1"}`, 409},
		{"/partner/orders", `{"external_id":"stuck-1","status":"processing"}`, 201},
		{"/partner/orders", `{"external_id":"part-1","status":"partially_completed"}`, 201},
		{"/partner/orders", `{"status":"cancelled"}`, 409},
		{"/smsnumbers/orders", `{"left_open":true}`, 201},
		{"/smsnumbers/orders", `{"country":"atlantis"}`, 409},
		{"/smsnumbers/payouts", `{"amount":"1.5"}`, 201},
		{"/smsnumbers/payouts", `{"amount":"lots"}`, 400},
		{"/topups/orders", `{"description":"outside-ref"}`, 201},
		{"/topups/orders", `{"package_id":"nope"}`, 409},
		{"/esimstory/orders", `{"external_order_id":"es-2","qty":3,"withhold":1}`, 201},
		{"/esimstory/orders", `{"qty":1,"withhold":2}`, 409},
		{"/esimstory/withhold", `{"topup_id":"none"}`, 404},
	} {
		code, v := adminDo(t, srv, nil, http.MethodPost, tc.path, tc.body)
		require.Equal(t, tc.want, code, "%s %s: %v", tc.path, tc.body, v)
	}
	out, ok := srv.Partner().OrderByExternalID("out-1")
	require.True(t, ok)
	require.Equal(t, PartnerStatusCompleted, out.Status)
	stuck, _ := srv.Partner().OrderByExternalID("stuck-1")
	require.Equal(t, PartnerStatusProcessing, stuck.Status)
	part, _ := srv.Partner().OrderByExternalID("part-1")
	require.Equal(t, PartnerStatusPartial, part.Status)
	require.Len(t, part.Items[0].Delivery, part.Items[0].Quantity-1)
	require.True(t, srv.Partner().Balance().LessThan(startBalance))
	require.Equal(t, startWallet.Sub(decimal.RequireFromString("1.5")).String(), srv.SMS().Wallet("unitpay").String())
}

func TestTriggeredWebhooksAreSigned(t *testing.T) {
	got := make(chan *http.Request, 4)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Clone(context.Background())
	}))
	defer hook.Close()
	srv := newServer(t, ServerConfig{})
	code, v := adminDo(t, srv, nil, http.MethodPost, "/webhooks/esimstory/trigger", `{}`)
	require.Equal(t, http.StatusConflict, code, "no target yet: %v", v)
	for _, p := range []string{"partner", "esimstory"} {
		code, _ = adminDo(t, srv, nil, http.MethodPut, "/webhooks/"+p, `{"url":"`+hook.URL+`"}`)
		require.Equal(t, http.StatusOK, code)
	}
	code, v = adminDo(t, srv, nil, http.MethodPost, "/webhooks/partner/trigger", `{"event":"order.status_changed"}`)
	require.Equal(t, http.StatusAccepted, code, v)
	r := <-got
	require.NotEmpty(t, r.Header.Get("X-Signature"))
	require.NotEmpty(t, r.Header.Get("X-Timestamp"))
	code, v = adminDo(t, srv, nil, http.MethodPost, "/webhooks/esimstory/trigger", `{"event":"delivery"}`)
	require.Equal(t, http.StatusOK, code, v)
	<-got
	code, _ = adminDo(t, srv, nil, http.MethodPost, "/webhooks/partner/trigger", `{"event":"order.created"}`)
	require.Equal(t, http.StatusBadRequest, code)
}

func TestClockAdvanceDeliversAndExpiresTokens(t *testing.T) {
	delivered := make(chan struct{}, 4)
	hook := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { delivered <- struct{}{} }))
	defer hook.Close()
	wall := func() time.Time { return time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC) }
	srv := newServer(t, ServerConfig{Wall: wall, Fakes: Config{ESIMStory: ESIMStoryFakeConfig{
		AutoDeliver: true, DeliveryDelay: time.Hour, WebhookURL: hook.URL,
	}}})
	_, err := srv.ESIMStory().OrderOutside(ESIMStoryOutside{Qty: 2, Withhold: 1})
	require.NoError(t, err)
	select {
	case <-delivered:
		t.Fatal("delivered before the delay passed on the fake clock")
	default:
	}
	code, _ := adminDo(t, srv, nil, http.MethodPost, "/clock/advance", `{"by":"1h","provider":"esimstory"}`)
	require.Equal(t, http.StatusOK, code)
	<-delivered
	srv.ESIMStory().Flush()
	require.Len(t, srv.ESIMStory().Deliveries(), 1, "the withheld unit never comes")

	// A top-up token lives 24 hours of the fake's clock.
	form := strings.NewReader("client_id=" + FakeTopupsClientID + "&client_secret=" + FakeTopupsClientSecret + "&grant_type=client_credentials")
	resp, err := http.Post(srv.URL(ProviderTopups)+"/v2/token", "application/x-www-form-urlencoded", form)
	require.NoError(t, err)
	var tok struct {
		Data struct {
			AccessToken string `json:"access_token"`
		} `json:"data"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&tok))
	_ = resp.Body.Close()
	orders := func() int {
		req, err := http.NewRequest(http.MethodGet, srv.URL(ProviderTopups)+"/v2/orders", nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+tok.Data.AccessToken)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_ = resp.Body.Close()
		return resp.StatusCode
	}
	require.Equal(t, http.StatusOK, orders())
	adminDo(t, srv, nil, http.MethodPost, "/clock/advance", `{"by":"24h","provider":"topups"}`)
	require.Equal(t, http.StatusUnauthorized, orders(), "expired on the driven clock")
}

package simkittest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/partner"
	"github.com/simkit/simkit/topups"
)

func TestJournalRecordsRequestsFaultsAndRequestIDs(t *testing.T) {
	env := New(t)
	get := func(path string) *http.Response {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, env.Config.SMSURL+path, nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+env.Config.SMSToken)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		return resp
	}
	ok := get("/v1/user/check/42")
	env.Faults.Add(Fault{Provider: ProviderSMS, Kind: Status, Status: 503, Times: 1})
	refused := get("/v1/user/profile")
	require.Equal(t, 503, refused.StatusCode)

	entries := env.Journal.Entries()
	require.Len(t, entries, 2)
	first, second := entries[0], entries[1]
	require.Equal(t, ok.Header.Get("X-Request-Id"), first.RequestID, "in-process fakes send a request id too")
	require.NotEmpty(t, first.RequestID)
	require.Equal(t, "GET /v1/user/check/{id}", first.Route)
	require.Equal(t, ProviderSMS, first.Provider)
	require.Equal(t, http.StatusNotFound, first.Status)
	require.True(t, first.Handled)
	require.Equal(t, "status", second.Fault)
	require.False(t, second.Handled, "a status fault answers before the fake")
	require.Equal(t, 503, second.Status)
	require.Len(t, env.Journal.Filter(JournalFilter{Fault: "status"}), 1)
}

func TestJournalCountsOrdersCreatedThroughADropAfterHandling(t *testing.T) {
	env := New(t)
	c, err := partner.New(env.PartnerOptions)
	require.NoError(t, err)
	env.Faults.Add(Fault{Provider: ProviderPartner, Method: "POST", Path: "/orders", Kind: DropAfterHandling, Times: 1})
	_, err = c.CreateOrder(context.Background(), partner.CreateOrderParams{ExternalID: "ext-1", Item: partner.OrderItemParams{SKUID: PartnerSKUVoucher, Quantity: 1}})
	require.NoError(t, err)
	posts := env.Journal.Filter(JournalFilter{Route: "POST /v1/partner/orders", Ref: "ext-1"})
	require.GreaterOrEqual(t, len(posts), 2, "the dropped attempt and the retry")
	require.Equal(t, "drop_after", posts[0].Fault)
	require.Zero(t, posts[0].Status, "the client got no answer")
	require.Equal(t, http.StatusCreated, posts[0].FakeStatus, "but the order was made")
	env.Journal.RequireOneOrder(t, ProviderPartner, "ext-1")
	require.Zero(t, env.Journal.OrdersCreated(ProviderPartner, "ext-2"))
}

func TestJournalAfterRefusal(t *testing.T) {
	clock := NewClock(func() time.Time { return time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC) })
	env := New(t, func(c *Config) { c.Clock = clock })
	tc, err := topups.New(env.TopupsOptions)
	require.NoError(t, err)
	ctx := context.Background()
	_, err = tc.PackageHistory(ctx, TopupsSeedICCID)
	require.NoError(t, err)
	_, err = tc.PackageHistory(ctx, TopupsSeedICCID)
	require.NoError(t, err, "served from the client's cache")
	const route = "GET /customer/v2/sims/{iccid}/packages"
	require.Len(t, env.Journal.Filter(JournalFilter{Route: route}), 1, "the client never asks twice inside the window")
	env.Journal.RequireNoneAfterRefusal(t, ProviderTopups, route, http.StatusTooManyRequests, 15*time.Minute)

	// A client that ignores the rule: asks, is refused, asks again at once.
	tok := topupsToken(t, env)
	for range 3 {
		topupsGet(t, env, "/customer/v2/sims/"+TopupsSeedICCID+"/packages", tok)
	}
	bad := env.Journal.AfterRefusal(ProviderTopups, route, http.StatusTooManyRequests, 15*time.Minute)
	require.Len(t, bad, 2, "the first refusal starts the window; the two after it broke it")
	clock.Advance(16 * time.Minute)
	require.Equal(t, http.StatusOK, topupsGet(t, env, "/customer/v2/sims/"+TopupsSeedICCID+"/packages", tok), "the window reopened on the driven clock")
}

func topupsToken(t *testing.T, env *Env) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, env.Config.TopupsURL+"/v2/token", strings.NewReader(`{"client_id":"`+env.Config.TopupsClientID+`","client_secret":"`+env.Config.TopupsClientSecret+`","grant_type":"client_credentials"}`))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var v struct {
		Data struct {
			AccessToken string `json:"access_token"`
		} `json:"data"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&v))
	require.NotEmpty(t, v.Data.AccessToken)
	return v.Data.AccessToken
}

func topupsGet(t *testing.T, env *Env, path, tok string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, env.Config.TopupsURL+path, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode
}

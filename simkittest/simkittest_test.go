package simkittest_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/simkit/simkit"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/partner"
	"github.com/simkit/simkit/retry"
	"github.com/simkit/simkit/simkittest"
	"github.com/stretchr/testify/require"
)

func TestNewServesEveryProviderThroughTheClient(t *testing.T) {
	env := simkittest.New(t)
	ctx := context.Background()
	require.NotNil(t, env.Client.Partner)
	require.NotNil(t, env.Client.SMS)
	require.NotNil(t, env.Client.ESIMStory)
	require.NotNil(t, env.Client.Topups)
	require.Contains(t, env.Config.PartnerURL, simkittest.PartnerPrefix)
	require.Contains(t, env.Config.ESIMStoryURL, simkittest.ESIMStoryPrefix)
	require.Equal(t, simkittest.FakePartnerToken, env.Config.PartnerToken)

	bal, err := env.Client.Partner.Balance(ctx)
	require.NoError(t, err)
	require.Equal(t, "1000.00", bal.Balance.StringFixed(2))

	// A client built from Config alone reaches the same fake.
	own, err := partner.New(env.PartnerOptions)
	require.NoError(t, err)
	me, err := own.Me(ctx)
	require.NoError(t, err)
	require.Equal(t, "USD", me.Currency)
}

func TestNewAppliesOptions(t *testing.T) {
	now := time.Unix(1768478058, 0)
	env := simkittest.New(t, func(c *simkittest.Config) {
		c.Now = func() time.Time { return now }
		c.Partner.Balance = decimal.RequireFromString("15.00")
		c.PartnerToken = "my-token"
		c.ClientOptions = []simkit.Option{simkit.WithRetry(retry.Never())}
	})
	ctx := context.Background()
	_, err := env.Client.Partner.CreateOrder(ctx, partner.CreateOrderParams{ExternalID: "A-1", Item: partner.OrderItemParams{SKUID: simkittest.PartnerSKUVoucher}})
	require.NoError(t, err)
	_, err = env.Client.Partner.CreateOrder(ctx, partner.CreateOrderParams{ExternalID: "A-2", Item: partner.OrderItemParams{SKUID: simkittest.PartnerSKUVoucher}})
	require.ErrorIs(t, err, simkit.ErrInsufficientFunds)
	require.Equal(t, "my-token", env.Config.PartnerToken)
	o, ok := env.Partner.OrderByExternalID("A-1")
	require.True(t, ok)
	require.True(t, o.CreatedAt.Equal(now), "the fake runs on the injected clock")
}

// The acceptance test of issue 7: a connection dropped after the fake
// created the order still leaves exactly one order when the SDK is used,
// and the SDK returns that order instead of an error.
func TestDroppedCreateOrderLeavesOneOrderThroughSDK(t *testing.T) {
	env := simkittest.New(t)
	env.Faults.Add(simkittest.Fault{Provider: simkittest.ProviderPartner, Method: "POST", Path: "/orders", Times: 1, Kind: simkittest.DropAfterHandling})
	ctx := context.Background()
	order, err := env.Client.Partner.CreateOrder(ctx, partner.CreateOrderParams{
		ExternalID: "EXACTLY-ONCE-1",
		Item:       partner.OrderItemParams{SKUID: simkittest.PartnerSKUVoucher, Quantity: 2},
	})
	require.NoError(t, err)
	require.Equal(t, 1, env.Faults.Hits(), "the fault fired")
	require.Equal(t, "EXACTLY-ONCE-1", order.ExternalID)
	orders := env.Partner.Orders()
	require.Len(t, orders, 1)
	require.Equal(t, orders[0].ID, order.ID)
	require.Equal(t, "980.00", env.Partner.Balance().StringFixed(2), "charged once")
}

func TestStartAndCloseWithoutTesting(t *testing.T) {
	env, err := simkittest.Start()
	require.NoError(t, err)
	_, err = env.Client.Partner.Balance(context.Background())
	require.NoError(t, err)
	env.Close()
	env.Close()
	_, err = env.Client.Partner.Balance(context.Background())
	require.Error(t, err, "the fakes are gone")
}

// The fake's signed webhooks are accepted by the SDK's own handler, and a
// retry after the user's function failed is handed over again, once.
func TestPartnerWebhookReachesSDKHandler(t *testing.T) {
	env := simkittest.New(t, func(c *simkittest.Config) {
		c.Partner.WebhookRetryDelays = []time.Duration{time.Millisecond, time.Millisecond}
	})
	var got []string
	calls := 0
	hook, err := env.Client.Partner.WebhookHandler(func(ctx context.Context, ev *partner.WebhookEvent) error {
		calls++
		if calls == 1 {
			return context.DeadlineExceeded // the user's store was down: 500, retried
		}
		got = append(got, ev.Order.ExternalID+":"+string(ev.Order.Status))
		return nil
	})
	require.NoError(t, err)
	env.Partner.SetWebhookHandler(hook)
	_, err = env.Client.Partner.CreateOrder(context.Background(), partner.CreateOrderParams{ExternalID: "HOOK-1", Item: partner.OrderItemParams{SKUID: simkittest.PartnerSKUVoucher}})
	require.NoError(t, err)
	env.Partner.Flush()
	require.Equal(t, []string{"HOOK-1:completed"}, got)
	at := env.Partner.WebhookAttempts()
	require.Len(t, at, 2)
	require.Equal(t, 500, at[0].Code)
	require.Equal(t, 200, at[1].Code)
}

func TestFakesServeTLSAndHTTP2(t *testing.T) {
	for _, tc := range []struct {
		name      string
		edit      func(*simkittest.Config)
		wantProto string
	}{
		{"tls", func(c *simkittest.Config) { c.TLS = true }, "HTTP/1.1"},
		{"h2", func(c *simkittest.Config) { c.HTTP2 = true }, "HTTP/2.0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := simkittest.New(t, tc.edit)
			require.True(t, strings.HasPrefix(env.Config.PartnerURL, "https://"))
			var meta option.Response
			_, err := env.Client.Partner.Balance(context.Background(), option.WithResponse(&meta))
			require.NoError(t, err)
			req, err := http.NewRequest(http.MethodGet, env.Config.SMSURL+"/v1/guest/flash/en", nil)
			require.NoError(t, err)
			resp, err := (&http.Client{Transport: env.Config.Transport}).Do(req)
			require.NoError(t, err)
			_ = resp.Body.Close()
			require.Equal(t, tc.wantProto, resp.Proto)
		})
	}
}

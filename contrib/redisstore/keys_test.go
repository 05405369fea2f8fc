package redisstore

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit"
	"github.com/simkit/simkit/esimstory"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/partner"
	"github.com/simkit/simkit/simkittest"
	"github.com/simkit/simkit/smsnumbers"
	"github.com/simkit/simkit/topups"
)

// TestKeysCarryOnePrefix: the Store owns the namespace. Every key simkit
// writes through it (webhook dedupe, the eSIM Story tracker, the SMS claims
// and journal, the top-ups token) is the Store's Prefix followed by the
// provider's name, never a second "simkit:" (which read as
// simkit:test:simkit:partner:webhook:... in Redis).
func TestKeysCarryOnePrefix(t *testing.T) {
	srv := startRedis(t)
	rdb := srv.client()
	const prefix = "simkit:test:"
	st := New(rdb, func(o *Options) { o.Prefix = prefix })
	env := simkittest.New(t)
	tracker := esimstory.NewTracker(st)
	c, err := simkit.New(
		simkit.WithStore(st),
		simkit.WithRetry(env.Config.Retry),
		simkit.WithLimiter(option.NoLimit),
		simkit.WithPartner(env.PartnerOptions),
		simkit.WithSMS(env.SMSOptions),
		simkit.WithESIMStory(env.ESIMStoryOptions, func(o *esimstory.Options) { o.Tracker = tracker }),
		simkit.WithTopups(env.TopupsOptions),
	)
	require.NoError(t, err)
	ctx := context.Background()

	hook, err := c.Partner.WebhookHandler(func(context.Context, *partner.WebhookEvent) error { return nil })
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, deliver(t, hook, webhookBody("7c9e6679-7425-40de-944b-e07fc1f90ae7"), time.Now()))

	_, err = c.ESIMStory.CreateOrder(ctx, esimstory.CreateOrderParams{
		ExternalOrderID: "keys-1",
		Products:        []esimstory.OrderProductParams{{OptionID: simkittest.ESIMStoryOptionA, Qty: 1}},
	})
	require.NoError(t, err)

	a, err := c.SMS.Activations().Activate(ctx, smsnumbers.ActivateParams{Buy: smsnumbers.BuyActivationParams{
		Country: "russia", Operator: smsnumbers.Any, Product: "vkontakte"}, ExpectedPrice: decimal.NewFromInt(21)})
	require.NoError(t, err)
	require.NoError(t, env.SMS.DeliverSMS(a.ID(), "VK: 1", "1"))
	_, err = a.WaitForCode(ctx)
	require.NoError(t, err)

	_, err = c.Topups.ListOrders(ctx, topups.ListOrdersParams{})
	require.NoError(t, err)

	keys, err := rdb.Keys(ctx, "*").Result()
	require.NoError(t, err)
	seen := map[string]bool{}
	for _, k := range keys {
		rest, ok := strings.CutPrefix(k, prefix)
		require.True(t, ok, "key %q lacks the Store's prefix", k)
		require.False(t, strings.HasPrefix(rest, "simkit:"), "key %q carries the prefix twice", k)
		// A provider's keys start with its name, or, in the ledger every
		// provider shares, with ledger:{<provider>:<account hash>}.
		if l, ok := strings.CutPrefix(rest, "ledger:{"); ok {
			rest = l
		}
		seen[strings.SplitN(rest, ":", 2)[0]] = true
	}
	for _, p := range []string{"partner", "esimstory", "smsnumbers", "topups"} {
		require.True(t, seen[p], "no %s key written; saw %v", p, keys)
	}
}

package simkit_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit"
	"github.com/simkit/simkit/esimstory"
	"github.com/simkit/simkit/partner"
	"github.com/simkit/simkit/simkittest"
	"github.com/simkit/simkit/smsnumbers"
	"github.com/simkit/simkit/topups"
)

// TestLogsHoldNoSecretsOrCustomerData: every provider's journey, with a
// retry on each, logged at debug level, leaves no credential and no
// customer data (ICCIDs, LPA codes, PINs, phone numbers, e-mails) in the
// logs, the same rule fmt verbs and recordings follow.
func TestLogsHoldNoSecretsOrCustomerData(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	env := simkittest.New(t, func(c *simkittest.Config) { c.ClientOptions = append(c.ClientOptions, simkit.WithLogger(logger)) })
	c, ctx := env.Client, context.Background()
	for _, p := range []string{simkittest.ProviderPartner, simkittest.ProviderSMS, simkittest.ProviderESIMStory, simkittest.ProviderTopups} {
		env.Faults.Add(simkittest.Fault{Provider: p, Method: http.MethodGet, Kind: simkittest.Status, Status: 503, Times: 1})
	}

	var customer []string
	_, err := c.Partner.Balance(ctx)
	require.NoError(t, err)
	for i, sku := range []string{simkittest.PartnerSKUESIM, simkittest.PartnerSKUVoucher} {
		o, err := c.Partner.CreateOrder(ctx, partner.CreateOrderParams{ExternalID: "logs-" + string(rune('a'+i)), Item: partner.OrderItemParams{SKUID: sku}})
		require.NoError(t, err)
		for _, it := range o.Items {
			for _, d := range it.DeliveryData {
				customer = append(customer, d.PIN, d.SerialNumber, d.QRCode)
			}
		}
	}

	_, err = c.SMS.Profile(ctx)
	require.NoError(t, err)
	a, err := c.SMS.Activations().Activate(ctx, smsnumbers.ActivateParams{Buy: smsnumbers.BuyActivationParams{Country: "russia", Operator: smsnumbers.Any, Product: "telegram"}})
	require.NoError(t, err)
	customer = append(customer, a.Order().Phone)
	require.NoError(t, env.SMS.DeliverSMS(a.ID(), "Your code is 4821", "4821"))
	_, err = a.WaitForCode(ctx)
	require.NoError(t, err)
	require.NoError(t, a.Finish(ctx))

	_, err = c.ESIMStory.CreateOrder(ctx, esimstory.CreateOrderParams{ExternalOrderID: "logs-1",
		Products: []esimstory.OrderProductParams{{OptionID: simkittest.ESIMStoryOptionA, Qty: 1}}})
	require.NoError(t, err)

	_, err = c.Topups.ListOrders(ctx, topups.ListOrdersParams{}) // retried; package history never is
	require.NoError(t, err)
	_, err = c.Topups.PackageHistory(ctx, simkittest.TopupsSeedICCID)
	require.NoError(t, err)
	_, err = c.Topups.RenewNumber(ctx, topups.RenewNumberParams{Email: "user@example.com"})
	require.NoError(t, err)
	customer = append(customer, simkittest.TopupsSeedICCID, "user@example.com")

	out := logs.String()
	require.Contains(t, out, `"msg":"simkit: retrying"`, "the journey logged its retries")
	secrets := []string{
		simkittest.FakePartnerToken, simkittest.FakePartnerSecret, simkittest.FakeSMSToken, simkittest.FakeESIMStoryAccessKey,
		simkittest.FakeESIMStorySecretKey, simkittest.FakeTopupsClientSecret, simkittest.FakeRenewalKey,
	}
	for _, s := range secrets {
		require.NotContains(t, out, s, "a credential in the logs")
	}
	for _, v := range customer {
		if v == "" {
			continue
		}
		require.NotContains(t, out, v, "customer data in the logs")
	}
}

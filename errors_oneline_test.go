package simkit_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit"
	"github.com/simkit/simkit/esimstory"
	"github.com/simkit/simkit/partner"
	"github.com/simkit/simkit/simkittest"
	"github.com/simkit/simkit/smsnumbers"
	"github.com/simkit/simkit/topups"
)

// TestErrorsAreOneLine walks the errors every provider's calls return for
// every failure the fakes can inject (each status class, dropped and
// truncated answers, unreadable bodies, work done then failed), plus bad
// input, ended contexts and unconfigured providers: not one error string
// spans two lines, so one error is one log line.
func TestErrorsAreOneLine(t *testing.T) {
	env := simkittest.New(t)
	c := env.Client
	n := 0
	calls := []struct {
		provider string
		name     string
		call     func(ctx context.Context) error
	}{
		{simkittest.ProviderPartner, "Balance", func(ctx context.Context) error { _, err := c.Partner.Balance(ctx); return err }},
		{simkittest.ProviderPartner, "CreateOrder", func(ctx context.Context) error {
			n++
			_, err := c.Partner.CreateOrder(ctx, partner.CreateOrderParams{ExternalID: fmt.Sprintf("oneline-%d", n),
				Item: partner.OrderItemParams{SKUID: simkittest.PartnerSKUVoucher}})
			return err
		}},
		{simkittest.ProviderSMS, "Profile", func(ctx context.Context) error { _, err := c.SMS.Profile(ctx); return err }},
		{simkittest.ProviderSMS, "BuyActivation", func(ctx context.Context) error {
			_, err := c.SMS.BuyActivation(ctx, smsnumbers.BuyActivationParams{Country: "russia", Operator: smsnumbers.Any, Product: "vkontakte"})
			return err
		}},
		{simkittest.ProviderESIMStory, "CreateOrder", func(ctx context.Context) error {
			n++
			_, err := c.ESIMStory.CreateOrder(ctx, esimstory.CreateOrderParams{ExternalOrderID: fmt.Sprintf("oneline-%d", n),
				Products: []esimstory.OrderProductParams{{OptionID: simkittest.ESIMStoryOptionA, Qty: 1}}})
			return err
		}},
		{simkittest.ProviderTopups, "ListOrders", func(ctx context.Context) error {
			_, err := c.Topups.ListOrders(ctx, topups.ListOrdersParams{})
			return err
		}},
		{simkittest.ProviderTopups, "RenewNumber", func(ctx context.Context) error {
			_, err := c.Topups.RenewNumber(ctx, topups.RenewNumberParams{Email: "user@example.com"})
			return err
		}},
	}
	faults := []simkittest.Fault{
		{Kind: simkittest.Status, Status: 400, Body: "bad\nrequest"},
		{Kind: simkittest.Status, Status: 401},
		{Kind: simkittest.Status, Status: 404},
		{Kind: simkittest.Status, Status: 409},
		{Kind: simkittest.Status, Status: 422},
		{Kind: simkittest.Status, Status: 429},
		{Kind: simkittest.Status, Status: 500},
		{Kind: simkittest.Status, Status: 503},
		{Kind: simkittest.StatusAfterHandling, Status: 500},
		{Kind: simkittest.DropBeforeHandling},
		{Kind: simkittest.DropAfterHandling},
		{Kind: simkittest.MalformedBody},
		{Kind: simkittest.TruncatedBody},
	}
	checked := 0
	for _, call := range calls {
		for _, f := range faults {
			t.Run(fmt.Sprintf("%s %s %d %d", call.provider, call.name, f.Kind, f.Status), func(t *testing.T) {
				env.Faults.Clear()
				f.Provider = call.provider
				env.Faults.Add(f)
				err := call.call(context.Background())
				require.Error(t, err)
				require.NotContains(t, err.Error(), "\n")
				checked++
			})
		}
	}
	env.Faults.Clear()

	ended, cancel := context.WithCancel(context.Background())
	cancel()
	var none simkit.Client
	others := map[string]error{}
	others["context ended"] = calls[0].call(ended)
	others["money call, context ended"] = calls[1].call(ended)
	_, others["partner bad input"] = c.Partner.CreateOrder(context.Background(), partner.CreateOrderParams{ExternalID: "x\ny"})
	_, others["sms bad input"] = c.SMS.BuyActivation(context.Background(), smsnumbers.BuyActivationParams{Country: "rus\nsia"})
	_, others["topups bad iccid"] = c.Topups.PackageHistory(context.Background(), "123\n")
	_, others["not configured"] = none.Partner.Balance(context.Background())
	for name, err := range others {
		require.Error(t, err, name)
		require.NotContains(t, err.Error(), "\n", name)
		checked++
	}
	t.Logf("%d error strings checked", checked)
}

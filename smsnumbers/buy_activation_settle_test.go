package smsnumbers_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/simkittest"
	"github.com/simkit/simkit/smsnumbers"
	"github.com/simkit/simkit/store"
)

// A buy the provider handled, answered 2xx with a JSON body that is not an
// order (no id: {}, null, a proxy's {"success":false}), was returned as a
// bought order with id 0 and every field empty: the caller could neither
// use nor cancel the number it paid for. It is an unreadable answer, so it
// is settled from the orders history like any other.
func TestBuyAnswerWithoutOrderIsSettled(t *testing.T) {
	buys := []struct {
		name string
		path string
		buy  func(c *smsnumbers.Client) (*smsnumbers.Order, error)
	}{
		{"activation", "/v1/user/buy/*", func(c *smsnumbers.Client) (*smsnumbers.Order, error) {
			return c.BuyActivation(context.Background(), telegramRU)
		}},
		{"hosting", "/v1/user/buy/*", func(c *smsnumbers.Client) (*smsnumbers.Order, error) {
			return c.BuyHosting(context.Background(), smsnumbers.BuyHostingParams{Country: "russia", Operator: smsnumbers.Any, Product: smsnumbers.Hosting3Hours})
		}},
	}
	bodies := []string{`{}`, `null`, `{"success":false}`, `{"id":0,"phone":""}`}
	for _, b := range buys {
		for _, body := range bodies {
			t.Run(b.name+" "+body, func(t *testing.T) {
				env := simkittest.New(t)
				c := replica(t, env, store.NewMemory(), nil)
				env.Faults.Add(simkittest.Fault{Provider: simkittest.ProviderSMS, Path: b.path, Times: 1, Kind: simkittest.MalformedBody, Body: body})
				o, err := b.buy(c)
				require.NoError(t, err)
				require.True(t, o.Recovered)
				require.NotZero(t, o.ID)
				require.Equal(t, env.SMS.OrderIDs(), []int64{o.ID})
			})
		}
	}
}

// The same answer when the history holds no such order is an unknown
// outcome, never a bought order.
func TestBuyAnswerWithoutOrderNotInHistoryIsOutcomeUnknown(t *testing.T) {
	env := simkittest.New(t)
	c := replica(t, env, store.NewMemory(), nil)
	env.Faults.Add(simkittest.Fault{Provider: simkittest.ProviderSMS, Path: "/v1/user/buy/*", Times: 1, Kind: simkittest.Status, Status: 200, Body: `{}`})
	_, err := c.BuyActivation(context.Background(), telegramRU)
	require.ErrorIs(t, err, apierror.ErrOutcomeUnknown)
}

// An unreadable 2xx buy answer holds the bought number; when the history
// could not be read either, the ErrOutcomeUnknown kept that body in Raw.
func TestBuyOutcomeUnknownKeepsNoPhoneNumber(t *testing.T) {
	const phone = "+79001234567"
	env := simkittest.New(t)
	c := replica(t, env, store.NewMemory(), nil)
	env.Faults.Add(simkittest.Fault{Provider: simkittest.ProviderSMS, Path: "/v1/user/buy/*", Times: 1, Kind: simkittest.MalformedBody,
		Body: `{"id":11631253,"phone":"` + phone + `","operator":"beeline","product":"vkontakte","price":21,"status":"PENDING","expires":"2018-10-13T08:28:38Z","sms":null,"created_at":"2018-10-13T08:13:38Z","forwarding":false,"forwarding_number":"","country":"russia"`})
	env.Faults.Add(simkittest.Fault{Provider: simkittest.ProviderSMS, Path: "/v1/user/orders", Kind: simkittest.Status, Status: 503})
	_, err := c.BuyActivation(context.Background(), telegramRU)
	require.ErrorIs(t, err, apierror.ErrOutcomeUnknown)
	var ae *apierror.Error
	require.ErrorAs(t, err, &ae)
	require.NotContains(t, string(ae.Raw), phone)
	require.NotContains(t, err.Error(), phone)
}

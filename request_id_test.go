package simkit_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit"
	"github.com/simkit/simkit/esimstory"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/partner"
	"github.com/simkit/simkit/simkittest"
	"github.com/simkit/simkit/smsnumbers"
	"github.com/simkit/simkit/topups"
)

// Every provider reads its request id from the header its options name,
// into errors and into WithResponse.
func TestRequestIDHeaderPerProvider(t *testing.T) {
	const hdr = "X-Trace-Id"
	set := func(s *option.Shared) { s.RequestIDHeader = hdr }
	env := simkittest.New(t, func(c *simkittest.Config) {
		c.ClientOptions = []simkit.Option{
			simkit.WithPartner(func(o *partner.Options) { set(&o.Shared) }),
			simkit.WithSMS(func(o *smsnumbers.Options) { set(&o.Shared) }),
			simkit.WithESIMStory(func(o *esimstory.Options) { set(&o.Shared) }),
			simkit.WithTopups(func(o *topups.Options) { set(&o.Shared) }),
		}
	})
	c := env.Client
	ctx := context.Background()
	tests := []struct {
		provider, path string
		call           func(*option.Response) error
	}{
		{simkittest.ProviderPartner, "/balance", func(r *option.Response) error {
			_, err := c.Partner.Balance(ctx, option.WithResponse(r))
			return err
		}},
		{simkittest.ProviderSMS, "/v1/user/profile", func(r *option.Response) error {
			_, err := c.SMS.Profile(ctx, option.WithResponse(r))
			return err
		}},
		{simkittest.ProviderESIMStory, "*", func(r *option.Response) error {
			_, err := c.ESIMStory.CreateOrder(ctx, esimstory.CreateOrderParams{ExternalOrderID: "ORDER-RID-1",
				Products: []esimstory.OrderProductParams{{OptionID: "a1b2c3d4-e5f6-7890-abcd-ef1234567890", Qty: 1}}}, option.WithResponse(r))
			return err
		}},
		{simkittest.ProviderTopups, "/customer/v2/sims/*", func(r *option.Response) error {
			_, err := c.Topups.TopupPackages(ctx, simkittest.TopupsSeedICCID, option.WithResponse(r))
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.provider, func(t *testing.T) {
			env.Faults.Add(simkittest.Fault{Provider: tt.provider, Path: tt.path, Times: 1, Kind: simkittest.Status, Status: http.StatusBadRequest,
				Header: http.Header{hdr: {"rid-" + tt.provider}, "X-Request-Id": {"not-this-one"}}})
			var resp option.Response
			err := tt.call(&resp)
			var e *simkit.Error
			require.True(t, errors.As(err, &e), "%v", err)
			require.Equal(t, "rid-"+tt.provider, e.RequestID)
			require.Equal(t, "rid-"+tt.provider, resp.RequestID)
		})
	}
}

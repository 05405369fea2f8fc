package topups

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/signing"
)

// A nil *Client answers every call with ErrNotConfigured instead of panicking.
func TestNilClientNotConfigured(t *testing.T) {
	var c *Client
	ctx := context.Background()
	calls := map[string]func() error{
		"TopupPackages": func() error { _, err := c.TopupPackages(ctx, testICCID); return err },
		"SubmitTopup": func() error {
			_, err := c.SubmitTopup(ctx, SubmitTopupParams{PackageID: "p", ICCID: testICCID})
			return err
		},
		"PackageHistory": func() error { _, err := c.PackageHistory(ctx, testICCID); return err },
		"ListOrders":     func() error { _, err := c.ListOrders(ctx, ListOrdersParams{}); return err },
		"AllOrders": func() error {
			for _, err := range c.AllOrders(ctx, ListOrdersParams{}) {
				return err
			}
			return nil
		},
		"RenewNumber": func() error { _, err := c.RenewNumber(ctx, RenewNumberParams{Email: "jane@example.com"}); return err },
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			require.ErrorIs(t, call(), apierror.ErrNotConfigured)
		})
	}
}

func TestNewRequiresCredentials(t *testing.T) {
	tests := []struct {
		name string
		fn   func(*Options)
		kind error
	}{
		{"no client id", func(o *Options) { o.BaseURL = testBase; o.ClientSecret = signing.NewSecret("s") }, apierror.ErrNotConfigured},
		{"no secret", func(o *Options) { o.BaseURL = testBase; o.ClientID = "id" }, apierror.ErrNotConfigured},
		{"no base url", func(o *Options) { o.ClientID = "id"; o.ClientSecret = signing.NewSecret("s") }, apierror.ErrNotConfigured},
		{"bad base url", func(o *Options) {
			o.BaseURL = "topups.test"
			o.ClientID = "id"
			o.ClientSecret = signing.NewSecret("s")
		}, apierror.ErrValidation},
		{"bad renewal url", func(o *Options) {
			o.BaseURL = testBase
			o.ClientID = "id"
			o.ClientSecret = signing.NewSecret("s")
			o.RenewalBaseURL = "renew.test"
			o.RenewalKey = signing.NewSecret("k")
		}, apierror.ErrValidation},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(tt.fn)
			require.ErrorIs(t, err, tt.kind)
			require.Nil(t, c)
		})
	}
}

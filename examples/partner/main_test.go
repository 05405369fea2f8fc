package main

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit"
	"github.com/simkit/simkit/partner"
	"github.com/simkit/simkit/simkittest"
)

func lookupMap(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestExampleAgainstFake(t *testing.T) {
	var out, errb bytes.Buffer
	require.Equal(t, 0, realMain(&out, &errb, lookupMap(nil)), errb.String())
	for _, want := range []string{"using the simkittest fake", "balance: 1000.00 USD", "refused before sending", "delivered: PIN ****", "(same: true)"} {
		require.Contains(t, out.String(), want)
	}
}

func TestExampleRealModeReadOnly(t *testing.T) {
	env := simkittest.New(t)
	var out, errb bytes.Buffer
	code := realMain(&out, &errb, lookupMap(map[string]string{
		simkit.EnvPartnerBaseURL: env.Config.PartnerURL, simkit.EnvPartnerToken: env.Config.PartnerToken,
		simkit.EnvPartnerSecret: env.Config.PartnerSecret, "SIMKIT_QUICKSTART_PARTNER_SKU": simkittest.PartnerSKUVoucher,
	}))
	require.Equal(t, 0, code, errb.String())
	require.Contains(t, out.String(), "order: skipped")
	require.Empty(t, env.Partner.Orders(), "no money spent without SIMKIT_QUICKSTART_BUY=1")
}

func TestRunReportsClassifiedErrors(t *testing.T) {
	env := simkittest.New(t)
	c, err := partner.New(env.PartnerOptions)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = run(ctx, &bytes.Buffer{}, c, simkittest.PartnerSKUSoldOut, true)
	require.ErrorIs(t, err, simkit.ErrOutOfStock)
	require.ErrorContains(t, err, "is sold out")
	require.Empty(t, env.Partner.Orders())
}

// TestRunReportsUnsettledOrder: when the order answer is lost and the
// look-up is down too, run says to call again with the same external id,
// and nothing was bought twice.
func TestRunReportsUnsettledOrder(t *testing.T) {
	env := simkittest.New(t)
	env.Faults.Add(simkittest.Fault{Provider: simkittest.ProviderPartner, Method: "POST", Path: "/orders", Kind: simkittest.DropAfterHandling})
	env.Faults.Add(simkittest.Fault{Provider: simkittest.ProviderPartner, Method: "GET", Path: "/orders", Kind: simkittest.Status, Status: 503})
	c, err := partner.New(env.PartnerOptions, func(o *partner.Options) { o.Retry = env.Config.Retry })
	require.NoError(t, err)
	err = run(context.Background(), &bytes.Buffer{}, c, simkittest.PartnerSKUVoucher, true)
	require.ErrorContains(t, err, "call again with the same external id")
	require.Len(t, env.Partner.Orders(), 1, "one order, however many attempts")
}

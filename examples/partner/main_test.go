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
	for _, want := range []string{"using the simkittest fake", "balance: 1000.00 USD", "refused before sending", "delivered: PIN ", "(same: true)"} {
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

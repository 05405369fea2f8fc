package main

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit"
	"github.com/simkit/simkit/simkittest"
	"github.com/simkit/simkit/topups"
)

func lookupMap(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestExampleAgainstFake(t *testing.T) {
	var out, errb bytes.Buffer
	require.Equal(t, 0, realMain(&out, &errb, lookupMap(nil)), errb.String())
	for _, want := range []string{"using the simkittest fake", "refused before sending", "top-up order ", "package history call 2: ", "renewal of u***@example.com: "} {
		require.Contains(t, out.String(), want)
	}
}

// Under discount pricing the example shows what is paid instead of a net price.
func TestExampleDiscountPricing(t *testing.T) {
	env := simkittest.New(t, func(c *simkittest.Config) { c.Topups.DiscountPricing = true })
	c, err := topups.New(env.TopupsOptions)
	require.NoError(t, err)
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out, c, simkittest.TopupsSeedICCID, "user@example.com", true))
	require.Contains(t, out.String(), "you pay 9.5 less 10%")
}

func TestExampleRealModeReadOnly(t *testing.T) {
	env := simkittest.New(t)
	var out, errb bytes.Buffer
	code := realMain(&out, &errb, lookupMap(map[string]string{
		simkit.EnvTopupsBaseURL: env.Config.TopupsURL, simkit.EnvTopupsClientID: env.Config.TopupsClientID,
		simkit.EnvTopupsClientSecret: env.Config.TopupsClientSecret, simkit.EnvTopupsRenewalBaseURL: env.Config.RenewalURL,
		simkit.EnvTopupsRenewalKey: env.Config.RenewalKey,
		"SIMKIT_QUICKSTART_ICCID":  simkittest.TopupsSeedICCID, "SIMKIT_QUICKSTART_RENEW_EMAIL": "user@example.com",
	}))
	require.Equal(t, 0, code, errb.String())
	require.Contains(t, out.String(), "top-up: skipped")
	require.Contains(t, out.String(), "renewal: skipped")
	require.Zero(t, env.Topups.OrderCount())
	require.Zero(t, env.Topups.Renewals("user@example.com"))
	require.Equal(t, 1, env.Topups.HistoryRequests(simkittest.TopupsSeedICCID), "the second history call came from the cache")
}

func TestRunErrors(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	tests := []struct {
		name    string
		breakIt func(*simkittest.Env)
		email   string
		want    error
		msg     string
	}{
		{"no balance", func(e *simkittest.Env) { e.Topups.SetBalance(decimal.Zero) }, "user@example.com", simkit.ErrInsufficientFunds, "top up your partner balance"},
		{"stale package", func(e *simkittest.Env) { e.Topups.ForceError("/customer/v2/orders/topups", 34) }, "user@example.com", simkit.ErrOutOfStock, "went stale"},
		{"unknown renewal user", func(*simkittest.Env) {}, "nobody@example.com", simkit.ErrNotFound, "no such user"},
		{"top-up answer lost", func(e *simkittest.Env) {
			e.Faults.Add(simkittest.Fault{Provider: simkittest.ProviderTopups, Method: "POST", Path: "/customer/v2/orders/topups", Kind: simkittest.Status, Status: 503})
		}, "user@example.com", simkit.ErrOutcomeUnknown, "same reference"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := simkittest.New(t)
			tc.breakIt(env)
			c, err := topups.New(env.TopupsOptions)
			require.NoError(t, err)
			err = run(ctx, &bytes.Buffer{}, c, simkittest.TopupsSeedICCID, tc.email, true)
			require.ErrorIs(t, err, tc.want)
			require.ErrorContains(t, err, tc.msg)
		})
	}
}

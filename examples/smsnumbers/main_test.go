package main

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit"
	"github.com/simkit/simkit/simkittest"
	"github.com/simkit/simkit/smsnumbers"
)

func lookupMap(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestExampleAgainstFake(t *testing.T) {
	var out, errb bytes.Buffer
	require.Equal(t, 0, realMain(&out, &errb, lookupMap(nil)), errb.String())
	for _, want := range []string{"using the simkittest fake", "price russia/beeline/vkontakte", "refused before sending", "code: 123456", ": FINISHED"} {
		require.Contains(t, out.String(), want)
	}
}

func TestExampleRealModeReadOnly(t *testing.T) {
	env := simkittest.New(t)
	var out, errb bytes.Buffer
	code := realMain(&out, &errb, lookupMap(map[string]string{simkit.EnvSMSBaseURL: env.Config.SMSURL, simkit.EnvSMSToken: env.Config.SMSToken}))
	require.Equal(t, 0, code, errb.String())
	require.Contains(t, out.String(), "buy: skipped")
	require.Empty(t, env.SMS.OrderIDs(), "no money spent without SIMKIT_QUICKSTART_BUY=1")
}

func TestRunErrors(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	t.Run("out of stock", func(t *testing.T) {
		env := simkittest.New(t)
		c, err := smsnumbers.New(env.SMSOptions)
		require.NoError(t, err)
		err = run(ctx, &bytes.Buffer{}, c, smsnumbers.BuyActivationParams{Country: "russia", Operator: "matrix", Product: "1688"}, true, time.Millisecond)
		require.ErrorIs(t, err, simkit.ErrOutOfStock)
		require.ErrorContains(t, err, "no free numbers")
	})
	t.Run("no SMS: order canceled and refunded", func(t *testing.T) {
		env := simkittest.New(t)
		c, err := smsnumbers.New(env.SMSOptions)
		require.NoError(t, err)
		before := env.SMS.Balance()
		short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
		defer cancel()
		err = run(short, &bytes.Buffer{}, c, smsnumbers.BuyActivationParams{Country: "russia", Operator: "beeline", Product: "vkontakte"}, true, 10*time.Millisecond)
		// Not ErrorIs(context.DeadlineExceeded): near the deadline the SDK's
		// limiter refuses first with ErrRateLimited (see the report).
		require.ErrorContains(t, err, "wait for code on order")
		ids := env.SMS.OrderIDs()
		require.Len(t, ids, 1)
		st, err := env.SMS.OrderStatus(ids[0])
		require.NoError(t, err)
		require.Equal(t, simkittest.SMSCanceled, st)
		require.True(t, env.SMS.Balance().Equal(before), "refunded")
	})
}

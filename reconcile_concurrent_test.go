package simkit_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/ledger"
	"github.com/simkit/simkit/reconcile"
	"github.com/simkit/simkit/simkittest"
	"github.com/simkit/simkit/smsnumbers"
)

// TestReconcileAfterConcurrentBuys: replicas sharing one Store buy the same
// product at once while a seeded share of the buys fail before or after
// the provider acted; afterwards the books reconcile: every order is held
// by a call or settled onto one, every unknown outcome is proven, nothing
// is unaccounted.
func TestReconcileAfterConcurrentBuys(t *testing.T) {
	ctx := context.Background()
	b := newBooks(t, func(c *simkittest.Config) { c.SMS.Balance = decimal.NewFromInt(100000) })
	clients := make([]*smsnumbers.Client, 3)
	for i := range clients {
		c, err := smsnumbers.New(b.env.SMSOptions, func(o *smsnumbers.Options) {
			o.Store, o.Now = b.st, b.clock.Now
			o.SettleWait = 200 * time.Millisecond
			o.SettleSkew = time.Millisecond
		})
		require.NoError(t, err)
		clients[i] = c
	}
	require.NoError(t, b.env.Faults.SetChaos(simkittest.Chaos{Seed: 24, Rate: 0.2, Provider: simkittest.ProviderSMS, Path: "/v1/user/buy/*"}))

	const workers, buys = 12, 4
	var mu sync.Mutex
	var held, unknown, failed int
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(c *smsnumbers.Client) {
			defer wg.Done()
			for i := 0; i < buys; i++ {
				_, err := c.BuyActivation(ctx, smsnumbers.BuyActivationParams{Country: "russia", Operator: "any", Product: "vkontakte"})
				mu.Lock()
				switch {
				case err == nil:
					held++
				case errors.Is(err, apierror.ErrOutcomeUnknown):
					unknown++
				default:
					failed++
				}
				mu.Unlock()
			}
		}(clients[w%len(clients)])
	}
	wg.Wait()
	require.NoError(t, b.env.Faults.SetChaos(simkittest.Chaos{}))
	t.Logf("buys: %d held, %d outcome unknown, %d failed; fake orders: %d", held, unknown, failed, len(b.env.SMS.OrderIDs()))

	b.clock.Advance(10 * time.Minute)
	rep, err := clients[0].Reconcile(ctx, smsnumbers.ReconcileParams{})
	require.NoError(t, err)
	t.Logf("reconcile: %d entries, %d records, %d settled, counts %v", rep.Entries, rep.Records, rep.Settled, rep.Counts)
	require.Equal(t, 0, rep.Counts[reconcile.UnaccountedCharge], "%+v", rep.Findings)
	require.Equal(t, 0, rep.Counts[reconcile.AmountMismatch], "%+v", rep.Findings)
	require.Equal(t, workers*buys, rep.Entries)
	require.Equal(t, len(b.env.SMS.OrderIDs()), rep.Records)
	// An unknown outcome stays one only where the history cannot prove it.
	require.LessOrEqual(t, rep.Counts[reconcile.OutcomeUnknown], unknown)

	// Once the numbers nobody used timed out and were refunded, nothing is
	// left open: the books close with no anomaly.
	b.clock.Advance(20 * time.Minute)
	rep, err = clients[1].Reconcile(ctx, smsnumbers.ReconcileParams{})
	require.NoError(t, err)
	t.Logf("after expiry: %d settled, counts %v", rep.Settled, rep.Counts)
	require.True(t, rep.Clean(), "%+v", rep.Findings)
	for e, err := range clients[2].Ledger().Entries(ctx, time.Time{}, time.Time{}) {
		require.NoError(t, err)
		require.Contains(t, []ledger.State{ledger.StateRefunded, ledger.StateFailed}, e.State, "every buy's outcome is known: %+v", e)
	}
}

package simkit_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/ledger"
	"github.com/simkit/simkit/reconcile"
	"github.com/simkit/simkit/simkittest"
	"github.com/simkit/simkit/topups"
)

func (b *books) topupsLedger() *ledger.Ledger { return b.env.Client.Topups.Ledger() }

// topup submits a top-up with c on the fakes' seeded eSIM.
func topup(t *testing.T, c *topups.Client, ref string) *topups.Order {
	t.Helper()
	ctx := context.Background()
	pkgs, err := c.TopupPackages(ctx, simkittest.TopupsSeedICCID)
	require.NoError(t, err)
	require.NotEmpty(t, pkgs.Packages)
	o, err := c.SubmitTopup(ctx, topups.SubmitTopupParams{PackageID: pkgs.Packages[0].ID, ICCID: simkittest.TopupsSeedICCID, Reference: ref})
	require.NoError(t, err)
	return o
}

func TestReconcileTopups(t *testing.T) {
	ctx := context.Background()

	t.Run("clean, then a top-up submitted outside the fleet", func(t *testing.T) {
		b := newBooks(t, nil)
		o := topup(t, b.env.Client.Topups, "IN-1")
		recorded(t, b.topupsLedger(), "POST /customer/v2/orders/topups", "IN-1", ledger.Outcome{State: ledger.StateDone, ProviderIDs: []string{o.ID}})
		b.clock.Advance(10 * time.Minute)
		rep, err := b.env.Client.Topups.Reconcile(ctx, topups.ReconcileParams{})
		require.NoError(t, err)
		require.Empty(t, kinds(rep), "%+v", rep.Findings)

		outside, err := topups.New(b.env.TopupsOptions, func(o *topups.Options) { o.Now = b.clock.Now })
		require.NoError(t, err)
		out := topup(t, outside, "OUT-1")
		b.clock.Advance(10 * time.Minute)
		rep, err = b.env.Client.Topups.Reconcile(ctx, topups.ReconcileParams{})
		require.NoError(t, err)
		require.Equal(t, map[reconcile.Kind]int{reconcile.UnaccountedCharge: 1}, kinds(rep))
		require.Equal(t, out.ID, rep.Findings[0].ProviderID)
		require.Equal(t, "OUT-1", rep.Findings[0].Reference)
	})

	t.Run("an unknown top-up is settled by its reference", func(t *testing.T) {
		b := newBooks(t, nil)
		l := b.topupsLedger()
		outside, err := topups.New(b.env.TopupsOptions, func(o *topups.Options) { o.Now = b.clock.Now })
		require.NoError(t, err)
		o := topup(t, outside, "LOST-1")
		lost := recorded(t, l, "POST /customer/v2/orders/topups", "LOST-1", ledger.Outcome{State: ledger.StateUnknown})
		none := recorded(t, l, "POST /customer/v2/orders/topups", "NONE-1", ledger.Outcome{State: ledger.StateUnknown})
		b.clock.Advance(10 * time.Minute)
		rep, err := b.env.Client.Topups.Reconcile(ctx, topups.ReconcileParams{})
		require.NoError(t, err)
		require.Empty(t, kinds(rep), "%+v", rep.Findings)
		require.Equal(t, 2, rep.Settled)
		got, _, err := l.Get(ctx, lost.ID)
		require.NoError(t, err)
		require.Equal(t, ledger.StateRecovered, got.State)
		require.Equal(t, []string{o.ID}, got.ProviderIDs)
		got, _, err = l.Get(ctx, none.ID)
		require.NoError(t, err)
		require.Equal(t, ledger.StateFailed, got.State)
	})

	t.Run("outcome unknown: a renewal only a person can check", func(t *testing.T) {
		b := newBooks(t, nil)
		e := recorded(t, b.topupsLedger(), "POST /api/third-party/partner/renew-number/", "", ledger.Outcome{State: ledger.StateUnknown})
		b.clock.Advance(time.Hour)
		rep, err := b.env.Client.Topups.Reconcile(ctx, topups.ReconcileParams{})
		require.NoError(t, err)
		require.Equal(t, map[reconcile.Kind]int{reconcile.OutcomeUnknown: 1}, kinds(rep))
		f := rep.Findings[0]
		require.True(t, f.PersonOnly)
		require.Equal(t, e.ID, f.Entry)
		require.GreaterOrEqual(t, f.Age, time.Hour)
		require.Contains(t, f.Action, "person")
	})
}

package redisstore

import (
	"context"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/internal/respstore"
	"github.com/simkit/simkit/ledger"
	"github.com/simkit/simkit/reconcile"
)

// TestCommandReadsTheFleetsLedger: `simkit reconcile` reads the Store
// with its own Redis client (the core module depends on no Redis
// library); what a fleet writes here, it reads, and what it settles, the
// fleet reads back: same prefix, value encoding, indexes and locks.
func TestCommandReadsTheFleetsLedger(t *testing.T) {
	ctx := context.Background()
	srv := startRedis(t)
	fleet := New(srv.client())
	cmd, err := respstore.New(srv.addr(), DefaultPrefix)
	require.NoError(t, err)
	t.Cleanup(func() { _ = cmd.Close() })

	fl := ledger.New(fleet, "partner", "token")
	var ids []string
	for i, ref := range []string{"A", "B", "C"} {
		e, err := fl.Begin(ctx, ledger.Intent{Call: "POST /orders", Reference: ref, Subject: "order/sku"})
		require.NoError(t, err)
		require.NoError(t, fl.Finish(ctx, e, ledger.Outcome{State: ledger.StateDone, ProviderIDs: []string{"o" + ref},
			Amount: decimal.NewNullDecimal(decimal.NewFromInt(int64(i + 1)))}))
		ok, err := fl.Claim(ctx, "order", "o"+ref, e.ID)
		require.NoError(t, err)
		require.True(t, ok)
		ids = append(ids, e.ID)
	}

	cl := ledger.New(cmd, "partner", "token", func(o *ledger.Options) { o.PageSize = 2 })
	require.True(t, cl.CanList())
	var got []string
	for e, err := range cl.Entries(ctx, time.Time{}, time.Time{}) {
		require.NoError(t, err)
		got = append(got, e.ID)
	}
	require.ElementsMatch(t, ids, got, "every entry, across pages")
	byRef, err := cl.ByReference(ctx, "B")
	require.NoError(t, err)
	require.Len(t, byRef, 1)
	require.Equal(t, "2", byRef[0].Amount.Decimal.String())
	holder, ok, err := cl.Claimant(ctx, "order", "oC")
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, ids[2], holder)

	// The command settles an entry; the fleet sees it.
	e := byRef[0]
	require.NoError(t, cl.Finish(ctx, &e, ledger.Outcome{State: ledger.StateRefunded}))
	back, _, err := fl.Get(ctx, e.ID)
	require.NoError(t, err)
	require.Equal(t, ledger.StateRefunded, back.State)

	// One lock for both.
	release, err := reconcile.Lock(ctx, fleet, "partner", time.Minute)
	require.NoError(t, err)
	_, err = reconcile.Lock(ctx, cmd, "partner", time.Minute)
	require.ErrorIs(t, err, reconcile.ErrBusy)
	release()
	again, err := reconcile.Lock(ctx, cmd, "partner", time.Minute)
	require.NoError(t, err)
	again()
}

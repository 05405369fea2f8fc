package smsnumbers_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/smsnumbers"
	"github.com/simkit/simkit/store"
)

// TestSettleScanLimit: a look-up reads at most 200 history entries of the
// call's window, newest first: the call's entry behind 199 newer ones is
// found, behind 200 it is past the bound and the outcome is unknown.
func TestSettleScanLimit(t *testing.T) {
	for _, newer := range []int{199, 200} {
		found := newer < 200
		t.Run(fmt.Sprintf("buy behind %d", newer), func(t *testing.T) {
			p := &lostAnswers{orders: []map[string]any{order(1, 0, "russia", "beeline", "vkontakte")}}
			for i := range newer {
				p.orders = append(p.orders, order(int64(i+2), 0, "russia", "beeline", "telegram"))
			}
			o, err := lostAnswerClient(t, p, store.NewMemory()).BuyActivation(context.Background(), buyRU)
			if !found {
				require.ErrorIs(t, err, apierror.ErrOutcomeUnknown, "%d newer entries", newer)
				return
			}
			require.NoError(t, err, "%d newer entries", newer)
			require.Equal(t, int64(1), o.ID)
		})
		t.Run(fmt.Sprintf("withdraw behind %d", newer), func(t *testing.T) {
			p := &lostAnswers{payments: []map[string]any{payment(1, 0, "-10")}}
			for i := range newer {
				p.payments = append(p.payments, payment(int64(i+2), 0, "-15"))
			}
			w, err := lostAnswerClient(t, p, store.NewMemory()).Withdraw(context.Background(), smsPayout)
			if !found {
				require.ErrorIs(t, err, apierror.ErrOutcomeUnknown, "%d newer entries", newer)
				return
			}
			require.NoError(t, err, "%d newer entries", newer)
			require.Equal(t, int64(1), w.Payment.ID)
		})
	}
}

// TestSettleStopsAtTheWindow: the history is read newest first, and the
// look-up stops at the first entry created before the call's window
// (less SettleSkew): a long history costs one page, not the scan limit.
func TestSettleStopsAtTheWindow(t *testing.T) {
	old := -smsnumbers.SettleSkew - time.Minute
	t.Run("buy", func(t *testing.T) {
		p := &lostAnswers{}
		for i := range 150 {
			p.orders = append(p.orders, order(int64(i+1), old, "russia", "beeline", "vkontakte"))
		}
		p.orders = append(p.orders, order(200, 0, "russia", "beeline", "vkontakte"))
		o, err := lostAnswerClient(t, p, store.NewMemory()).BuyActivation(context.Background(), buyRU)
		require.NoError(t, err)
		require.Equal(t, int64(200), o.ID)
		require.Equal(t, 1, p.reads, "one page: the older entries end the look-up")
	})
	t.Run("withdraw", func(t *testing.T) {
		p := &lostAnswers{}
		for i := range 150 {
			p.payments = append(p.payments, payment(int64(i+1), old, "-10"))
		}
		p.payments = append(p.payments, payment(200, 0, "-10"))
		w, err := lostAnswerClient(t, p, store.NewMemory()).Withdraw(context.Background(), smsPayout)
		require.NoError(t, err)
		require.Equal(t, int64(200), w.Payment.ID)
		require.Equal(t, 1, p.reads, "one page: the older entries end the look-up")
	})
}

// TestSettleLosesTheClaimRace: the one order a lost buy proves its own was
// claimed a moment before by another call settling at the same time (its
// outcome not yet in the ledger). The claim decides: the buy answers
// ErrOutcomeUnknown and says so, and the order stays the other call's.
func TestSettleLosesTheClaimRace(t *testing.T) {
	ctx := context.Background()
	p := &lostAnswers{
		orders:   []map[string]any{order(1, 0, "russia", "beeline", "vkontakte")},
		payments: []map[string]any{payment(1, 0, "-10")},
	}
	c := lostAnswerClient(t, p, store.NewMemory())
	for _, kind := range []string{"order", "payment"} {
		ok, err := c.Ledger().Claim(ctx, kind, "1", "another call")
		require.NoError(t, err)
		require.True(t, ok)
	}

	o, err := c.BuyActivation(ctx, buyRU)
	require.ErrorIs(t, err, apierror.ErrOutcomeUnknown)
	require.ErrorContains(t, err, "outcome unknown: the order matched to this call is claimed by another call")
	require.Nil(t, o)
	w, err := c.Withdraw(ctx, smsPayout)
	require.ErrorIs(t, err, apierror.ErrOutcomeUnknown)
	require.ErrorContains(t, err, "outcome unknown: the payment matched to this call is claimed by another call")
	require.Nil(t, w)
	for _, kind := range []string{"order", "payment"} {
		claimant, _, err := c.Ledger().Claimant(ctx, kind, "1")
		require.NoError(t, err)
		require.Equal(t, "another call", claimant)
	}
}

// TestSettlePassesOverLaterEntries: an entry created after the call's
// attempts ended (plus SettleSkew) is not the call's, though it stands
// first in the newest-first history: the look-up goes past it to the one
// the call made.
func TestSettlePassesOverLaterEntries(t *testing.T) {
	later := smsnumbers.SettleSkew + time.Second
	p := &lostAnswers{
		orders:   []map[string]any{order(1, 0, "russia", "beeline", "vkontakte"), order(2, later, "russia", "beeline", "vkontakte")},
		payments: []map[string]any{payment(1, 0, "-10"), payment(2, later, "-10")},
	}
	c := lostAnswerClient(t, p, store.NewMemory())
	o, err := c.BuyActivation(context.Background(), buyRU)
	require.NoError(t, err)
	require.Equal(t, int64(1), o.ID)
	w, err := c.Withdraw(context.Background(), smsPayout)
	require.NoError(t, err)
	require.Equal(t, int64(1), w.Payment.ID)
}

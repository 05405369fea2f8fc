package simkit_test

import (
	"context"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/ledger"
	"github.com/simkit/simkit/reconcile"
	"github.com/simkit/simkit/simkittest"
	"github.com/simkit/simkit/smsnumbers"
)

// TestReconcileSMSWithdrawGroup checks the group rule for lost payouts:
// withdrawals told ErrOutcomeUnknown that pay the same amount the same
// way to the same receiver, whose windows closed long ago, settle as a
// group when their windows hold no more payments than calls.
func TestReconcileSMSWithdrawGroup(t *testing.T) {
	ctx := context.Background()
	const routeWithdraw = "POST /v1/vendor/withdraw"
	tests := []struct {
		name      string
		receivers []string // one lost withdrawal each
		inFlight  int      // withdrawals still on the wire
		payments  int
		want      map[reconcile.Kind]int
		recovered int
		failed    int
	}{
		{"fewer payments than calls, one receiver: settled as a group", []string{"A", "A", "A"}, 0, 2, map[reconcile.Kind]int{}, 2, 1},
		{"no payment at all: each made nothing, proven alone", []string{"A", "A"}, 0, 0, map[reconcile.Kind]int{}, 0, 2},
		{"more payments than calls: the extra are unaccounted, nothing guessed", []string{"A", "A"}, 0, 3,
			map[reconcile.Kind]int{reconcile.OutcomeUnknown: 2, reconcile.UnaccountedCharge: 3}, 0, 0},
		{"different receivers: not interchangeable, a person checks", []string{"A", "B"}, 0, 1,
			map[reconcile.Kind]int{reconcile.OutcomeUnknown: 2}, 0, 0},
		{"a call still on the wire: not settled", []string{"A"}, 1, 1,
			map[reconcile.Kind]int{reconcile.OutcomeUnknown: 2}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBooks(t, nil)
			l := b.smsLedger()
			intent := func(receiver string) ledger.Intent {
				return ledger.Intent{Call: routeWithdraw, Subject: "withdraw/5", Amount: decimal.NewNullDecimal(decimal.NewFromInt(5)),
					Meta: map[string]string{"method": "visa", "fee": "unitpay", "receiver": l.Hash("receiver\x00" + receiver)}}
			}
			var lost []*ledger.Entry
			for _, r := range tt.receivers {
				e, err := l.Begin(ctx, intent(r))
				require.NoError(t, err)
				lost = append(lost, e)
			}
			for range tt.inFlight {
				_, err := l.Begin(ctx, intent("A"))
				require.NoError(t, err)
			}
			for range tt.payments {
				require.NoError(t, b.env.SMS.WithdrawOutside(simkittest.SMSOutsidePayout{Amount: decimal.NewFromInt(5)}))
			}
			for _, e := range lost {
				require.NoError(t, l.Finish(ctx, e, ledger.Outcome{State: ledger.StateUnknown}))
			}
			b.clock.Advance(10 * time.Minute)

			rep, err := b.env.Client.SMS.Reconcile(ctx, smsnumbers.ReconcileParams{})
			require.NoError(t, err)
			require.Equal(t, tt.want, kinds(rep), "%+v", rep.Findings)
			require.Equal(t, tt.recovered+tt.failed, rep.Settled)

			states := map[ledger.State]int{}
			paid := map[string]bool{}
			for _, e := range lost {
				got, _, err := l.Get(ctx, e.ID)
				require.NoError(t, err)
				states[got.State]++
				if got.State == ledger.StateUnknown {
					continue
				}
				if tt.payments > 0 {
					require.Contains(t, got.Meta["proof"], "group", "the entry says it was settled as one of a group")
				}
				if got.State == ledger.StateRecovered {
					require.Len(t, got.ProviderIDs, 1)
					require.False(t, paid[got.ProviderIDs[0]], "one payment each")
					paid[got.ProviderIDs[0]] = true
					holder, ok, err := l.Claimant(ctx, "payment", got.ProviderIDs[0])
					require.NoError(t, err)
					require.True(t, ok)
					require.Equal(t, e.ID, holder)
				} else {
					require.Empty(t, got.ProviderIDs)
				}
			}
			require.Equal(t, tt.recovered, states[ledger.StateRecovered])
			require.Equal(t, tt.failed, states[ledger.StateFailed])

			rep, err = b.env.Client.SMS.Reconcile(ctx, smsnumbers.ReconcileParams{})
			require.NoError(t, err)
			require.Equal(t, tt.want, kinds(rep), "a second run agrees: %+v", rep.Findings)
		})
	}
}

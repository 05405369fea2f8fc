package smsnumbers_test

import (
	"cmp"
	"context"
	"encoding/json"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/ledger"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/smsnumbers"
	"github.com/simkit/simkit/store"
)

// buyRURef is the ledger reference of a buyRU call.
const buyRURef = "GET /v1/user/buy/activation/russia/beeline/vkontakte"

// jsonOf is v as a JSON document.
func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

// onlyEntry reads back the one ledger entry of the calls sent with
// reference, and checks it no longer counts as in flight: every outcome
// ends the call.
func onlyEntry(t *testing.T, c *smsnumbers.Client, reference string) ledger.Entry {
	t.Helper()
	ctx := context.Background()
	entries, err := c.Ledger().ByReference(ctx, reference)
	require.NoError(t, err)
	require.Len(t, entries, 1)
	e := entries[0]
	got, ok, err := c.Ledger().Get(ctx, e.ID)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, e.State, got.State)
	inflight, err := c.Ledger().InFlight(ctx, e.Subject)
	require.NoError(t, err)
	require.Empty(t, inflight, "a call with an outcome is no longer in flight")
	return e
}

// TestBuyRecordsEachOutcome: whatever became of a buy, its ledger entry
// says so (done and the order it named; failed; recovered, the order
// found and claimed for it, and how it was proven; unknown), and
// WithResponse describes this buy (its own answer, its look-ups of the
// history, whether the order was recovered) even in a Response reused
// from an earlier call. Reconciliation and the other replicas read the
// fleet's money from those entries.
func TestBuyRecordsEachOutcome(t *testing.T) {
	mine := order(7, 0, "russia", "beeline", "vkontakte")
	tests := []struct {
		name    string
		p       *lostAnswers
		state   ledger.State
		ids     []string // what the entry holds
		lost    bool     // the answer was lost: the entry is ambiguous
		status  int      // the buy's own last status
		lookups []int    // each look-up's status
	}{
		{"bought", &lostAnswers{buy: 200, buyBody: jsonOf(t, mine)}, ledger.StateDone, []string{"7"}, false, 200, nil},
		{"refused", &lostAnswers{buy: 400, buyBody: "no free phones", orders: []map[string]any{mine}}, ledger.StateFailed, nil, false, 400, nil},
		{"answer lost, order found", &lostAnswers{orders: []map[string]any{mine}}, ledger.StateRecovered, []string{"7"}, true, 502, []int{200}},
		{"2xx naming no order, order found", &lostAnswers{buy: 200, buyBody: `{}`, orders: []map[string]any{mine}}, ledger.StateRecovered, []string{"7"}, true, 200, []int{200}},
		{"answer lost, no order", &lostAnswers{}, ledger.StateUnknown, nil, true, 502, []int{200}},
		{"answer lost, history unreadable", &lostAnswers{orders: []map[string]any{mine}, failRead: new(int)}, ledger.StateUnknown, nil, true, 502, []int{401}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := lostAnswerClient(t, tc.p, store.NewMemory())
			recovered := tc.state == ledger.StateRecovered
			meta := option.Response{Recovered: !recovered, StatusCode: 201, Lookups: []option.Lookup{{Op: "an earlier call's"}}}
			o, err := c.BuyActivation(context.Background(), buyRU, option.WithResponse(&meta))

			switch tc.state {
			case ledger.StateDone, ledger.StateRecovered:
				require.NoError(t, err)
				require.Equal(t, int64(7), o.ID)
				require.Equal(t, recovered, o.Recovered)
			case ledger.StateFailed:
				require.ErrorIs(t, err, apierror.ErrOutOfStock)
				require.Nil(t, o)
				require.False(t, apierror.MayHaveActed(err), "a refused buy bought nothing")
				require.True(t, apierror.SafeToRetry(err))
			case ledger.StateUnknown:
				require.ErrorIs(t, err, apierror.ErrOutcomeUnknown)
				require.Nil(t, o)
			}
			require.Equal(t, 1, tc.p.sent, "a buy is sent once")

			require.Equal(t, tc.status, meta.StatusCode)
			require.Equal(t, recovered, meta.Recovered)
			require.Len(t, meta.Lookups, len(tc.lookups))
			for i, status := range tc.lookups {
				require.Equal(t, "GET /v1/user/orders", meta.Lookups[i].Op)
				require.Equal(t, status, meta.Lookups[i].StatusCode)
				require.Equal(t, status != 200, meta.Lookups[i].Err != nil, "the look-up's error is kept")
			}

			e := onlyEntry(t, c, buyRURef)
			require.Equal(t, tc.state, e.State)
			require.Equal(t, tc.ids, e.ProviderIDs)
			require.Equal(t, tc.lost, e.Ambiguous)
			require.False(t, e.WindowEnd.IsZero(), "the window of the attempts is closed")
			if tc.ids != nil {
				require.True(t, e.Amount.Valid)
				require.True(t, decimal.NewFromInt(1).Equal(e.Amount.Decimal), "the order's price")
			}
			if recovered {
				require.Equal(t, "alone", e.Meta["proof"], "how the order was proven this call's")
				claimant, ok, err := c.Ledger().Claimant(context.Background(), "order", "7")
				require.NoError(t, err)
				require.True(t, ok, "the order is claimed, so no other call takes it")
				require.Equal(t, e.ID, claimant)
			}
		})
	}
}

// TestWithdrawRecordsEachOutcome: as for buys, a payout's ledger entry
// holds its outcome: done with no payment named (the answer carries
// none), failed, recovered with the payment found and claimed, unknown.
func TestWithdrawRecordsEachOutcome(t *testing.T) {
	mine := payment(4, 0, "-10")
	const ref = "POST /v1/vendor/withdraw amount=10 method=visa fee=payeer"
	tests := []struct {
		name  string
		p     *lostAnswers
		state ledger.State
		ids   []string
		lost  bool
	}{
		{"paid out", &lostAnswers{withdraw: 200, payments: []map[string]any{mine}}, ledger.StateDone, nil, false},
		{"refused", &lostAnswers{withdraw: 400, payments: []map[string]any{mine}}, ledger.StateFailed, nil, false},
		{"answer lost, payment found", &lostAnswers{payments: []map[string]any{mine}}, ledger.StateRecovered, []string{"4"}, true},
		{"answer lost, no payment", &lostAnswers{payments: []map[string]any{payment(4, 0, "-11")}}, ledger.StateUnknown, nil, true},
		{"answer lost, history unreadable", &lostAnswers{payments: []map[string]any{mine}, failRead: new(int)}, ledger.StateUnknown, nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := lostAnswerClient(t, tc.p, store.NewMemory())
			recovered := tc.state == ledger.StateRecovered
			meta := option.Response{Recovered: !recovered, StatusCode: 201, Lookups: []option.Lookup{{Op: "an earlier call's"}}}
			w, err := c.Withdraw(context.Background(), smsPayout, option.WithResponse(&meta))
			require.Equal(t, 1, tc.p.sent, "a payout is sent once, never retried")
			require.Equal(t, cmp.Or(tc.p.withdraw, 502), meta.StatusCode)
			require.Equal(t, recovered, meta.Recovered)
			if tc.lost {
				unreadable := tc.p.failRead != nil
				require.Len(t, meta.Lookups, 1)
				require.Equal(t, "GET /v1/vendor/payments", meta.Lookups[0].Op)
				require.Equal(t, map[bool]int{false: 200, true: 401}[unreadable], meta.Lookups[0].StatusCode)
				require.Equal(t, unreadable, meta.Lookups[0].Err != nil, "the look-up's error is kept")
				if unreadable {
					require.ErrorContains(t, err, "outcome unknown: the history could not be read")
					require.ErrorContains(t, err, "look-up: ")
				}
			} else {
				require.Empty(t, meta.Lookups)
			}
			switch tc.state {
			case ledger.StateDone:
				require.NoError(t, err)
				require.False(t, w.Recovered)
				require.Nil(t, w.Payment)
			case ledger.StateRecovered:
				require.NoError(t, err)
				require.True(t, w.Recovered)
				require.Equal(t, int64(4), w.Payment.ID)
			case ledger.StateFailed:
				require.Error(t, err)
				require.NotErrorIs(t, err, apierror.ErrOutcomeUnknown)
				require.Nil(t, w)
			case ledger.StateUnknown:
				require.ErrorIs(t, err, apierror.ErrOutcomeUnknown)
				require.Nil(t, w)
			}
			e := onlyEntry(t, c, ref)
			require.Equal(t, tc.state, e.State)
			require.Equal(t, tc.ids, e.ProviderIDs)
			require.Equal(t, tc.lost, e.Ambiguous)
			require.True(t, e.Amount.Valid)
			require.True(t, decimal.NewFromInt(10).Equal(e.Amount.Decimal), "the payout's amount")
			require.Equal(t, "visa", e.Meta["method"])
			require.Equal(t, "payeer", e.Meta["fee"])
			require.NotEmpty(t, e.Meta["receiver"], "a keyed hash groups payouts to one receiver")
			require.NotContains(t, jsonOf(t, e), smsPayout.Receiver, "the receiver is customer data")
			if tc.ids != nil {
				claimant, ok, err := c.Ledger().Claimant(context.Background(), "payment", "4")
				require.NoError(t, err)
				require.True(t, ok)
				require.Equal(t, e.ID, claimant)
				require.Equal(t, "alone", e.Meta["proof"])
			}
		})
	}
}

package simkit_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/ledger"
	"github.com/simkit/simkit/reconcile"
	"github.com/simkit/simkit/simkittest"
	"github.com/simkit/simkit/smsnumbers"
)

func (b *books) smsLedger() *ledger.Ledger { return b.env.Client.SMS.Ledger() }

const routeBuy = "GET /v1/user/buy/activation/{country}/{operator}/{product}"

// held records an order as bought by the fleet: an entry holding it and
// the claim that says so, as a buy does.
func held(t *testing.T, l *ledger.Ledger, id int64, amount decimal.NullDecimal) ledger.Entry {
	t.Helper()
	ctx := context.Background()
	e, err := l.Begin(ctx, ledger.Intent{Call: routeBuy, Subject: "activation/vkontakte", Meta: map[string]string{"country": "russia", "operator": "any"}})
	require.NoError(t, err)
	pid := strconv.FormatInt(id, 10)
	require.NoError(t, l.Finish(ctx, e, ledger.Outcome{State: ledger.StateDone, ProviderIDs: []string{pid}, Amount: amount}))
	ok, err := l.Claim(ctx, "order", pid, e.ID)
	require.NoError(t, err)
	require.True(t, ok)
	return *e
}

func TestReconcileSMS(t *testing.T) {
	ctx := context.Background()

	t.Run("clean after the fleet's own buys and payout", func(t *testing.T) {
		b := newBooks(t, nil)
		c := b.env.Client.SMS
		kept, err := c.BuyActivation(ctx, smsnumbers.BuyActivationParams{Country: "russia", Operator: "any", Product: "vkontakte"})
		require.NoError(t, err)
		gone, err := c.BuyActivation(ctx, smsnumbers.BuyActivationParams{Country: "russia", Operator: "any", Product: "vkontakte"})
		require.NoError(t, err)
		_, err = c.Cancel(ctx, gone.ID)
		require.NoError(t, err)
		_, err = c.Withdraw(ctx, smsnumbers.WithdrawParams{Receiver: "4111111111111111", Method: smsnumbers.MethodVisa, Amount: decimal.NewFromInt(5), Fee: smsnumbers.FeeUnitpay})
		require.NoError(t, err)
		b.clock.Advance(10 * time.Minute)
		rep, err := c.Reconcile(ctx, smsnumbers.ReconcileParams{})
		require.NoError(t, err)
		require.True(t, rep.Clean(), "%+v", rep.Findings)
		require.Equal(t, 3, rep.Entries)
		require.Equal(t, 3, rep.Records)

		// The payout is now bound to its withdrawal, and the canceled
		// number is refunded in the ledger.
		l := c.Ledger()
		var states []ledger.State
		for e, err := range l.Entries(ctx, time.Time{}, time.Time{}) {
			require.NoError(t, err)
			states = append(states, e.State)
			if e.Call == "POST /v1/vendor/withdraw" {
				require.Len(t, e.ProviderIDs, 1)
			}
			if e.Holds(strconv.FormatInt(kept.ID, 10)) {
				require.Equal(t, ledger.StateDone, e.State, "open, within its lifetime")
			}
		}
		require.ElementsMatch(t, []ledger.State{ledger.StateDone, ledger.StateRefunded, ledger.StateDone}, states)
		rep, err = c.Reconcile(ctx, smsnumbers.ReconcileParams{})
		require.NoError(t, err)
		require.True(t, rep.Clean(), "a second run agrees: %+v", rep.Findings)
	})

	t.Run("unaccounted charges: an activation and a payout made outside the fleet", func(t *testing.T) {
		b := newBooks(t, nil)
		id, err := b.env.SMS.BuyOutside(simkittest.SMSOutsideBuy{Product: "vkontakte"})
		require.NoError(t, err)
		require.NoError(t, b.env.SMS.WithdrawOutside(simkittest.SMSOutsidePayout{Amount: decimal.NewFromInt(5)}))
		b.clock.Advance(10 * time.Minute)
		rep, err := b.env.Client.SMS.Reconcile(ctx, smsnumbers.ReconcileParams{})
		require.NoError(t, err)
		require.Equal(t, map[reconcile.Kind]int{reconcile.UnaccountedCharge: 2}, kinds(rep), "%+v", rep.Findings)
		require.Equal(t, strconv.FormatInt(id, 10), rep.Findings[0].ProviderID)
		require.Equal(t, "GET /v1/vendor/payments", rep.Findings[1].Call)
		require.Equal(t, "5", rep.Findings[1].Amount.Decimal.String())
		for _, f := range rep.Findings {
			require.NotContains(t, f.Detail, "+7", "no phone number in a finding")
		}
	})

	t.Run("a refunded activation is not a charge", func(t *testing.T) {
		b := newBooks(t, nil)
		_, err := b.env.SMS.BuyOutside(simkittest.SMSOutsideBuy{Product: "vkontakte"})
		require.NoError(t, err)
		b.clock.Advance(30 * time.Minute) // times out and is refunded
		rep, err := b.env.Client.SMS.Reconcile(ctx, smsnumbers.ReconcileParams{})
		require.NoError(t, err)
		require.True(t, rep.Clean(), "%+v", rep.Findings)
		require.Equal(t, 1, rep.Records)
	})

	t.Run("not delivered: an activation left open past its expiry", func(t *testing.T) {
		b := newBooks(t, nil)
		id, err := b.env.SMS.BuyOutside(simkittest.SMSOutsideBuy{Product: "vkontakte", LeftOpen: true})
		require.NoError(t, err)
		e := held(t, b.smsLedger(), id, decimal.NullDecimal{})
		b.clock.Advance(10 * time.Minute)
		rep, err := b.env.Client.SMS.Reconcile(ctx, smsnumbers.ReconcileParams{})
		require.NoError(t, err)
		require.True(t, rep.Clean(), "before its expiry: %+v", rep.Findings)

		b.clock.Advance(20 * time.Minute)
		rep, err = b.env.Client.SMS.Reconcile(ctx, smsnumbers.ReconcileParams{})
		require.NoError(t, err)
		require.Equal(t, map[reconcile.Kind]int{reconcile.NotDelivered: 1}, kinds(rep), "%+v", rep.Findings)
		require.Equal(t, e.ID, rep.Findings[0].Entry)
		require.Equal(t, "PENDING", rep.Findings[0].Status)
	})

	t.Run("the ledger learns what became of held orders", func(t *testing.T) {
		b := newBooks(t, nil)
		l := b.smsLedger()
		done, err := b.env.SMS.BuyOutside(simkittest.SMSOutsideBuy{Product: "vkontakte"})
		require.NoError(t, err)
		gone, err := b.env.SMS.BuyOutside(simkittest.SMSOutsideBuy{Product: "vkontakte"})
		require.NoError(t, err)
		eDone, eGone := held(t, l, done, decimal.NullDecimal{}), held(t, l, gone, decimal.NullDecimal{})
		require.NoError(t, b.env.SMS.DeliverSMS(done, "code 1", "1"))
		_, err = b.env.Client.SMS.Finish(ctx, done)
		require.NoError(t, err)
		_, err = b.env.Client.SMS.Cancel(ctx, gone)
		require.NoError(t, err)
		b.clock.Advance(10 * time.Minute)
		rep, err := b.env.Client.SMS.Reconcile(ctx, smsnumbers.ReconcileParams{})
		require.NoError(t, err)
		require.True(t, rep.Clean(), "%+v", rep.Findings)
		got, _, err := l.Get(ctx, eDone.ID)
		require.NoError(t, err)
		require.Equal(t, ledger.StateDelivered, got.State)
		got, _, err = l.Get(ctx, eGone.ID)
		require.NoError(t, err)
		require.Equal(t, ledger.StateRefunded, got.State)
	})

	t.Run("amount mismatch: the order's price and the ledger disagree", func(t *testing.T) {
		b := newBooks(t, nil)
		id, err := b.env.SMS.BuyOutside(simkittest.SMSOutsideBuy{Product: "vkontakte"})
		require.NoError(t, err)
		held(t, b.smsLedger(), id, decimal.NewNullDecimal(decimal.RequireFromString("0.01")))
		b.clock.Advance(10 * time.Minute)
		rep, err := b.env.Client.SMS.Reconcile(ctx, smsnumbers.ReconcileParams{})
		require.NoError(t, err)
		require.Equal(t, map[reconcile.Kind]int{reconcile.AmountMismatch: 1}, kinds(rep), "%+v", rep.Findings)
		require.Equal(t, "0.01", rep.Findings[0].Expected.Decimal.String())
	})

	t.Run("an unknown buy is settled from the history, or stays unknown", func(t *testing.T) {
		b := newBooks(t, nil)
		l := b.smsLedger()
		// A buy whose answer was lost: its order is in the history, in its
		// window, claimed by nobody.
		e, err := l.Begin(ctx, ledger.Intent{Call: routeBuy, Subject: "activation/vkontakte", Meta: map[string]string{"country": "russia", "operator": "any"}})
		require.NoError(t, err)
		id, err := b.env.SMS.BuyOutside(simkittest.SMSOutsideBuy{Product: "vkontakte"})
		require.NoError(t, err)
		require.NoError(t, l.Finish(ctx, e, ledger.Outcome{State: ledger.StateUnknown}))
		// A buy, a minute later, that never reached the provider.
		b.clock.Advance(time.Minute)
		none, err := l.Begin(ctx, ledger.Intent{Call: routeBuy, Subject: "activation/vkontakte", Meta: map[string]string{"country": "russia", "operator": "any"}})
		require.NoError(t, err)
		require.NoError(t, l.Finish(ctx, none, ledger.Outcome{State: ledger.StateUnknown}))
		b.clock.Advance(10 * time.Minute)

		rep, err := b.env.Client.SMS.Reconcile(ctx, smsnumbers.ReconcileParams{NoSettle: true})
		require.NoError(t, err)
		require.Equal(t, map[reconcile.Kind]int{reconcile.OutcomeUnknown: 2}, kinds(rep), "%+v", rep.Findings)

		rep, err = b.env.Client.SMS.Reconcile(ctx, smsnumbers.ReconcileParams{})
		require.NoError(t, err)
		require.True(t, rep.Clean(), "%+v", rep.Findings)
		require.Equal(t, 2, rep.Settled)
		got, _, err := l.Get(ctx, e.ID)
		require.NoError(t, err)
		require.Equal(t, ledger.StateRecovered, got.State)
		require.Equal(t, []string{strconv.FormatInt(id, 10)}, got.ProviderIDs)
		holder, ok, err := l.Claimant(ctx, "order", strconv.FormatInt(id, 10))
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, e.ID, holder, "settled and claimed: no other call can take it")
		got, _, err = l.Get(ctx, none.ID)
		require.NoError(t, err)
		require.Equal(t, ledger.StateFailed, got.State)
	})

	t.Run("two open buys and two orders: each paid for one", func(t *testing.T) {
		b := newBooks(t, nil)
		l := b.smsLedger()
		e1, err := l.Begin(ctx, ledger.Intent{Call: routeBuy})
		require.NoError(t, err)
		e2, err := l.Begin(ctx, ledger.Intent{Call: routeBuy})
		require.NoError(t, err)
		o1, err := b.env.SMS.BuyOutside(simkittest.SMSOutsideBuy{Product: "vkontakte"})
		require.NoError(t, err)
		o2, err := b.env.SMS.BuyOutside(simkittest.SMSOutsideBuy{Product: "vkontakte"})
		require.NoError(t, err)
		require.NoError(t, l.Finish(ctx, e1, ledger.Outcome{State: ledger.StateUnknown}))
		require.NoError(t, l.Finish(ctx, e2, ledger.Outcome{State: ledger.StateUnknown}))
		b.clock.Advance(10 * time.Minute)
		rep, err := b.env.Client.SMS.Reconcile(ctx, smsnumbers.ReconcileParams{})
		require.NoError(t, err)
		require.True(t, rep.Clean(), "%+v", rep.Findings)
		require.Equal(t, 2, rep.Settled)
		var got []string
		for _, e := range []*ledger.Entry{e1, e2} {
			back, _, err := l.Get(ctx, e.ID)
			require.NoError(t, err)
			require.Equal(t, ledger.StateRecovered, back.State)
			got = append(got, back.ProviderIDs...)
		}
		require.ElementsMatch(t, []string{strconv.FormatInt(o1, 10), strconv.FormatInt(o2, 10)}, got)
		back, _, err := l.Get(ctx, e1.ID)
		require.NoError(t, err)
		require.Contains(t, back.Meta["proof"], "group", "the entry says its order is one of the group's, not proven its own")
	})

	t.Run("two open buys and one order: neither is guessed", func(t *testing.T) {
		b := newBooks(t, nil)
		l := b.smsLedger()
		e1, err := l.Begin(ctx, ledger.Intent{Call: routeBuy})
		require.NoError(t, err)
		e2, err := l.Begin(ctx, ledger.Intent{Call: routeBuy})
		require.NoError(t, err)
		_, err = b.env.SMS.BuyOutside(simkittest.SMSOutsideBuy{Product: "vkontakte"})
		require.NoError(t, err)
		require.NoError(t, l.Finish(ctx, e1, ledger.Outcome{State: ledger.StateUnknown}))
		require.NoError(t, l.Finish(ctx, e2, ledger.Outcome{State: ledger.StateUnknown}))
		b.clock.Advance(10 * time.Minute)
		rep, err := b.env.Client.SMS.Reconcile(ctx, smsnumbers.ReconcileParams{})
		require.NoError(t, err)
		require.Equal(t, map[reconcile.Kind]int{reconcile.OutcomeUnknown: 2}, kinds(rep), "%+v", rep.Findings)
		require.Zero(t, rep.Settled)

	})
}

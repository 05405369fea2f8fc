package simkit_test

import (
	"context"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit"
	"github.com/simkit/simkit/ledger"
	"github.com/simkit/simkit/partner"
	"github.com/simkit/simkit/reconcile"
	"github.com/simkit/simkit/simkittest"
	"github.com/simkit/simkit/store"
)

// books is a fleet's client on the fakes, its Store, and the fakes'
// clock, for reconciliation tests.
type books struct {
	env   *simkittest.Env
	st    store.Store
	clock *simkittest.Clock
}

func newBooks(t *testing.T, cfg func(*simkittest.Config)) *books {
	t.Helper()
	b := &books{clock: simkittest.NewClock(nil)}
	b.st = store.NewMemory(func(o *store.MemoryOptions) { o.Now = b.clock.Now })
	b.env = simkittest.New(t, func(c *simkittest.Config) {
		c.Now = b.clock.Now
		if cfg != nil {
			cfg(c)
		}
		c.ClientOptions = append(c.ClientOptions, simkit.WithStore(b.st))
	})
	return b
}

// outsider is a partner client of the same account that does not share
// the fleet's Store: its orders are made outside the fleet.
func (b *books) outsidePartner(t *testing.T) *partner.Client {
	t.Helper()
	c, err := partner.New(b.env.PartnerOptions, func(o *partner.Options) { o.Now = b.clock.Now })
	require.NoError(t, err)
	return c
}

func (b *books) partnerLedger() *ledger.Ledger { return b.env.Client.Partner.Ledger() }

// recorded makes sure the ledger has an entry for a call the fleet made
// (the SDK records its own calls; this covers a ledger written by hand)
// and returns it.
func recorded(t *testing.T, l *ledger.Ledger, call, ref string, out ledger.Outcome) ledger.Entry {
	t.Helper()
	ctx := context.Background()
	es, err := l.ByReference(ctx, ref)
	require.NoError(t, err)
	if len(es) > 0 {
		return es[len(es)-1]
	}
	e, err := l.Begin(ctx, ledger.Intent{Call: call, Reference: ref})
	require.NoError(t, err)
	require.NoError(t, l.Finish(ctx, e, out))
	return *e
}

func kinds(rep *reconcile.Report) map[reconcile.Kind]int {
	out := map[reconcile.Kind]int{}
	for k, n := range rep.Counts {
		if n > 0 {
			out[k] = n
		}
	}
	return out
}

func TestReconcilePartner(t *testing.T) {
	ctx := context.Background()

	t.Run("clean after the fleet's own orders", func(t *testing.T) {
		b := newBooks(t, nil)
		o, err := b.env.Client.Partner.CreateOrder(ctx, partner.CreateOrderParams{ExternalID: "IN-1", Item: partner.OrderItemParams{SKUID: simkittest.PartnerSKUVoucher}})
		require.NoError(t, err)
		recorded(t, b.partnerLedger(), "POST /orders", "IN-1", ledger.Outcome{State: ledger.StateDone, ProviderIDs: []string{o.ID}, Amount: decimal.NewNullDecimal(o.TotalAmount)})
		b.clock.Advance(10 * time.Minute)
		rep, err := b.env.Client.Partner.Reconcile(ctx, partner.ReconcileParams{})
		require.NoError(t, err)
		require.Empty(t, kinds(rep), "%+v", rep.Findings)
		require.Equal(t, 1, rep.Entries)
		require.GreaterOrEqual(t, rep.Records, 1)
		es, err := b.partnerLedger().ByReference(ctx, "IN-1")
		require.NoError(t, err)
		require.Equal(t, ledger.StateDelivered, es[0].State, "the completed order is recorded as delivered")
	})

	t.Run("unaccounted charge: an order made outside the fleet", func(t *testing.T) {
		b := newBooks(t, nil)
		o, err := b.outsidePartner(t).CreateOrder(ctx, partner.CreateOrderParams{ExternalID: "OUT-1", Item: partner.OrderItemParams{SKUID: simkittest.PartnerSKUVoucher}})
		require.NoError(t, err)
		b.clock.Advance(10 * time.Minute)
		rep, err := b.env.Client.Partner.Reconcile(ctx, partner.ReconcileParams{})
		require.NoError(t, err)
		require.Equal(t, map[reconcile.Kind]int{reconcile.UnaccountedCharge: 1}, kinds(rep))
		f := rep.Findings[0]
		require.Equal(t, o.ID, f.ProviderID)
		require.Equal(t, "OUT-1", f.Reference)
		require.Equal(t, "10", f.Amount.Decimal.String())
		require.NotEmpty(t, f.Action)
	})

	t.Run("a charge younger than the grace is left alone", func(t *testing.T) {
		b := newBooks(t, nil)
		_, err := b.outsidePartner(t).CreateOrder(ctx, partner.CreateOrderParams{ExternalID: "OUT-2", Item: partner.OrderItemParams{SKUID: simkittest.PartnerSKUVoucher}})
		require.NoError(t, err)
		rep, err := b.env.Client.Partner.Reconcile(ctx, partner.ReconcileParams{})
		require.NoError(t, err)
		require.True(t, rep.Clean())
	})

	t.Run("not delivered: an order stuck in processing", func(t *testing.T) {
		b := newBooks(t, func(c *simkittest.Config) { c.Partner.ManualCompletion = true })
		o, err := b.env.Client.Partner.CreateOrder(ctx, partner.CreateOrderParams{ExternalID: "SLOW-1", Item: partner.OrderItemParams{SKUID: simkittest.PartnerSKUVoucher}})
		require.NoError(t, err)
		recorded(t, b.partnerLedger(), "POST /orders", "SLOW-1", ledger.Outcome{State: ledger.StateDone, ProviderIDs: []string{o.ID}, Amount: decimal.NewNullDecimal(o.TotalAmount)})
		b.clock.Advance(10 * time.Minute)
		rep, err := b.env.Client.Partner.Reconcile(ctx, partner.ReconcileParams{})
		require.NoError(t, err)
		require.True(t, rep.Clean(), "within the delivery deadline: %+v", rep.Findings)

		b.clock.Advance(2 * time.Hour)
		rep, err = b.env.Client.Partner.Reconcile(ctx, partner.ReconcileParams{})
		require.NoError(t, err)
		require.Equal(t, map[reconcile.Kind]int{reconcile.NotDelivered: 1}, kinds(rep))
		require.Equal(t, "processing", rep.Findings[0].Status)
		require.Equal(t, o.ID, rep.Findings[0].ProviderID)

		// Refunded: no longer an anomaly.
		require.NoError(t, b.env.Partner.FailOrder(o.ID, "no stock"))
		rep, err = b.env.Client.Partner.Reconcile(ctx, partner.ReconcileParams{})
		require.NoError(t, err)
		require.True(t, rep.Clean(), "%+v", rep.Findings)
	})

	t.Run("not delivered: an order partially completed", func(t *testing.T) {
		b := newBooks(t, nil)
		o, err := b.env.Partner.PlaceOutsideOrder(simkittest.PartnerOutsideOrder{ExternalID: "HALF-1", Status: simkittest.PartnerStatusPartial})
		require.NoError(t, err)
		recorded(t, b.partnerLedger(), "POST /orders", "HALF-1", ledger.Outcome{State: ledger.StateDone, ProviderIDs: []string{o.ID}})
		b.clock.Advance(10 * time.Minute)
		rep, err := b.env.Client.Partner.Reconcile(ctx, partner.ReconcileParams{})
		require.NoError(t, err)
		require.Equal(t, map[reconcile.Kind]int{reconcile.NotDelivered: 1}, kinds(rep), "%+v", rep.Findings)
		require.Equal(t, "partially_completed", rep.Findings[0].Status)
	})

	t.Run("amount mismatch: the ledger and the order disagree", func(t *testing.T) {
		b := newBooks(t, nil)
		l := b.partnerLedger()
		o, err := b.env.Client.Partner.CreateOrder(ctx, partner.CreateOrderParams{ExternalID: "AMT-1", Item: partner.OrderItemParams{SKUID: simkittest.PartnerSKUVoucher}})
		require.NoError(t, err)
		e := recorded(t, l, "POST /orders", "AMT-1", ledger.Outcome{State: ledger.StateDone, ProviderIDs: []string{o.ID}})
		e.Amount = decimal.NewNullDecimal(decimal.RequireFromString("9.00"))
		require.NoError(t, l.Update(ctx, &e))
		b.clock.Advance(10 * time.Minute)
		rep, err := b.env.Client.Partner.Reconcile(ctx, partner.ReconcileParams{})
		require.NoError(t, err)
		require.Equal(t, map[reconcile.Kind]int{reconcile.AmountMismatch: 1}, kinds(rep))
		f := rep.Findings[0]
		require.Equal(t, "10", f.Amount.Decimal.String())
		require.Equal(t, "9", f.Expected.Decimal.String())
		require.Equal(t, e.ID, f.Entry)
	})

	t.Run("amount mismatch: a balance-history charge and the order's total disagree", func(t *testing.T) {
		b := newBooks(t, nil)
		o, err := b.env.Client.Partner.CreateOrder(ctx, partner.CreateOrderParams{ExternalID: "AMT-2", Item: partner.OrderItemParams{SKUID: simkittest.PartnerSKUVoucher}})
		require.NoError(t, err)
		recorded(t, b.partnerLedger(), "POST /orders", "AMT-2", ledger.Outcome{State: ledger.StateDone, ProviderIDs: []string{o.ID}})
		// The provider's history charged 12.50 for a 10.00 order.
		at := b.clock.Now().UTC().Format(time.RFC3339)
		b.env.Faults.Add(simkittest.Fault{Provider: simkittest.ProviderPartner, Method: "GET", Path: "/balance/history", Kind: simkittest.Status, Status: 200,
			Body: `{"success":true,"data":[{"id":7,"type":"charge","amount":"-12.50","balance_after":"987.50","currency":"USD","created_at":"` + at + `","order_id":"` + o.ID + `"}],"meta":{"next_cursor":null,"prev_cursor":null,"per_page":100}}`})
		b.clock.Advance(10 * time.Minute)
		rep, err := b.env.Client.Partner.Reconcile(ctx, partner.ReconcileParams{})
		require.NoError(t, err)
		require.Equal(t, map[reconcile.Kind]int{reconcile.AmountMismatch: 1}, kinds(rep), "%+v", rep.Findings)
		f := rep.Findings[0]
		require.Equal(t, "12.5", f.Amount.Decimal.String())
		require.Equal(t, "10", f.Expected.Decimal.String())
		require.Equal(t, "GET /balance/history", f.Call)
	})

	t.Run("an unknown outcome is settled from the orders", func(t *testing.T) {
		b := newBooks(t, nil)
		l := b.partnerLedger()
		// One call made its order before its answer was lost, one made none.
		o, err := b.outsidePartner(t).CreateOrder(ctx, partner.CreateOrderParams{ExternalID: "LOST-1", Item: partner.OrderItemParams{SKUID: simkittest.PartnerSKUVoucher}})
		require.NoError(t, err)
		lost := recorded(t, l, "POST /orders", "LOST-1", ledger.Outcome{State: ledger.StateUnknown})
		none := recorded(t, l, "POST /orders", "NONE-1", ledger.Outcome{State: ledger.StateUnknown})
		b.clock.Advance(10 * time.Minute)

		rep, err := b.env.Client.Partner.Reconcile(ctx, partner.ReconcileParams{NoSettle: true})
		require.NoError(t, err)
		require.Equal(t, map[reconcile.Kind]int{reconcile.OutcomeUnknown: 2}, kinds(rep), "NoSettle reports and writes nothing")

		rep, err = b.env.Client.Partner.Reconcile(ctx, partner.ReconcileParams{})
		require.NoError(t, err)
		require.True(t, rep.Clean(), "%+v", rep.Findings)
		require.Equal(t, 2, rep.Settled)
		got, _, err := l.Get(ctx, lost.ID)
		require.NoError(t, err)
		require.Equal(t, ledger.StateDelivered, got.State, "recovered, and the order completed")
		require.Equal(t, []string{o.ID}, got.ProviderIDs)
		require.Equal(t, "reconcile", got.Meta["settled_by"])
		got, _, err = l.Get(ctx, none.ID)
		require.NoError(t, err)
		require.Equal(t, ledger.StateFailed, got.State)
	})

	t.Run("outcome unknown: the look-up cannot answer", func(t *testing.T) {
		b := newBooks(t, nil)
		recorded(t, b.partnerLedger(), "POST /orders", "DARK-1", ledger.Outcome{State: ledger.StateUnknown})
		b.clock.Advance(10 * time.Minute)
		b.env.Faults.Add(simkittest.Fault{Provider: simkittest.ProviderPartner, Method: "GET", Path: "/orders", Kind: simkittest.Status, Status: 503})
		rep, err := b.env.Client.Partner.Reconcile(ctx, partner.ReconcileParams{})
		require.NoError(t, err)
		require.Equal(t, map[reconcile.Kind]int{reconcile.OutcomeUnknown: 1}, kinds(rep))
		f := rep.Findings[0]
		require.Equal(t, "DARK-1", f.Reference)
		require.GreaterOrEqual(t, f.Age, 10*time.Minute)
	})

	t.Run("two runs at once: the second is refused", func(t *testing.T) {
		b := newBooks(t, nil)
		release, err := reconcile.Lock(ctx, b.st, partner.Provider, time.Minute)
		require.NoError(t, err)
		_, err = b.env.Client.Partner.Reconcile(ctx, partner.ReconcileParams{})
		require.ErrorIs(t, err, reconcile.ErrBusy)
		release()
		_, err = b.env.Client.Partner.Reconcile(ctx, partner.ReconcileParams{})
		require.NoError(t, err)
	})
}

package simkit_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit"
	"github.com/simkit/simkit/esimstory"
	"github.com/simkit/simkit/ledger"
	"github.com/simkit/simkit/reconcile"
	"github.com/simkit/simkit/simkittest"
)

func (b *books) esimLedger() *ledger.Ledger { return b.env.Client.ESIMStory.Ledger() }

// newESIMBooks is newBooks with a Tracker on the fleet's Store that the
// fake's deliveries reach.
func newESIMBooks(t *testing.T) (*books, *esimstory.Tracker) {
	t.Helper()
	b := newBooks(t, nil)
	tr := esimstory.NewTracker(b.st)
	c, err := esimstory.New(b.env.ESIMStoryOptions, func(o *esimstory.Options) { o.Store, o.Now, o.Tracker = b.st, b.clock.Now, tr })
	require.NoError(t, err)
	b.env.Client.ESIMStory = c
	b.env.ESIMStory.SetWebhookHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var d esimstory.Delivery
		if json.NewDecoder(r.Body).Decode(&d) != nil || tr.Record(r.Context(), &d) != nil {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	return b, tr
}

func TestReconcileESIMStory(t *testing.T) {
	ctx := context.Background()
	buy := func(b *books, ext string, qty int) *esimstory.Order {
		o, err := b.env.Client.ESIMStory.CreateOrder(ctx, esimstory.CreateOrderParams{ExternalOrderID: ext,
			Products: []esimstory.OrderProductParams{{OptionID: simkittest.ESIMStoryOptionA, Qty: qty}}})
		require.NoError(t, err)
		recorded(t, b.esimLedger(), "POST /v1/api_partner/orders", ext, ledger.Outcome{State: ledger.StateDone, ProviderIDs: []string{o.Units[0].TopupID}})
		return o
	}

	t.Run("not delivered: a unit past the deadline", func(t *testing.T) {
		b, _ := newESIMBooks(t)
		o := buy(b, "ES-1", 2)
		require.NoError(t, b.env.ESIMStory.Deliver(o.Units[0].TopupID))
		b.env.ESIMStory.Flush()
		b.clock.Advance(10 * time.Minute)
		rep, err := b.env.Client.ESIMStory.Reconcile(ctx, esimstory.ReconcileParams{})
		require.NoError(t, err)
		require.Empty(t, kinds(rep), "within the deadline: %+v", rep.Findings)

		b.clock.Advance(2 * time.Hour)
		rep, err = b.env.Client.ESIMStory.Reconcile(ctx, esimstory.ReconcileParams{})
		require.NoError(t, err)
		require.Equal(t, map[reconcile.Kind]int{reconcile.NotDelivered: 1}, kinds(rep))
		require.Equal(t, "ES-1", rep.Findings[0].Reference)
		require.Contains(t, rep.Findings[0].Detail, "1 of 2")

		require.NoError(t, b.env.ESIMStory.Deliver(o.Units[1].TopupID))
		b.env.ESIMStory.Flush()
		rep, err = b.env.Client.ESIMStory.Reconcile(ctx, esimstory.ReconcileParams{})
		require.NoError(t, err)
		require.True(t, rep.Clean(), "%+v", rep.Findings)
		require.NotEmpty(t, rep.Notes, "says that outside orders cannot be seen")
		es, err := b.esimLedger().ByReference(ctx, "ES-1")
		require.NoError(t, err)
		require.Equal(t, ledger.StateDelivered, es[0].State, "the tracker wrote the last delivery into the ledger")
	})

	t.Run("a lost order is settled by the re-call that got it", func(t *testing.T) {
		b, _ := newESIMBooks(t)
		params := esimstory.CreateOrderParams{ExternalOrderID: "ES-AGAIN",
			Products: []esimstory.OrderProductParams{{OptionID: simkittest.ESIMStoryOptionA, Qty: 1}}}
		b.env.Faults.Add(simkittest.Fault{Provider: simkittest.ProviderESIMStory, Method: "POST", Kind: simkittest.DropAfterHandling})
		_, err := b.env.Client.ESIMStory.CreateOrder(ctx, params)
		require.True(t, simkit.MayHaveActed(err), "an answer lost after the provider acted: %v", err)
		b.env.Faults.Clear()
		b.clock.Advance(10 * time.Minute)
		rep, err := b.env.Client.ESIMStory.Reconcile(ctx, esimstory.ReconcileParams{})
		require.NoError(t, err)
		require.Equal(t, map[reconcile.Kind]int{reconcile.OutcomeUnknown: 1}, kinds(rep), "%+v", rep.Findings)

		o, err := b.env.Client.ESIMStory.CreateOrder(ctx, params)
		require.NoError(t, err, "calling again with the same id is safe")
		require.Equal(t, "ES-AGAIN", o.ExternalOrderID)
		rep, err = b.env.Client.ESIMStory.Reconcile(ctx, esimstory.ReconcileParams{})
		require.NoError(t, err)
		require.True(t, rep.Clean(), "%+v", rep.Findings)
		require.Equal(t, 1, rep.Settled)
		es, err := b.esimLedger().ByReference(ctx, "ES-AGAIN")
		require.NoError(t, err)
		require.Len(t, es, 2)
		require.Equal(t, ledger.StateRecovered, es[0].State)
	})

	t.Run("outcome unknown until a delivery proves the order", func(t *testing.T) {
		b, _ := newESIMBooks(t)
		l := b.esimLedger()
		e := recorded(t, l, "POST /v1/api_partner/orders", "ES-LOST", ledger.Outcome{State: ledger.StateUnknown})
		b.clock.Advance(10 * time.Minute)
		rep, err := b.env.Client.ESIMStory.Reconcile(ctx, esimstory.ReconcileParams{})
		require.NoError(t, err)
		require.Equal(t, map[reconcile.Kind]int{reconcile.OutcomeUnknown: 1}, kinds(rep))
		require.Equal(t, e.ID, rep.Findings[0].Entry)
	})
}

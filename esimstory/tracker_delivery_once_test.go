package esimstory_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/esimstory"
	"github.com/simkit/simkit/ledger"
	"github.com/simkit/simkit/store"
)

// setFails is a Store whose Set fails on keys containing a text, while
// reads and SetNX keep working: a write lost half-way through recording a
// delivery.
type setFails struct {
	store.Store
	mu   sync.Mutex
	text string
}

func (s *setFails) fail(text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.text = text
}

func (s *setFails) Set(ctx context.Context, k string, v []byte, ttl time.Duration) error {
	s.mu.Lock()
	text := s.text
	s.mu.Unlock()
	if text != "" && strings.Contains(k, text) {
		return errStoreDown
	}
	return s.Store.Set(ctx, k, v, ttl)
}

// TestTrackerHalfRecordedDeliveryCountsOnceOnRetry: a delivery of an order
// counted by unit whose unit claim was written but whose topup link was
// not fails (the webhook answers 5xx and eSIM Story retries). The retry is
// still accepted, even when it is the order's last free unit it claimed,
// and counts once.
func TestTrackerHalfRecordedDeliveryCountsOnceOnRetry(t *testing.T) {
	ctx := context.Background()
	st := &setFails{Store: store.NewMemory()}
	shared := []*esimstory.Tracker{esimstory.NewTracker(st), esimstory.NewTracker(st)}
	require.NoError(t, shared[0].Track(ctx, &esimstory.Order{ExternalOrderID: "R", Units: make([]esimstory.OrderedUnit, 2), Recovered: true}))
	ok, err := deliver(ctx, shared[0], "T-A", "R")
	require.NoError(t, err)
	require.True(t, ok)

	st.fail(":topup:")
	ok, err = deliver(ctx, shared[0], "T-B", "R")
	require.True(t, ok)
	require.ErrorIs(t, err, errStoreDown, "the handler must answer 5xx so the delivery is retried")
	var e *apierror.Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, "tracker record", e.Op)
	st.fail("")

	for i, tr := range shared { // the retry may reach any replica, more than once
		ok, err = deliver(ctx, tr, "T-B", "R")
		require.NoError(t, err, "retry on replica %d", i)
		require.True(t, ok, "retry on replica %d is accepted", i)
	}
	ok, err = deliver(ctx, shared[1], "T-C", "R")
	require.NoError(t, err)
	require.False(t, ok, "a third unit of a two-unit order")
	delivered, expected, err := shared[1].Progress(ctx, "R")
	require.NoError(t, err)
	require.Equal(t, [2]int{2, 2}, [2]int{delivered, expected})
	ds, err := shared[0].Wait(ctx, "R")
	require.NoError(t, err)
	require.Equal(t, "T-A", ds[0].TopupID)
	require.Equal(t, "T-B", ds[1].TopupID)
}

// TestTrackerKnownMatchesTheOrder: a delivery is known when its topup_id is
// expected by the order it names (or it names none), or when it names an
// order counted by unit that has a free unit; never without a topup_id.
func TestTrackerKnownMatchesTheOrder(t *testing.T) {
	ctx := context.Background()
	tr := esimstory.NewTracker(nil)
	require.NoError(t, tr.Track(ctx, &esimstory.Order{ExternalOrderID: "A", Units: []esimstory.OrderedUnit{{TopupID: "T1"}}}))
	require.NoError(t, tr.Track(ctx, &esimstory.Order{ExternalOrderID: "R", Units: make([]esimstory.OrderedUnit, 1), Recovered: true}))
	tests := []struct {
		name string
		d    *esimstory.Delivery
		want bool
	}{
		{"listed, naming its order", delivery("T1", "A"), true},
		{"listed, naming no order", &esimstory.Delivery{TopupID: "T1"}, true},
		{"listed, naming another order", delivery("T1", "R"), false},
		{"unlisted, naming an order of listed units", delivery("T2", "A"), false},
		{"unlisted, naming an order counted by unit", delivery("T2", "R"), true},
		{"unlisted, naming no order", &esimstory.Delivery{TopupID: "T2"}, false},
		{"no topup id, naming an order counted by unit", &esimstory.Delivery{ExternalOrderID: "R"}, false},
		{"no topup id, naming an order of listed units", &esimstory.Delivery{ExternalOrderID: "A"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			known, err := tr.Known(ctx, tt.d)
			require.NoError(t, err)
			require.Equal(t, tt.want, known)
		})
	}
}

// TestTrackerZeroValueIsNotConfigured: a Tracker not made by NewTracker has
// no store: every call says so instead of panicking.
func TestTrackerZeroValueIsNotConfigured(t *testing.T) {
	ctx := context.Background()
	tr := new(esimstory.Tracker)
	require.ErrorIs(t, tr.Track(ctx, &esimstory.Order{ExternalOrderID: "O", Units: []esimstory.OrderedUnit{{TopupID: "T"}}}), apierror.ErrNotConfigured)
	require.ErrorIs(t, tr.Record(ctx, delivery("T", "O")), apierror.ErrNotConfigured)
	_, err := tr.Known(ctx, delivery("T", "O"))
	require.ErrorIs(t, err, apierror.ErrNotConfigured)
	_, _, err = tr.Progress(ctx, "O")
	require.ErrorIs(t, err, apierror.ErrNotConfigured)
	_, err = tr.Wait(ctx, "O")
	require.ErrorIs(t, err, apierror.ErrNotConfigured)
	require.ErrorIs(t, esimstory.NewTracker(nil).Track(ctx, &esimstory.Order{Units: []esimstory.OrderedUnit{{TopupID: "T"}}}), apierror.ErrValidation, "an order needs its id")
}

// TestTrackerWaitWakesWhenTheOrderIsTracked: a delivery that named no order
// arrived while the order call was in flight; Wait, started then, returns
// as soon as the answer lists that topup_id, without waiting for a poll.
func TestTrackerWaitWakesWhenTheOrderIsTracked(t *testing.T) {
	tp := &tape{}
	tr := esimstory.NewTracker(nil, func(o *esimstory.TrackerOptions) { o.Poll, o.Observer = time.Hour, tp })
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	p := esimstory.CreateOrderParams{ExternalOrderID: "ORD-W", Products: []esimstory.OrderProductParams{{OptionID: optionA, Qty: 1}}}
	type result struct {
		ds  []esimstory.Delivery
		err error
	}
	done := make(chan result, 1)
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPost, ordersURL, func(req *http.Request) (*http.Response, error) {
		if err := tr.Record(ctx, &esimstory.Delivery{TopupID: "T-W1"}); err != nil {
			return nil, err
		}
		go func() {
			ds, err := tr.Wait(ctx, "ORD-W")
			done <- result{ds, err}
		}()
		for { // until Wait has read the order once and sleeps
			_, waits := tp.take()
			if len(waits) > 0 {
				break
			}
			time.Sleep(time.Millisecond)
		}
		return jsonResponder(200, []byte(`{"products":[{"topup_id":"T-W1","option_id":"`+optionA+`"}]}`), nil)(req)
	})
	c := testClient(t, mt, newClock(), func(o *esimstory.Options) { o.Tracker = tr })
	_, err := c.CreateOrder(ctx, p)
	require.NoError(t, err)
	r := <-done
	require.NoError(t, r.err, "Wait ended by its context: tracking the order did not wake it")
	require.Len(t, r.ds, 1)
	require.Equal(t, "T-W1", r.ds[0].TopupID)
}

// TestTrackerUnreadablePendingRecordKeepsTheOrderOpen: a pending record
// this version cannot read (written by another version in a rolling
// upgrade) still accepts the order's deliveries while its call is in
// flight, and Wait does not take its unknown size for "nothing expected".
func TestTrackerUnreadablePendingRecordKeepsTheOrderOpen(t *testing.T) {
	tr := esimstory.NewTracker(corruptOn{store.NewMemory(), ":pending:"})
	var known bool
	var knownErr, waitErr error
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPost, ordersURL, func(req *http.Request) (*http.Response, error) {
		known, knownErr = tr.Known(req.Context(), delivery("T-EARLY", "ORDER-123456"))
		wctx, cancel := context.WithTimeout(req.Context(), 30*time.Millisecond)
		defer cancel()
		_, waitErr = tr.Wait(wctx, "ORDER-123456")
		return jsonResponder(200, fixture(t, "order_qty3.json"), nil)(req)
	})
	c := testClient(t, mt, newClock(), func(o *esimstory.Options) { o.Tracker = tr })
	_, err := c.CreateOrder(context.Background(), order3())
	require.NoError(t, err)
	require.NoError(t, knownErr)
	require.True(t, known, "a delivery of the order being created is accepted")
	require.ErrorIs(t, waitErr, context.DeadlineExceeded, "an order of unknown size is not complete")
}

// TestTrackerSettledOrderMakesALaterDuplicateAConflict: once the tracker
// holds an order as settled (here: recovered by a re-call), the open mark
// it had is gone, so a later duplicate on a replica whose ledger cannot
// tell is the id used before (ErrConflict), and the tracked order is left
// as it is.
func TestTrackerSettledOrderMakesALaterDuplicateAConflict(t *testing.T) {
	ctx := context.Background()
	shared := store.NewMemory()
	e500, taken := fixture(t, "error_500.json"), fixture(t, "error_422_taken.json")
	replica := func(answers ...any) *esimstory.Client {
		mt, _ := sequence(t, answers...)
		return testClient(t, mt, newClock(), func(o *esimstory.Options) {
			o.Tracker, o.Store = esimstory.NewTracker(shared), listless{store.NewMemory()}
		})
	}
	_, err := replica(500, e500).CreateOrder(ctx, order3())
	require.True(t, apierror.MayHaveActed(err))
	o, err := replica(422, taken).CreateOrder(ctx, order3())
	require.NoError(t, err, "the open mark makes the duplicate this order")
	require.True(t, o.Recovered)
	ok, err := deliver(ctx, esimstory.NewTracker(shared), "T-1", "ORDER-123456")
	require.NoError(t, err)
	require.True(t, ok)

	_, err = replica(422, taken).CreateOrder(ctx, order3())
	require.ErrorIs(t, err, apierror.ErrConflict)
	delivered, expected, err := esimstory.NewTracker(shared).Progress(ctx, "ORDER-123456")
	require.NoError(t, err)
	require.Equal(t, [2]int{1, 3}, [2]int{delivered, expected}, "the tracked order and its deliveries stay")
}

// TestTrackerMarksTheLedgerDelivered: when the last unit of an order
// arrives, the ledger entry of the call that created (or recovered) it
// says delivered; not before, and a failed call's entry is left alone.
func TestTrackerMarksTheLedgerDelivered(t *testing.T) {
	ctx := context.Background()
	e500, taken, e400 := fixture(t, "error_500.json"), fixture(t, "error_422_taken.json"), fixture(t, "error_400.json")
	for _, tc := range []struct {
		name    string
		answers []any
		ids     []string
		state   ledger.State
	}{
		{"created", []any{400, e400, 200, fixture(t, "order_qty3.json")}, topups3, ledger.StateDone},
		{"recovered", []any{400, e400, 500, e500, 422, taken}, []string{"T-1", "T-2", "T-3"}, ledger.StateRecovered},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr := esimstory.NewTracker(nil)
			clock := newClock()
			mt, _ := sequence(t, tc.answers...)
			c := testClient(t, mt, clock, func(o *esimstory.Options) { o.Tracker = tr })
			_, err := c.CreateOrder(ctx, order3())
			require.ErrorIs(t, err, apierror.ErrValidation)
			clock.Advance(time.Second)
			_, err = c.CreateOrder(ctx, order3())
			require.NoError(t, err)
			states := func() []ledger.State {
				es, err := c.Ledger().ByReference(ctx, "ORDER-123456")
				require.NoError(t, err)
				var out []ledger.State
				for _, e := range es {
					out = append(out, e.State)
				}
				return out
			}
			for i, id := range tc.ids {
				require.Equal(t, []ledger.State{ledger.StateFailed, tc.state}, states(), "after %d deliveries", i)
				ok, err := deliver(ctx, tr, id, "ORDER-123456")
				require.NoError(t, err)
				require.True(t, ok)
			}
			require.Equal(t, []ledger.State{ledger.StateFailed, ledger.StateDelivered}, states())
			es, err := c.Ledger().ByReference(ctx, "ORDER-123456")
			require.NoError(t, err)
			require.Equal(t, "tracker", es[1].Meta["closed_by"])
		})
	}
}

// TestTrackerKnownIsFalseWhenTheStoreFails: a delivery the tracker cannot
// check is never reported known: the error makes the handler answer 5xx
// and eSIM Story retry.
func TestTrackerKnownIsFalseWhenTheStoreFails(t *testing.T) {
	ctx := context.Background()
	fs := &flakyStore{Store: store.NewMemory()}
	tr := esimstory.NewTracker(fs)
	require.NoError(t, tr.Track(ctx, &esimstory.Order{ExternalOrderID: "R", Units: make([]esimstory.OrderedUnit, 2), Recovered: true}))
	require.NoError(t, tr.Track(ctx, &esimstory.Order{ExternalOrderID: "A", Units: []esimstory.OrderedUnit{{TopupID: "T1"}}}))
	for _, tc := range []struct{ fail, topup, ext string }{
		{":topup:", "T1", "A"},
		{":slot:", "T2", "R"},
		{":order:", "T2", "R"},
	} {
		fs.setFail(tc.fail)
		known, err := tr.Known(ctx, delivery(tc.topup, tc.ext))
		require.ErrorIs(t, err, errStoreDown, tc.fail)
		require.False(t, known, tc.fail)
		var e *apierror.Error
		require.ErrorAs(t, err, &e)
		require.Equal(t, "tracker known", e.Op)
	}
	fs.setFail("")
	known, err := (*esimstory.Tracker)(nil).Known(ctx, delivery("T1", "A"))
	require.ErrorIs(t, err, apierror.ErrNotConfigured)
	require.False(t, known)
}

// TestTrackerRecordWakesAWaitingWait: a Wait already waiting (here with an
// hour's poll) returns as soon as this process records the last unit, and
// a nil delivery is refused, not a panic.
func TestTrackerRecordWakesAWaitingWait(t *testing.T) {
	tp := &tape{}
	tr := esimstory.NewTracker(nil, func(o *esimstory.TrackerOptions) { o.Poll, o.Observer = time.Hour, tp })
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	require.NoError(t, tr.Track(ctx, &esimstory.Order{ExternalOrderID: "O", Units: []esimstory.OrderedUnit{{TopupID: "T1"}}}))
	_, _ = tp.take()
	type result struct {
		ds  []esimstory.Delivery
		err error
	}
	done := make(chan result, 1)
	go func() {
		ds, err := tr.Wait(ctx, "O")
		done <- result{ds, err}
	}()
	for { // until Wait has read the order once and sleeps
		if _, waits := tp.take(); len(waits) > 0 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	require.ErrorIs(t, tr.Record(ctx, nil), apierror.ErrValidation)
	require.NoError(t, tr.Record(ctx, delivery("T1", "O")))
	r := <-done
	require.NoError(t, r.err, "Wait ended by its context: the Record did not wake it")
	require.Len(t, r.ds, 1)
}

package esimstory_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/esimstory"
	"github.com/simkit/simkit/observe"
	"github.com/simkit/simkit/store"
)

// checks counts the checks a tape saw (progress outside a wait is check 0).
func checks(waits []string) int {
	n := 0
	for _, w := range waits {
		if !strings.Contains(w, " check 0 ") && !strings.Contains(w, " done ") {
			n++
		}
	}
	return n
}

// TestTrackerWaitReadsTheStoreEveryPoll: Wait re-reads the store once per
// Poll to see what other replicas recorded: often with a short Poll, once
// a second by default (also for a zero or negative Poll), never in a busy
// loop.
func TestTrackerWaitReadsTheStoreEveryPoll(t *testing.T) {
	tests := []struct {
		name     string
		poll     time.Duration
		min, max int
	}{
		{"default", 0, 1, 2},
		{"negative is the default", -time.Millisecond, 1, 2},
		{"short", time.Millisecond, 4, 1 << 30},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tp := &tape{}
			tr := esimstory.NewTracker(nil, func(o *esimstory.TrackerOptions) { o.Poll, o.Observer = tt.poll, tp })
			require.NoError(t, tr.Track(context.Background(), &esimstory.Order{ExternalOrderID: "O", Units: []esimstory.OrderedUnit{{TopupID: "T1"}}}))
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			defer cancel()
			_, err := tr.Wait(ctx, "O")
			require.ErrorIs(t, err, context.DeadlineExceeded)
			_, waits := tp.take()
			n := checks(waits)
			require.GreaterOrEqual(t, n, tt.min, "%v", waits)
			require.LessOrEqual(t, n, tt.max, "%v", waits)
			require.Equal(t, "esim_delivery check "+strconv.Itoa(n)+" 0/0 done "+observe.OutcomeDeadline, waits[len(waits)-1])
		})
	}
}

// TestTrackerWaitReportsHowItEnded: the Observer sees each check of a Wait
// and one last event saying how it ended: received, the caller's context,
// or the store failing.
func TestTrackerWaitReportsHowItEnded(t *testing.T) {
	ctx := context.Background()
	tp := &tape{}
	fs := &flakyStore{Store: store.NewMemory()}
	tr := esimstory.NewTracker(fs, func(o *esimstory.TrackerOptions) { o.Poll, o.Observer = time.Hour, tp })
	require.NoError(t, tr.Track(ctx, &esimstory.Order{ExternalOrderID: "O", Units: []esimstory.OrderedUnit{{TopupID: "T1"}, {TopupID: "T2"}}}))
	require.NoError(t, tr.Record(ctx, delivery("T1", "O")))
	_, _ = tp.take()

	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err := tr.Wait(cctx, "O")
	require.ErrorIs(t, err, context.Canceled)
	var e *apierror.Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, "tracker wait", e.Op)
	_, waits := tp.take()
	require.Equal(t, []string{"esim_delivery check 1 1/2", "esim_delivery check 1 0/0 done canceled"}, waits)

	fs.setFail(":delivery:")
	_, err = tr.Wait(ctx, "O")
	require.ErrorIs(t, err, errStoreDown)
	_, waits = tp.take()
	require.Len(t, waits, 1)
	require.True(t, strings.HasPrefix(waits[0], "esim_delivery check 0 0/0 done "), waits[0])
	fs.setFail("")

	require.NoError(t, tr.Record(ctx, delivery("T2", "O")))
	ds, err := tr.Wait(ctx, "O")
	require.NoError(t, err)
	require.Len(t, ds, 2)
	_, waits = tp.take()
	require.Equal(t, []string{"esim_delivery check 0 2/2", "esim_delivery check 1 2/2", "esim_delivery check 1 0/0 done received"}, waits)
}

// TestTrackerKeepsItsOwnObserver: a tracker built with an Observer reports
// there whatever client it is handed to; one built without reports to the
// first client's, not to a later one's. A client without a tracker takes
// an Observer as well.
func TestTrackerKeepsItsOwnObserver(t *testing.T) {
	ctx := context.Background()
	own, first, second := &tape{}, &tape{}, &tape{}
	withOwn := esimstory.NewTracker(nil, func(o *esimstory.TrackerOptions) { o.Observer = own })
	without := esimstory.NewTracker(nil)
	for _, tc := range []struct {
		tr  *esimstory.Tracker
		obs *tape
	}{{withOwn, first}, {without, first}, {without, second}} {
		mt, _ := sequence(t, 200, fixture(t, "order_qty3.json"))
		c := testClient(t, mt, newClock(), func(o *esimstory.Options) { o.Tracker, o.Observer = tc.tr, tc.obs })
		_, err := c.CreateOrder(ctx, order3())
		require.NoError(t, err)
	}
	_, waits := own.take()
	require.Equal(t, []string{"esim_delivery check 0 0/3"}, waits, "the tracker's own observer")
	_, waits = first.take()
	require.Equal(t, []string{"esim_delivery check 0 0/3", "esim_delivery check 0 0/3"}, waits, "the first client's, for the tracker without one")
	_, waits = second.take()
	require.Empty(t, waits, "a later client's observer is not the tracker's")

	untracked := &tape{}
	mt, _ := sequence(t, 200, fixture(t, "order_qty3.json"))
	c := testClient(t, mt, newClock(), func(o *esimstory.Options) { o.Observer = untracked })
	o, err := c.CreateOrder(ctx, order3())
	require.NoError(t, err)
	require.Equal(t, topups3, o.TopupIDs())
}

// TestTrackerOnProgressWithoutObserver: OnProgress alone gets every
// recorded delivery of an order, and nothing for a delivery that names no
// order; an Observer alone gets the same progress.
func TestTrackerOnProgressWithoutObserver(t *testing.T) {
	ctx := context.Background()
	var got []esimstory.OrderProgress
	tr := esimstory.NewTracker(nil, func(o *esimstory.TrackerOptions) {
		o.OnProgress = func(_ context.Context, p esimstory.OrderProgress) { got = append(got, p) }
	})
	require.NoError(t, tr.Track(ctx, &esimstory.Order{ExternalOrderID: "O", Units: []esimstory.OrderedUnit{{TopupID: "T1"}, {TopupID: "T2"}}}))
	require.NoError(t, tr.Record(ctx, &esimstory.Delivery{TopupID: "T1"}))
	require.NoError(t, tr.Record(ctx, delivery("T2", "O")))
	require.Equal(t, []esimstory.OrderProgress{
		{ExternalOrderID: "O", Expected: 2},
		{ExternalOrderID: "O", TopupID: "T2", Delivered: 2, Expected: 2},
	}, got)

	tp := &tape{}
	obsOnly := esimstory.NewTracker(nil, func(o *esimstory.TrackerOptions) { o.Observer = tp })
	require.NoError(t, obsOnly.Track(ctx, &esimstory.Order{ExternalOrderID: "R", Units: make([]esimstory.OrderedUnit, 2), Recovered: true}))
	require.NoError(t, obsOnly.Record(ctx, delivery("T9", "R")))
	_, waits := tp.take()
	require.Equal(t, []string{"esim_delivery check 0 0/2", "esim_delivery check 0 1/2"}, waits)
}

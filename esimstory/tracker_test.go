package esimstory_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/esimstory"
	"github.com/simkit/simkit/internal/transport"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/store"
)

var topups3 = []string{"20250129123456123456789012", "20250129123456123456789013", "20250129123456123456789014"}

// flakyStore fails every operation on a key containing failOn.
type flakyStore struct {
	store.Store
	mu     sync.Mutex
	failOn string
}

var errStoreDown = errors.New("store down")

func (f *flakyStore) setFail(s string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failOn = s
}

func (f *flakyStore) fail(key string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.failOn != "" && strings.Contains(key, f.failOn)
}

func (f *flakyStore) Get(ctx context.Context, key string) ([]byte, bool, error) {
	if f.fail(key) {
		return nil, false, errStoreDown
	}
	return f.Store.Get(ctx, key)
}

func (f *flakyStore) Set(ctx context.Context, key string, v []byte, ttl time.Duration) error {
	if f.fail(key) {
		return errStoreDown
	}
	return f.Store.Set(ctx, key, v, ttl)
}

// corruptOn is a store whose values under keys containing sub cannot be
// read back.
type corruptOn struct {
	store.Store
	sub string
}

func (c corruptOn) Get(ctx context.Context, key string) ([]byte, bool, error) {
	v, ok, err := c.Store.Get(ctx, key)
	if ok && strings.Contains(key, c.sub) {
		return []byte("{"), true, err
	}
	return v, ok, err
}

func order3() esimstory.CreateOrderParams {
	return esimstory.CreateOrderParams{ExternalOrderID: "ORDER-123456", Products: []esimstory.OrderProductParams{{OptionID: optionA, Qty: 3}}}
}

func delivery(topupID, ext string) *esimstory.Delivery {
	return &esimstory.Delivery{TopupID: topupID, ExternalOrderID: ext, OptionID: optionA, ICCID: "89852341234567890123",
		ExpiredDate: "2026-07-28", ExpiresAt: time.Date(2026, 7, 28, 0, 0, 0, 0, time.UTC)}
}

// deliver plays what a webhook handler with RejectUnknown does with the
// tracker: refuse an unknown delivery, record a known one. It reports
// whether the delivery was accepted.
func deliver(ctx context.Context, tr *esimstory.Tracker, topupID, ext string) (bool, error) {
	d := delivery(topupID, ext)
	known, err := tr.Known(ctx, d)
	if err != nil || !known {
		return false, err
	}
	return true, tr.Record(ctx, d)
}

// sequence answers the order route with the given (status, body) answers
// in turn, repeating the last.
func sequence(t *testing.T, answers ...any) (*httpmock.MockTransport, *int) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	calls := 0
	mt.RegisterResponder(http.MethodPost, ordersURL, func(req *http.Request) (*http.Response, error) {
		i := min(calls, len(answers)/2-1)
		calls++
		return jsonResponder(answers[2*i].(int), answers[2*i+1].([]byte), nil)(req)
	})
	return mt, &calls
}

func trackedClient(t *testing.T, tr *esimstory.Tracker, answers ...any) (*esimstory.Client, *int) {
	t.Helper()
	if len(answers) == 0 {
		answers = []any{200, fixture(t, "order_qty3.json")}
	}
	mt, calls := sequence(t, answers...)
	return testClient(t, mt, newClock(), func(o *esimstory.Options) { o.Tracker = tr }), calls
}

func TestTrackerWaitReturnsWhenLastDeliveryArrives(t *testing.T) {
	// A long poll proves the same-process wake-up, not polling, ends Wait.
	tr := esimstory.NewTracker(nil, func(o *esimstory.TrackerOptions) { o.Poll = time.Hour; o.RejectUnknown = true })
	c, _ := trackedClient(t, tr)
	ctx := context.Background()
	order, err := c.CreateOrder(ctx, order3())
	require.NoError(t, err)
	require.Equal(t, topups3, order.TopupIDs())
	require.False(t, order.Recovered)

	type result struct {
		ds  []esimstory.Delivery
		err error
	}
	done := make(chan result, 1)
	go func() {
		ds, err := tr.Wait(ctx, "ORDER-123456")
		done <- result{ds, err}
	}()
	// Deliveries arrive out of order; the result follows the order's units.
	for _, id := range []string{topups3[2], topups3[0]} {
		ok, err := deliver(ctx, tr, id, "ORDER-123456")
		require.NoError(t, err)
		require.True(t, ok)
	}
	delivered, expected, err := tr.Progress(ctx, "ORDER-123456")
	require.NoError(t, err)
	require.Equal(t, [2]int{2, 3}, [2]int{delivered, expected})
	select {
	case r := <-done:
		t.Fatalf("Wait returned before the last delivery: %+v", r)
	default:
	}
	ok, err := deliver(ctx, tr, "99999999999999999999999999", "ORDER-123456")
	require.NoError(t, err)
	require.False(t, ok, "a topup_id the order does not list is refused")
	ok, err = deliver(ctx, tr, topups3[1], "ORDER-123456")
	require.NoError(t, err)
	require.True(t, ok)
	r := <-done
	require.NoError(t, r.err)
	require.Len(t, r.ds, 3)
	for i, d := range r.ds {
		require.Equal(t, topups3[i], d.TopupID)
		require.Equal(t, "89852341234567890123", d.ICCID)
		require.Equal(t, time.Date(2026, 7, 28, 0, 0, 0, 0, time.UTC), d.ExpiresAt)
	}
}

func TestTrackerWaitEndsWithContext(t *testing.T) {
	tr := esimstory.NewTracker(nil, func(o *esimstory.TrackerOptions) { o.Poll = time.Hour })
	c, _ := trackedClient(t, tr)
	_, err := c.CreateOrder(context.Background(), order3())
	require.NoError(t, err)

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := tr.Wait(ctx, "ORDER-123456")
		done <- err
	}()
	cancel()
	err = <-done
	require.ErrorIs(t, err, context.Canceled)
	var e *apierror.Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, "tracker wait", e.Op)

	ctx, cancel = context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	_, err = tr.Wait(ctx, "ORDER-123456")
	require.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestTrackerSharedByReplicas(t *testing.T) {
	shared := store.NewMemory()
	poll := func(o *esimstory.TrackerOptions) { o.Poll = time.Millisecond }
	a := esimstory.NewTracker(shared, poll)
	b := esimstory.NewTracker(shared, poll)
	ctx := context.Background()
	require.NoError(t, a.Track(ctx, &esimstory.Order{ExternalOrderID: "O", Units: []esimstory.OrderedUnit{{TopupID: "T1"}}}))
	known, err := b.Known(ctx, &esimstory.Delivery{TopupID: "T1"})
	require.NoError(t, err)
	require.True(t, known)
	done := make(chan error, 1)
	go func() {
		_, err := a.Wait(ctx, "O")
		done <- err
	}()
	require.NoError(t, b.Record(ctx, &esimstory.Delivery{TopupID: "T1", ExternalOrderID: "O"}))
	require.NoError(t, <-done)
}

func TestTrackerAcceptsDeliveryThatBeatsTheOrderAnswer(t *testing.T) {
	tr := esimstory.NewTracker(nil, func(o *esimstory.TrackerOptions) { o.RejectUnknown = true })
	var accepted bool
	var hookErr error
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPost, ordersURL, func(req *http.Request) (*http.Response, error) {
		// The first unit's webhook arrives while the order call is in flight.
		accepted, hookErr = deliver(req.Context(), tr, topups3[0], "ORDER-123456")
		return jsonResponder(200, fixture(t, "order_qty3.json"), nil)(req)
	})
	c := testClient(t, mt, newClock(), func(o *esimstory.Options) { o.Tracker = tr })
	_, err := c.CreateOrder(context.Background(), order3())
	require.NoError(t, err)
	require.NoError(t, hookErr)
	require.True(t, accepted)
	delivered, expected, err := tr.Progress(context.Background(), "ORDER-123456")
	require.NoError(t, err)
	require.Equal(t, [2]int{1, 3}, [2]int{delivered, expected})
}

// TestTrackerAfterFailures: what the caller gets and the tracker keeps
// after each way an order call can end. A definite refusal forgets the
// order; anything that may have created it keeps it open (the error keeps
// its sentinel but is marked Ambiguous with the reference), accepting
// deliveries with topup_ids it never saw and counting them against the
// request's three units.
func TestTrackerAfterFailures(t *testing.T) {
	taken := fixture(t, "error_422_taken.json")
	e500 := fixture(t, "error_500.json")
	tests := []struct {
		name      string
		answers   []any
		kind      error // nil: success
		recovered bool
		open      bool // deliveries for the id are accepted and counted
		calls     int
	}{
		{"validation refusal", []any{400, fixture(t, "error_400.json")}, apierror.ErrValidation, false, false, 1},
		{"duplicate without an earlier attempt is a reused id", []any{422, taken}, apierror.ErrConflict, false, false, 1},
		{"unknown option", []any{422, fixture(t, "error_422_option.json")}, apierror.ErrNotFound, false, false, 1},
		{"upstream failure may have created it", []any{422, fixture(t, "error_422_upstream.json")}, apierror.ErrUnavailable, false, true, 1},
		{"500 then duplicate is our order", []any{500, e500, 422, taken}, nil, true, true, 2},
		{"500 then 401 leaves it open", []any{500, e500, 401, fixture(t, "error_401.json")}, apierror.ErrUnauthorized, false, true, 2},
		{"500 then 400 leaves it open", []any{500, e500, 400, fixture(t, "error_400.json")}, apierror.ErrValidation, false, true, 2},
		{"500 then unknown option leaves it open", []any{500, e500, 422, fixture(t, "error_422_option.json")}, apierror.ErrNotFound, false, true, 2},
		{"500 on every attempt", []any{500, e500}, apierror.ErrServer, false, true, 3},
		{"unreadable 2xx then duplicate is our order", []any{200, []byte(`{"products":[`), 422, taken}, nil, true, true, 2},
		{"2xx without units then duplicate is our order", []any{200, []byte(`{"products":[]}`), 422, taken}, nil, true, true, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			tr := esimstory.NewTracker(nil, func(o *esimstory.TrackerOptions) { o.RejectUnknown = true })
			c, calls := trackedClient(t, tr, tt.answers...)
			order, err := c.CreateOrder(ctx, order3())
			require.Equal(t, tt.calls, *calls)
			if tt.kind == nil {
				require.NoError(t, err)
				require.Equal(t, tt.recovered, order.Recovered)
				require.Len(t, order.Units, 3)
				require.Empty(t, order.TopupIDs(), "a recovered order's topup_ids are unknown")
				require.Equal(t, optionA, order.Units[2].OptionID)
			} else {
				require.ErrorIs(t, err, tt.kind)
				require.Nil(t, order)
				var e *apierror.Error
				require.ErrorAs(t, err, &e)
				require.Equal(t, "POST /v1/api_partner/orders", e.Op)
				require.NotErrorIs(t, err, apierror.ErrOutcomeUnknown, "a repeat is safe here, so never ErrOutcomeUnknown")
				require.Equal(t, tt.open, e.Ambiguous, "an open outcome is marked, a definite refusal is not")
				if tt.open {
					require.Equal(t, "ORDER-123456", e.Reference)
					require.Equal(t, newClock().Now(), e.Started)
					require.Contains(t, e.Error(), "same external order id is safe")
				} else {
					require.Empty(t, e.Reference)
				}
			}
			ok, err := deliver(ctx, tr, "T-NEW-1", "ORDER-123456")
			require.NoError(t, err)
			require.Equal(t, tt.open, ok)
			delivered, expected, err := tr.Progress(ctx, "ORDER-123456")
			if !tt.open {
				require.ErrorIs(t, err, apierror.ErrNotFound, "nothing was ordered, nothing is tracked")
				return
			}
			require.NoError(t, err)
			require.Equal(t, [2]int{1, 3}, [2]int{delivered, expected})
		})
	}
}

func TestTrackerRecoveredOrderWaitsForEveryUnit(t *testing.T) {
	ctx := context.Background()
	tr := esimstory.NewTracker(nil, func(o *esimstory.TrackerOptions) { o.Poll = time.Hour; o.RejectUnknown = true })
	c, _ := trackedClient(t, tr, 500, fixture(t, "error_500.json"), 422, fixture(t, "error_422_taken.json"))
	order, err := c.CreateOrder(ctx, order3())
	require.NoError(t, err)
	require.True(t, order.Recovered)

	done := make(chan []esimstory.Delivery, 1)
	errc := make(chan error, 1)
	go func() {
		ds, err := tr.Wait(ctx, "ORDER-123456")
		errc <- err
		done <- ds
	}()
	for _, step := range []struct {
		id, ext string
		ok      bool
	}{
		{"T-A", "ORDER-123456", true},
		{"T-A", "ORDER-123456", true}, // the provider repeats itself: same unit
		{"T-B", "ORDER-123456", true},
		{"T-X", "OTHER", false},
		{"T-C", "ORDER-123456", true},
		{"T-D", "ORDER-123456", false}, // a fourth unit of a three-unit order
	} {
		ok, err := deliver(ctx, tr, step.id, step.ext)
		require.NoError(t, err, step.id)
		require.Equal(t, step.ok, ok, step.id)
	}
	require.NoError(t, <-errc)
	ds := <-done
	require.Len(t, ds, 3)
	for i, id := range []string{"T-A", "T-B", "T-C"} {
		require.Equal(t, id, ds[i].TopupID)
	}
}

func TestTrackerRepeatAfterOutcomeUnknown(t *testing.T) {
	e500, taken := fixture(t, "error_500.json"), fixture(t, "error_422_taken.json")
	ctx := context.Background()
	t.Run("with a tracker the repeat recovers the order", func(t *testing.T) {
		tr := esimstory.NewTracker(nil)
		c, calls := trackedClient(t, tr, 500, e500, 500, e500, 500, e500, 422, taken)
		_, err := c.CreateOrder(ctx, order3())
		require.True(t, transport.Ambiguous(err))
		order, err := c.CreateOrder(ctx, order3())
		require.NoError(t, err)
		require.True(t, order.Recovered)
		require.Equal(t, 4, *calls)
		_, expected, err := tr.Progress(ctx, "ORDER-123456")
		require.NoError(t, err)
		require.Equal(t, 3, expected)
	})
	t.Run("with a tracker the repeat may create it", func(t *testing.T) {
		tr := esimstory.NewTracker(nil)
		c, _ := trackedClient(t, tr, 500, e500, 500, e500, 500, e500, 200, fixture(t, "order_qty3.json"))
		_, err := c.CreateOrder(ctx, order3())
		require.True(t, transport.Ambiguous(err))
		order, err := c.CreateOrder(ctx, order3())
		require.NoError(t, err)
		require.False(t, order.Recovered)
		require.Equal(t, topups3, order.TopupIDs())
	})
	t.Run("without a tracker the ledger recovers the order", func(t *testing.T) {
		mt, _ := sequence(t, 500, e500, 500, e500, 500, e500, 422, taken)
		c := testClient(t, mt, newClock())
		_, err := c.CreateOrder(ctx, order3())
		require.True(t, transport.Ambiguous(err))
		order, err := c.CreateOrder(ctx, order3())
		require.NoError(t, err)
		require.True(t, order.Recovered)
		require.Len(t, order.Units, 3)
	})
	t.Run("an id the fleet never sent answers ErrConflict", func(t *testing.T) {
		mt, _ := sequence(t, 422, taken)
		c := testClient(t, mt, newClock())
		_, err := c.CreateOrder(ctx, order3())
		require.ErrorIs(t, err, apierror.ErrConflict)
		require.Contains(t, err.Error(), `"ORDER-123456"`)
		require.False(t, apierror.MayHaveActed(err))
	})
}

func TestTrackerConcurrentDeliveriesFillDistinctUnits(t *testing.T) {
	ctx := context.Background()
	shared := store.NewMemory()
	replicas := []*esimstory.Tracker{esimstory.NewTracker(shared), esimstory.NewTracker(shared), esimstory.NewTracker(shared)}
	units := make([]esimstory.OrderedUnit, 5)
	require.NoError(t, replicas[0].Track(ctx, &esimstory.Order{ExternalOrderID: "R", Units: units, Recovered: true}))
	var wg sync.WaitGroup
	errs := make([]error, 8)
	accepted := make([]bool, 8)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			accepted[i], errs[i] = deliver(ctx, replicas[i%3], fmt.Sprintf("T%d", i), "R")
		}()
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	delivered, expected, err := replicas[1].Progress(ctx, "R")
	require.NoError(t, err)
	require.Equal(t, [2]int{5, 5}, [2]int{delivered, expected})
	ds, err := replicas[2].Wait(ctx, "R")
	require.NoError(t, err)
	seen := map[string]bool{}
	for _, d := range ds {
		seen[d.TopupID] = true
	}
	require.Len(t, seen, 5, "no unit counted twice")
}

func TestTrackerOnProgress(t *testing.T) {
	ctx := context.Background()
	var events []esimstory.OrderProgress
	tr := esimstory.NewTracker(nil, func(o *esimstory.TrackerOptions) {
		o.OnProgress = func(_ context.Context, p esimstory.OrderProgress) { events = append(events, p) }
	})
	c, _ := trackedClient(t, tr)
	_, err := c.CreateOrder(ctx, order3())
	require.NoError(t, err)
	_, err = deliver(ctx, tr, topups3[1], "ORDER-123456")
	require.NoError(t, err)
	require.Equal(t, []esimstory.OrderProgress{
		{ExternalOrderID: "ORDER-123456", Delivered: 0, Expected: 3},
		{ExternalOrderID: "ORDER-123456", TopupID: topups3[1], Delivered: 1, Expected: 3},
	}, events)
}

func TestTrackerStoreFailures(t *testing.T) {
	ctx := context.Background()
	t.Run("CreateOrder returns the order when tracking fails", func(t *testing.T) {
		tr := esimstory.NewTracker(&flakyStore{Store: store.NewMemory(), failOn: ":order:"})
		c, _ := trackedClient(t, tr)
		order, err := c.CreateOrder(ctx, order3())
		require.ErrorIs(t, err, errStoreDown)
		require.NotNil(t, order)
		require.Equal(t, topups3, order.TopupIDs())
	})
	t.Run("CreateOrder refuses when the pending mark fails", func(t *testing.T) {
		tr := esimstory.NewTracker(&flakyStore{Store: store.NewMemory(), failOn: ":pending:"})
		c, calls := trackedClient(t, tr)
		meta := option.Response{Recovered: true, StatusCode: 201} // reused from an earlier call
		order, err := c.CreateOrder(ctx, order3(), option.WithResponse(&meta))
		require.ErrorIs(t, err, errStoreDown)
		require.Nil(t, order)
		require.Zero(t, *calls, "nothing is bought that could not be tracked")
		require.Equal(t, option.Response{}, meta, "and the Response says no call was made")
	})
	for _, key := range []string{":topup:", ":delivery:"} {
		t.Run("a delivery fails and is retried when the tracker fails on "+key, func(t *testing.T) {
			fs := &flakyStore{Store: store.NewMemory()}
			tr := esimstory.NewTracker(fs, func(o *esimstory.TrackerOptions) { o.RejectUnknown = true })
			require.NoError(t, tr.Track(ctx, &esimstory.Order{ExternalOrderID: "ORDER-123456", Units: []esimstory.OrderedUnit{{TopupID: topups3[0]}}}))
			fs.setFail(key)
			_, err := deliver(ctx, tr, topups3[0], "ORDER-123456")
			require.ErrorIs(t, err, errStoreDown)
			fs.setFail("")
			ok, err := deliver(ctx, tr, topups3[0], "ORDER-123456")
			require.NoError(t, err)
			require.True(t, ok, "the retry is handled")
		})
	}
	t.Run("Progress and Wait report store errors", func(t *testing.T) {
		fs := &flakyStore{Store: store.NewMemory()}
		tr := esimstory.NewTracker(fs)
		require.NoError(t, tr.Track(ctx, &esimstory.Order{ExternalOrderID: "O", Units: []esimstory.OrderedUnit{{TopupID: "T1"}}}))
		require.NoError(t, tr.Record(ctx, &esimstory.Delivery{TopupID: "T1"}))
		for _, key := range []string{":order:", ":delivery:"} {
			fs.setFail(key)
			_, _, err := tr.Progress(ctx, "O")
			require.ErrorIs(t, err, errStoreDown)
			_, err = tr.Wait(ctx, "O")
			require.ErrorIs(t, err, errStoreDown)
		}
		fs.setFail("")
		corrupt := esimstory.NewTracker(corruptOn{fs, ":delivery:"})
		_, _, err := corrupt.Progress(ctx, "O")
		require.Error(t, err, "a delivery record that cannot be read is an error, not a missing unit")
		fs.setFail(":pending:")
		_, _, err = tr.Progress(ctx, "unknown")
		require.ErrorIs(t, err, errStoreDown)
		_, err = tr.Known(ctx, &esimstory.Delivery{TopupID: "T9", ExternalOrderID: "X"})
		require.ErrorIs(t, err, errStoreDown)
		fs.setFail(":topup:")
		require.ErrorIs(t, tr.Track(ctx, &esimstory.Order{ExternalOrderID: "O", Units: []esimstory.OrderedUnit{{TopupID: "T1"}}}), errStoreDown)
		fs.setFail(":delivery:")
		err = tr.Record(ctx, &esimstory.Delivery{TopupID: "T1"})
		require.ErrorIs(t, err, errStoreDown)
		var e *apierror.Error
		require.ErrorAs(t, err, &e)
		require.Equal(t, "tracker record", e.Op)
	})
}

func TestTrackerInputChecks(t *testing.T) {
	ctx := context.Background()
	tr := esimstory.NewTracker(nil)
	require.ErrorIs(t, tr.Track(ctx, nil), apierror.ErrValidation)
	require.ErrorIs(t, tr.Track(ctx, &esimstory.Order{ExternalOrderID: "O"}), apierror.ErrValidation)
	require.ErrorIs(t, tr.Track(ctx, &esimstory.Order{ExternalOrderID: "O", Units: []esimstory.OrderedUnit{{}}}), apierror.ErrValidation)
	require.ErrorIs(t, tr.Record(ctx, &esimstory.Delivery{}), apierror.ErrValidation)
	_, _, err := tr.Progress(ctx, "")
	require.ErrorIs(t, err, apierror.ErrValidation)
	_, _, err = tr.Progress(ctx, "never-seen")
	require.ErrorIs(t, err, apierror.ErrNotFound)
	_, err = tr.Wait(ctx, "never-seen")
	require.ErrorIs(t, err, apierror.ErrNotFound)
	known, err := tr.Known(ctx, &esimstory.Delivery{TopupID: "T-unknown"})
	require.NoError(t, err)
	require.False(t, known)
	known, err = tr.Known(ctx, nil)
	require.NoError(t, err)
	require.False(t, known)
	require.Nil(t, (*esimstory.Order)(nil).TopupIDs())
}

func TestNilTrackerIsNotConfigured(t *testing.T) {
	ctx := context.Background()
	var tr *esimstory.Tracker
	require.ErrorIs(t, tr.Track(ctx, &esimstory.Order{}), apierror.ErrNotConfigured)
	require.ErrorIs(t, tr.Record(ctx, &esimstory.Delivery{}), apierror.ErrNotConfigured)
	_, err := tr.Known(ctx, &esimstory.Delivery{})
	require.ErrorIs(t, err, apierror.ErrNotConfigured)
	_, _, err = tr.Progress(ctx, "O")
	require.ErrorIs(t, err, apierror.ErrNotConfigured)
	_, err = tr.Wait(ctx, "O")
	require.ErrorIs(t, err, apierror.ErrNotConfigured)
}

func TestTrackerRecallOfATrackedOrderReturnsIt(t *testing.T) {
	ctx := context.Background()
	tr := esimstory.NewTracker(nil)
	c, _ := trackedClient(t, tr, 200, fixture(t, "order_qty3.json"), 500, fixture(t, "error_500.json"), 422, fixture(t, "error_422_taken.json"))
	_, err := c.CreateOrder(ctx, order3())
	require.NoError(t, err)
	// The same id and units again, with a lost answer on the way: the
	// duplicate is the order already made, returned with its topup_ids
	// from the ledger, and the tracked order is not disturbed.
	again, err := c.CreateOrder(ctx, order3())
	require.NoError(t, err)
	require.True(t, again.Recovered)
	require.Equal(t, topups3, again.TopupIDs())
	delivered, expected, err := tr.Progress(ctx, "ORDER-123456")
	require.NoError(t, err)
	require.Equal(t, [2]int{0, 3}, [2]int{delivered, expected})
	known, err := tr.Known(ctx, delivery(topups3[0], "ORDER-123456"))
	require.NoError(t, err)
	require.True(t, known, "the tracked order's record is intact")
}

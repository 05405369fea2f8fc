package esimstory_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/esimstory"
	"github.com/simkit/simkit/store"
)

var topups3 = []string{"20250129123456123456789012", "20250129123456123456789013", "20250129123456123456789014"}

// flakyStore fails every operation on a key containing failOn.
type flakyStore struct {
	store.Store
	failOn string
}

var errStoreDown = errors.New("store down")

func (f *flakyStore) fail(key string) bool { return f.failOn != "" && strings.Contains(key, f.failOn) }

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

func order3() esimstory.CreateOrderParams {
	return esimstory.CreateOrderParams{ExternalOrderID: "ORDER-123456", Products: []esimstory.ProductQty{{OptionID: optionA, Qty: 3}}}
}

// trackedSetup wires a client and a webhook handler to one tracker.
func trackedSetup(t *testing.T, tr *esimstory.Tracker) (*esimstory.Client, http.Handler) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPost, ordersURL, jsonResponder(200, fixture(t, "order_qty3.json"), nil))
	c := testClient(t, mt, newClock(), func(o *esimstory.Options) { o.Tracker = tr })
	h, err := esimstory.NewWebhookHandler(func(context.Context, *esimstory.Delivery) error { return nil },
		withToken, func(o *esimstory.WebhookOptions) { o.Tracker = tr })
	require.NoError(t, err)
	return c, h
}

func TestTrackerWaitReturnsWhenLastDeliveryArrives(t *testing.T) {
	// A long poll proves the same-process wake-up, not polling, ends Wait.
	tr := esimstory.NewTracker(nil, func(o *esimstory.TrackerOptions) { o.Poll = time.Hour; o.RejectUnknown = true })
	c, h := trackedSetup(t, tr)
	ctx := context.Background()
	order, err := c.CreateOrder(ctx, order3())
	require.NoError(t, err)
	require.Equal(t, topups3, order.TopupIDs())

	type result struct {
		ds  []esimstory.Delivery
		err error
	}
	done := make(chan result, 1)
	go func() {
		ds, err := tr.Wait(ctx, "ORDER-123456")
		done <- result{ds, err}
	}()
	target := "/hook?token=" + hookToken.Reveal()
	// Deliveries arrive out of order; the result follows the order's units.
	for _, id := range []string{topups3[2], topups3[0]} {
		require.Equal(t, 200, post(h, target, deliveryBody(t, id, "ORDER-123456")).Code)
	}
	delivered, expected, err := tr.Progress(ctx, "ORDER-123456")
	require.NoError(t, err)
	require.Equal(t, [2]int{2, 3}, [2]int{delivered, expected})
	select {
	case r := <-done:
		t.Fatalf("Wait returned before the last delivery: %+v", r)
	default:
	}
	require.Equal(t, 200, post(h, target, deliveryBody(t, topups3[1], "ORDER-123456")).Code)
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
	c, _ := trackedSetup(t, tr)
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
	var hookStatus int
	var h http.Handler
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPost, ordersURL, func(req *http.Request) (*http.Response, error) {
		// The first unit's webhook arrives while the order call is in flight.
		hookStatus = post(h, "/hook?token="+hookToken.Reveal(), deliveryBody(t, topups3[0], "ORDER-123456")).Code
		return jsonResponder(200, fixture(t, "order_qty3.json"), nil)(req)
	})
	c := testClient(t, mt, newClock(), func(o *esimstory.Options) { o.Tracker = tr })
	var err error
	h, err = esimstory.NewWebhookHandler(func(context.Context, *esimstory.Delivery) error { return nil },
		withToken, func(o *esimstory.WebhookOptions) { o.Tracker = tr })
	require.NoError(t, err)
	_, err = c.CreateOrder(context.Background(), order3())
	require.NoError(t, err)
	require.Equal(t, 200, hookStatus)
	delivered, expected, err := tr.Progress(context.Background(), "ORDER-123456")
	require.NoError(t, err)
	require.Equal(t, [2]int{1, 3}, [2]int{delivered, expected})
}

func TestTrackerPendingAfterFailures(t *testing.T) {
	tests := []struct {
		name     string
		status   int
		body     []byte
		tracked  bool
		kind     error
		expected int
	}{
		// A definite refusal orders nothing: the id is forgotten.
		{"validation refusal", 400, fixture(t, "error_400.json"), false, apierror.ErrValidation, 0},
		// A conflict means an earlier attempt went through: its deliveries
		// must still be accepted.
		{"conflict", 422, fixture(t, "error_422_taken.json"), true, apierror.ErrConflict, 0},
		{"unknown option", 422, fixture(t, "error_422_option.json"), false, apierror.ErrNotFound, 0},
		// eSIM Story's supplier failed: the order may exist.
		{"upstream failure", 422, fixture(t, "error_422_upstream.json"), true, apierror.ErrUnavailable, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := esimstory.NewTracker(nil)
			mt := httpmock.NewMockTransport()
			mt.RegisterResponder(http.MethodPost, ordersURL, jsonResponder(tt.status, tt.body, nil))
			c := testClient(t, mt, newClock(), func(o *esimstory.Options) { o.Tracker = tr })
			_, err := c.CreateOrder(context.Background(), order3())
			require.ErrorIs(t, err, tt.kind)
			_, expected, err := tr.Progress(context.Background(), "ORDER-123456")
			if !tt.tracked {
				require.ErrorIs(t, err, apierror.ErrNotFound)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.expected, expected)
		})
	}
}

func TestTrackerStoreFailures(t *testing.T) {
	ctx := context.Background()
	t.Run("CreateOrder returns the order when tracking fails", func(t *testing.T) {
		tr := esimstory.NewTracker(&flakyStore{Store: store.NewMemory(), failOn: ":order:"})
		c, _ := trackedSetup(t, tr)
		order, err := c.CreateOrder(ctx, order3())
		require.ErrorIs(t, err, errStoreDown)
		require.NotNil(t, order)
		require.Equal(t, topups3, order.TopupIDs())
	})
	t.Run("CreateOrder refuses when the pending mark fails", func(t *testing.T) {
		tr := esimstory.NewTracker(&flakyStore{Store: store.NewMemory(), failOn: ":pending:"})
		c, _ := trackedSetup(t, tr)
		order, err := c.CreateOrder(ctx, order3())
		require.ErrorIs(t, err, errStoreDown)
		require.Nil(t, order)
	})
	for _, key := range []string{":topup:", ":delivery:"} {
		t.Run("webhook answers 500 when the tracker fails on "+key, func(t *testing.T) {
			fs := &flakyStore{Store: store.NewMemory()}
			tr := esimstory.NewTracker(fs, func(o *esimstory.TrackerOptions) { o.RejectUnknown = true })
			_, h := trackedSetup(t, tr)
			require.NoError(t, tr.Track(ctx, &esimstory.Order{ExternalOrderID: "ORDER-123456", Units: []esimstory.OrderedUnit{{TopupID: topups3[0]}}}))
			fs.failOn = key
			target := "/hook?token=" + hookToken.Reveal()
			require.Equal(t, 500, post(h, target, deliveryBody(t, topups3[0], "ORDER-123456")).Code)
			fs.failOn = ""
			require.Equal(t, 200, post(h, target, deliveryBody(t, topups3[0], "ORDER-123456")).Code, "the retry is handled")
		})
	}
	t.Run("Progress and Wait report store errors", func(t *testing.T) {
		fs := &flakyStore{Store: store.NewMemory()}
		tr := esimstory.NewTracker(fs)
		require.NoError(t, tr.Track(ctx, &esimstory.Order{ExternalOrderID: "O", Units: []esimstory.OrderedUnit{{TopupID: "T1"}}}))
		require.NoError(t, tr.Record(ctx, &esimstory.Delivery{TopupID: "T1"}))
		for _, key := range []string{":order:", ":delivery:"} {
			fs.failOn = key
			_, _, err := tr.Progress(ctx, "O")
			require.ErrorIs(t, err, errStoreDown)
			_, err = tr.Wait(ctx, "O")
			require.ErrorIs(t, err, errStoreDown)
		}
		fs.failOn = ":pending:"
		_, _, err := tr.Progress(ctx, "unknown")
		require.ErrorIs(t, err, errStoreDown)
		_, err = tr.Known(ctx, &esimstory.Delivery{TopupID: "T9", ExternalOrderID: "X"})
		require.ErrorIs(t, err, errStoreDown)
		fs.failOn = ":topup:"
		require.ErrorIs(t, tr.Track(ctx, &esimstory.Order{ExternalOrderID: "O", Units: []esimstory.OrderedUnit{{TopupID: "T1"}}}), errStoreDown)
		fs.failOn = ":delivery:"
		require.ErrorIs(t, tr.Record(ctx, &esimstory.Delivery{TopupID: "T1"}), errStoreDown)
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

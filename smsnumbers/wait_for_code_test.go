package smsnumbers

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/option"
)

func TestWaitForCodeReturnsOnFirstSMS(t *testing.T) {
	h := newHarness(t)
	pending := fixture(t, "order_pending.json")
	h.reply(text(http.StatusOK, pending), text(http.StatusOK, pending), text(http.StatusOK, fixture(t, "order_received.json")))
	o, err := h.c.WaitForCode(context.Background(), 11631253, WaitForCodeParams{PollInterval: time.Millisecond})
	require.NoError(t, err)
	require.Equal(t, "09363", o.Code())
	reqs := h.requests()
	require.Len(t, reqs, 3, "stops polling at the first SMS")
	for _, r := range reqs {
		require.Equal(t, "/v1/user/check/11631253", r.Path)
	}
}

func TestWaitForCodeFinalStatuses(t *testing.T) {
	for _, st := range []Status{StatusTimeout, StatusCanceled, StatusBanned, StatusFinished} {
		t.Run(string(st), func(t *testing.T) {
			h := newHarness(t)
			h.reply(text(http.StatusOK, `{"id":5,"status":"`+string(st)+`","sms":null}`))
			o, err := h.c.WaitForCode(context.Background(), 5, WaitForCodeParams{PollInterval: time.Millisecond})
			require.ErrorIs(t, err, ErrOrderEnded)
			require.ErrorIs(t, err, apierror.ErrConflict)
			require.NotNil(t, o)
			require.Equal(t, st, o.Status)
			require.Len(t, h.requests(), 1)
		})
	}
}

func TestWaitForCodeTimeoutAfterPending(t *testing.T) {
	h := newHarness(t)
	h.reply(text(http.StatusOK, fixture(t, "order_pending.json")), text(http.StatusOK, fixture(t, "order_timeout.json")))
	o, err := h.c.WaitForCode(context.Background(), 11631253, WaitForCodeParams{PollInterval: time.Millisecond})
	require.ErrorIs(t, err, ErrOrderEnded)
	require.Equal(t, StatusTimeout, o.Status)
	require.Len(t, h.requests(), 2)
}

// TestWaitForCodeStopsOnCancel: the wait ends within one poll interval of
// ctx being canceled, without sending another check.
func TestWaitForCodeStopsOnCancel(t *testing.T) {
	const interval = 200 * time.Millisecond
	h := newHarness(t)
	h.reply(text(http.StatusOK, fixture(t, "order_pending.json")))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	var (
		o   *Order
		err error
	)
	go func() {
		o, err = h.c.WaitForCode(ctx, 11631253, WaitForCodeParams{PollInterval: interval})
		close(done)
	}()
	require.Eventually(t, func() bool { return len(h.requests()) >= 1 }, 5*time.Second, time.Millisecond)
	cancel()
	canceled := time.Now()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("WaitForCode did not return after cancel")
	}
	require.Less(t, time.Since(canceled), interval+50*time.Millisecond)
	require.ErrorIs(t, err, context.Canceled)
	require.NotNil(t, o, "the last order seen comes back")
	require.Equal(t, StatusPending, o.Status)
}

func TestWaitForCodeShortIntervalCancel(t *testing.T) {
	const interval = 5 * time.Millisecond
	h := newHarness(t)
	h.reply(text(http.StatusOK, fixture(t, "order_pending.json")))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := h.c.WaitForCode(ctx, 1, WaitForCodeParams{PollInterval: interval})
		done <- err
	}()
	require.Eventually(t, func() bool { return len(h.requests()) >= 3 }, 5*time.Second, time.Millisecond)
	cancel()
	canceled := time.Now()
	err := <-done
	require.Less(t, time.Since(canceled), interval+50*time.Millisecond)
	require.ErrorIs(t, err, context.Canceled)
}

func TestWaitForCodeAlreadyCanceled(t *testing.T) {
	h := newHarness(t)
	h.reply(text(http.StatusOK, fixture(t, "order_pending.json")))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	o, err := h.c.WaitForCode(ctx, 1, WaitForCodeParams{})
	require.Nil(t, o)
	require.ErrorIs(t, err, context.Canceled)
	var e *apierror.Error
	require.ErrorAs(t, err, &e, "a context end is the typed error like any call's")
	require.Equal(t, "GET /v1/user/check/{id}", e.Op)
	require.Equal(t, 0, h.mt.GetTotalCallCount())
}

func TestWaitForCodeCheckError(t *testing.T) {
	h := newHarness(t)
	h.reply(text(http.StatusOK, fixture(t, "order_pending.json")), text(http.StatusBadRequest, "order not found"))
	o, err := h.c.WaitForCode(context.Background(), 1, WaitForCodeParams{PollInterval: time.Millisecond},
		option.WithTimeout(time.Second))
	require.ErrorIs(t, err, apierror.ErrNotFound)
	require.NotNil(t, o, "the last order seen comes back with the error")
	require.Equal(t, StatusPending, o.Status)
}

// TestWaitForCodeCancelDuringCheck: a ctx that ends while a check is in
// flight returns ctx's error, not a transport error.
func TestWaitForCodeCancelDuringCheck(t *testing.T) {
	h := newHarness(t)
	ctx, cancel := context.WithCancel(context.Background())
	h.mt.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
		cancel()
		<-req.Context().Done()
		return nil, req.Context().Err()
	})
	_, err := h.c.WaitForCode(ctx, 1, WaitForCodeParams{PollInterval: time.Millisecond})
	require.ErrorIs(t, err, context.Canceled)
}

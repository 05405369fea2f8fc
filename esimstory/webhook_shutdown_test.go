package esimstory_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/simkit/simkit/esimstory"
	"github.com/simkit/simkit/store"
)

// TestWebhookShutdownStopsTrackerRetry: a tracker record that keeps
// failing after the function succeeded is retried by work the handler owns:
// the observer sees it, and Shutdown stops it when its context ends, so no
// goroutine of the handler outlives the call.
func TestWebhookShutdownStopsTrackerRetry(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	st := &flakyTrackerStore{Memory: store.NewMemory()}
	st.fails.Store(1 << 30) // the store never comes back
	tr := esimstory.NewTracker(st)
	tp := &tape{}
	h, err := esimstory.NewWebhookHandler(func(context.Context, *esimstory.Delivery) error { return nil },
		withToken, func(o *esimstory.WebhookOptions) { o.Tracker, o.Observer = tr, tp })
	require.NoError(t, err)
	require.Equal(t, 200, post(h, "/hook?token="+hookToken.Reveal(), deliveryBody(t, "T1", "ORDER-1")).Code)

	// The retry reports each try: wait until it has tried at least once.
	require.Eventually(t, func() bool {
		tp.mu.Lock()
		defer tp.mu.Unlock()
		for _, w := range tp.waits {
			if strings.HasPrefix(w, "webhook_follow_up check 1") {
				return true
			}
		}
		return false
	}, 10*time.Second, time.Millisecond)

	ctx, cancel := context.WithCancel(context.Background())
	cancel() // no grace: stop the retry now
	require.ErrorIs(t, h.Shutdown(ctx), context.Canceled)
	_, waits := tp.take()
	require.NotEmpty(t, waits)
	require.Contains(t, waits[len(waits)-1], "done", "the retry's end is reported")

	// After Shutdown a failed record starts no new work.
	require.Equal(t, 200, post(h, "/hook?token="+hookToken.Reveal(), deliveryBody(t, "T2", "ORDER-1")).Code)
	require.NoError(t, h.Close())
}

package partner

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/simkit/simkit/observe"
	"github.com/simkit/simkit/signing"
	"github.com/simkit/simkit/store"
)

// downForMarks refuses every done mark: the Store failed right after the
// function ran.
type downForMarks struct{ *store.Memory }

func (s downForMarks) Set(ctx context.Context, k string, v []byte, ttl time.Duration) error {
	if string(v) == "done" {
		return context.DeadlineExceeded
	}
	return s.Memory.Set(ctx, k, v, ttl)
}

// followUps records the handler's follow-up waits.
type followUps struct {
	observe.Base
	mu     sync.Mutex
	checks int
	done   []string
}

func (f *followUps) WaitProgress(_ context.Context, e observe.WaitProgress) {
	if e.Wait != observe.WaitWebhookFollowUp {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if e.Done {
		f.done = append(f.done, e.Outcome)
		return
	}
	f.checks++
}

// TestWebhookShutdownStopsTheDedupeMarkRetry: a done mark the Store keeps
// refusing is retried by work the handler owns, seen by the observer and
// stopped by Shutdown, after which no goroutine of the handler runs.
func TestWebhookShutdownStopsTheDedupeMarkRetry(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	obs := &followUps{}
	rec := &hookRecorder{}
	h, err := NewWebhookHandler(signing.NewSecret(testSecret), rec.fn, func(o *WebhookOptions) {
		o.Now, o.Store, o.Observer = hookClock, downForMarks{store.NewMemory()}, obs
	})
	require.NoError(t, err)
	body := fixture(t, "webhook_order_status_changed.json")
	require.Equal(t, 200, serve(h, signedRequest(t, body, hookClock())).Code, "the function succeeded")
	require.Eventually(t, func() bool {
		obs.mu.Lock()
		defer obs.mu.Unlock()
		return obs.checks >= 1
	}, 10*time.Second, time.Millisecond, "the retry reports its tries")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	require.ErrorIs(t, h.Shutdown(ctx), context.Canceled)
	obs.mu.Lock()
	defer obs.mu.Unlock()
	require.Len(t, obs.done, 1, "the retry's end is reported")
	require.NotEqual(t, observe.WaitReceived, obs.done[0], "stopped, not written")
	require.Equal(t, 1, rec.calls())
}

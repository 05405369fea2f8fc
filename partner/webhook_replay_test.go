package partner

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/signing"
	"github.com/simkit/simkit/store"
)

// TestWebhookDedupeOutlivesReplayWindow: a captured delivery stays
// correctly signed for Tolerance after its X-Timestamp. A done mark that
// ends sooner lets the capture be replayed into the function a second
// time, so such a DedupeTTL is refused at construction.
func TestWebhookDedupeOutlivesReplayWindow(t *testing.T) {
	now := hookClock()
	clock := func() time.Time { return now }
	st := store.NewMemory(func(o *store.MemoryOptions) { o.Now = clock })
	rec := &hookRecorder{}
	short := func(o *WebhookOptions) { o.Now, o.Store, o.DedupeTTL = clock, st, time.Minute }
	h, err := NewWebhookHandler(signing.NewSecret(testSecret), rec.fn, short)
	if err == nil {
		captured := signedRequest(t, eventBody(t, EventOrderStatusChanged, capturedKey), now)
		require.Equal(t, http.StatusOK, serve(h, captured).Code)
		now = now.Add(4 * time.Minute) // still inside the 5-minute window
		replay := signedRequest(t, eventBody(t, EventOrderStatusChanged, capturedKey), hookClock())
		code := serve(h, replay).Code
		require.Equal(t, 1, rec.calls(), "a replay inside the signature window ran the function again (answered %d)", code)
	}
	require.ErrorIs(t, err, apierror.ErrValidation)

	_, err = NewWebhookHandler(signing.NewSecret(testSecret), rec.fn, func(o *WebhookOptions) { o.DedupeTTL = time.Hour })
	require.NoError(t, err, "an hour covers the window and the retries")
}

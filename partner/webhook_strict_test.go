package partner

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/inbox"
	"github.com/simkit/simkit/internal/fakeclock"
	"github.com/simkit/simkit/signing"
	"github.com/simkit/simkit/store"
)

const capturedKey = "550e8400-e29b-41d4-a716-446655440000"

// eventBody is an order.status_changed body with the given signed fields.
func eventBody(t testing.TB, event, key string) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{
		"event": event, "idempotency_key": key, "timestamp": "2026-01-15T12:58:23+00:00",
		"data": map[string]any{"order": map[string]any{"id": "ord-1", "external_id": "ORD-12345", "status": "completed"}},
	})
	require.NoError(t, err)
	return b
}

// TestWebhookStrictShape: a signed body whose event is unknown or whose key
// is not a UUID is refused with 400 before dedupe.
func TestWebhookStrictShape(t *testing.T) {
	tests := []struct {
		name, event, key string
		want             int
	}{
		{"documented", EventOrderStatusChanged, capturedKey, http.StatusOK},
		{"upper-case UUID", EventOrderStatusChanged, "550E8400-E29B-41D4-A716-446655440000", http.StatusOK},
		{"unknown event", "order.refunded", capturedKey, http.StatusBadRequest},
		{"key not a UUID", EventOrderStatusChanged, "k", http.StatusBadRequest},
		{"key with event characters moved in", EventOrderStatusChanged[:len(EventOrderStatusChanged)-1], "d" + capturedKey, http.StatusBadRequest},
		{"key with characters moved out", EventOrderStatusChanged + "5", capturedKey[1:], http.StatusBadRequest},
		{"empty event", "", capturedKey, http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &hookRecorder{}
			res := serve(newHook(t, rec), signedRequest(t, eventBody(t, tt.event, tt.key), hookClock()))
			require.Equal(t, tt.want, res.Code)
			want := 0
			if tt.want == http.StatusOK {
				want = 1
			}
			require.Equal(t, want, rec.calls())
		})
	}
}

// FuzzWebhookResplit replays one captured delivery's headers with any
// event and key in the body. Moving characters between event and key
// keeps the signature valid (it covers their concatenation), so only the
// pinned shape stops it: whatever the body says, the function never runs a
// second time.
func FuzzWebhookResplit(f *testing.F) {
	msg := EventOrderStatusChanged + capturedKey
	for i := 0; i <= len(msg); i++ {
		f.Add(msg[:i], msg[i:])
	}
	f.Add(EventOrderStatusChanged, "7c9e6679-7425-40de-944b-e07fc1f90ae7")
	f.Fuzz(func(t *testing.T, event, key string) {
		rec := &hookRecorder{}
		h := newHook(t, rec)
		captured := signedRequest(t, eventBody(t, EventOrderStatusChanged, capturedKey), hookClock())
		require.Equal(t, http.StatusOK, serve(h, captured).Code)

		forged := signedRequest(t, eventBody(t, event, key), hookClock())
		forged.Header = captured.Header.Clone()
		code := serve(h, forged).Code
		require.Equal(t, 1, rec.calls(), "event %q key %q answered %d", event, key, code)
		if event+key == msg && event != EventOrderStatusChanged {
			require.Equal(t, http.StatusBadRequest, code, "a re-split keeps a valid signature and is refused")
		}
	})
}

// newMovingClock is the project's fake clock at t, safe to read from the
// handler's goroutines.
func newMovingClock(t time.Time) *fakeclock.Clock { return fakeclock.At(t) }

// TestWebhookReplicaDiesMidDelivery: the replica handling a delivery dies
// (its function never returns, its lease is no longer renewed); the
// provider's +10 s retry, on another replica, is handled.
func TestWebhookReplicaDiesMidDelivery(t *testing.T) {
	clock := newMovingClock(hookClock())
	st := store.NewMemory(func(o *store.MemoryOptions) { o.Now = clock.Now })
	opts := func(o *WebhookOptions) { o.Store = st; o.Now = clock.Now }
	entered, dead := make(chan struct{}), make(chan struct{})
	dying, err := NewWebhookHandler(signing.NewSecret(testSecret), func(ctx context.Context, _ *WebhookEvent) error {
		close(entered)
		<-dead
		return context.Canceled
	}, opts)
	require.NoError(t, err)
	rec := &hookRecorder{}
	alive, err := NewWebhookHandler(signing.NewSecret(testSecret), rec.fn, opts)
	require.NoError(t, err)

	body := eventBody(t, EventOrderStatusChanged, capturedKey)
	first := make(chan int, 1)
	go func() { first <- serve(dying, signedRequest(t, body, clock.Now())).Code }()
	<-entered
	require.Equal(t, http.StatusConflict, serve(alive, signedRequest(t, body, clock.Now())).Code, "while it lives, it holds the delivery")

	clock.Advance(WebhookRetryDelays()[0])
	require.Equal(t, http.StatusOK, serve(alive, signedRequest(t, body, clock.Now())).Code, "the +10 s retry is handled")
	require.Equal(t, 1, rec.calls())
	close(dead)
	<-first
	clock.Advance(WebhookRetryDelays()[1])
	require.Equal(t, http.StatusOK, serve(alive, signedRequest(t, body, clock.Now())).Code, "the +100 s retry is a duplicate")
	require.Equal(t, 1, rec.calls())
}

// TestWebhookDeadline: the function's context ends before the provider's
// 10 s.
func TestWebhookDeadline(t *testing.T) {
	var left time.Duration
	h := mustHook(t, func(ctx context.Context, _ *WebhookEvent) error {
		dl, ok := ctx.Deadline()
		require.True(t, ok)
		left = time.Until(dl)
		return nil
	})
	require.Equal(t, http.StatusOK, serve(h, signedRequest(t, eventBody(t, EventOrderStatusChanged, capturedKey), hookClock())).Code)
	require.Greater(t, left, 7*time.Second)
	require.LessOrEqual(t, left, DefaultWebhookDeadline)
	require.Less(t, DefaultWebhookDeadline, WebhookProviderDeadline)
}

// TestWebhookInbox: with an inbox the handler answers 202 at once and the
// workers call the function.
func TestWebhookInbox(t *testing.T) {
	in, err := inbox.New(inbox.NewMemory())
	require.NoError(t, err)
	rec := &hookRecorder{}
	h := newHook(t, rec, func(o *WebhookOptions) { o.Inbox = in })
	body := eventBody(t, EventOrderStatusChanged, capturedKey)
	require.Equal(t, http.StatusAccepted, serve(h, signedRequest(t, body, hookClock())).Code)
	require.Equal(t, http.StatusOK, serve(h, signedRequest(t, body, hookClock())).Code, "a retry is acknowledged, not queued twice")
	require.Equal(t, http.StatusBadRequest, serve(h, signedRequest(t, eventBody(t, "x", capturedKey), hookClock())).Code, "nothing malformed is queued")
	require.Zero(t, rec.calls(), "nothing ran in the request")
	n, err := in.Work(context.Background())
	require.NoError(t, err)
	require.Equal(t, 1, n)
	require.Equal(t, 1, rec.calls())
	require.Equal(t, capturedKey, rec.events[0].IdempotencyKey)
	require.Equal(t, "ORD-12345", rec.events[0].Order.ExternalID)

	_, err = NewWebhookHandler(signing.NewSecret(testSecret), rec.fn, func(o *WebhookOptions) { o.Inbox = in })
	require.Error(t, err, "one partner handler per inbox")
}

package partner

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/webhooktest"
	"github.com/simkit/simkit/signing"
	"github.com/simkit/simkit/store"
)

// hookClock is the handler's "now" in webhook tests.
func hookClock() time.Time { return time.Date(2026, 1, 15, 12, 58, 30, 0, time.UTC) }

// hookRecorder counts and keeps the events the user function receives.
type hookRecorder struct {
	mu     sync.Mutex
	events []*WebhookEvent
	fail   error
}

func (r *hookRecorder) fn(_ context.Context, ev *WebhookEvent) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, ev)
	return r.fail
}

func (r *hookRecorder) calls() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.events)
}

func newHook(t *testing.T, rec *hookRecorder, opts ...func(*WebhookOptions)) http.Handler {
	t.Helper()
	return mustHook(t, rec.fn, opts...)
}

func mustHook(t *testing.T, fn func(context.Context, *WebhookEvent) error, opts ...func(*WebhookOptions)) http.Handler {
	t.Helper()
	h, err := NewWebhookHandler(signing.NewSecret(testSecret), fn, append([]func(*WebhookOptions){func(o *WebhookOptions) { o.Now = hookClock }}, opts...)...)
	require.NoError(t, err)
	return h
}

// signedRequest builds the provider's POST of body signed at time at.
func signedRequest(t *testing.T, body []byte, at time.Time) *http.Request {
	t.Helper()
	req, err := webhooktest.PartnerRequest(signing.NewSigner([]byte(testSecret)), "http://hook.example/partner", body, at)
	require.NoError(t, err)
	return req
}

func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}

func TestWebhookDeliversTypedOrder(t *testing.T) {
	rec := &hookRecorder{}
	res := serve(newHook(t, rec), signedRequest(t, fixture(t, "webhook_order_status_changed.json"), hookClock()))
	require.Equal(t, http.StatusOK, res.Code)
	require.Equal(t, 1, rec.calls())
	ev := rec.events[0]
	require.Equal(t, EventOrderStatusChanged, ev.Event)
	require.Equal(t, "550e8400-e29b-41d4-a716-446655440000", ev.IdempotencyKey)
	require.Equal(t, time.Date(2026, 1, 15, 12, 58, 23, 0, time.UTC), ev.Timestamp.UTC())
	require.NotNil(t, ev.Order)
	require.Equal(t, OrderCompleted, ev.Order.Status)
	require.Equal(t, "ORD-12345", ev.Order.ExternalID)
	require.Equal(t, "XXXX-YYYY-ZZZZ", ev.Order.Items[0].DeliveryData[0].PIN)
}

// TestWebhookTimestampWindow: ±5 minutes both ways, inclusive of the edge.
func TestWebhookTimestampWindow(t *testing.T) {
	tests := []struct {
		name   string
		offset time.Duration
		want   int
	}{
		{"6 minutes old", -6 * time.Minute, http.StatusUnauthorized},
		{"6 minutes in the future", 6 * time.Minute, http.StatusUnauthorized},
		{"5 minutes old", -5 * time.Minute, http.StatusOK},
		{"4 minutes in the future", 4 * time.Minute, http.StatusOK},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := &hookRecorder{}
			res := serve(newHook(t, rec), signedRequest(t, fixture(t, "webhook_order_status_changed.json"), hookClock().Add(tc.offset)))
			require.Equal(t, tc.want, res.Code)
			if tc.want != http.StatusOK {
				require.Equal(t, 0, rec.calls())
			}
		})
	}
}

// TestWebhookRefusals: nothing untrusted reaches the user function.
func TestWebhookRefusals(t *testing.T) {
	good := fixture(t, "webhook_order_status_changed.json")
	ts := strconv.FormatInt(hookClock().Unix(), 10)
	signer := signing.NewSigner([]byte(testSecret))
	tests := []struct {
		name string
		req  func() *http.Request
		want int
	}{
		{"GET", func() *http.Request { return httptest.NewRequest("GET", "/hook", nil) }, http.StatusMethodNotAllowed},
		{"bad JSON", func() *http.Request {
			r := httptest.NewRequest("POST", "/hook", strings.NewReader(`{"event":`))
			r.Header = signer.PartnerWebhookHeaders(hookClock(), "order.status_changed", "k")
			return r
		}, http.StatusBadRequest},
		{"missing signature", func() *http.Request {
			r := httptest.NewRequest("POST", "/hook", bytes.NewReader(good))
			r.Header.Set("X-Timestamp", ts)
			return r
		}, http.StatusUnauthorized},
		{"missing timestamp", func() *http.Request {
			r := signedRequest(t, good, hookClock())
			r.Header.Del("X-Timestamp")
			return r
		}, http.StatusUnauthorized},
		{"signed with another secret", func() *http.Request {
			r, _ := webhooktest.PartnerRequest(signing.NewSigner([]byte("other")), "http://h/", good, hookClock())
			return r
		}, http.StatusUnauthorized},
		{"event changed after signing", func() *http.Request {
			r := signedRequest(t, good, hookClock())
			r.Body = readCloser(bytes.Replace(good, []byte("order.status_changed"), []byte("order.refunded"), 1))
			return r
		}, http.StatusUnauthorized},
		{"signed but no idempotency key", func() *http.Request {
			return signedRequest(t, []byte(`{"event":"order.status_changed","data":{}}`), hookClock())
		}, http.StatusBadRequest},
		{"signed but order malformed", func() *http.Request {
			return signedRequest(t, []byte(`{"event":"order.status_changed","idempotency_key":"7c9e6679-7425-40de-944b-e07fc1f90ae7","data":{"order":{"total_amount":"abc"}}}`), hookClock())
		}, http.StatusBadRequest},
		{"signed but bad timestamp field", func() *http.Request {
			return signedRequest(t, []byte(`{"event":"order.status_changed","idempotency_key":"7c9e6679-7425-40de-944b-e07fc1f90ae7","timestamp":"yesterday"}`), hookClock())
		}, http.StatusBadRequest},
		{"2 MiB body", func() *http.Request {
			big := append([]byte(`{"event":"order.status_changed","idempotency_key":"7c9e6679-7425-40de-944b-e07fc1f90ae7","pad":"`), bytes.Repeat([]byte("a"), 2<<20)...)
			big = append(big, `"}`...)
			return signedRequest(t, big, hookClock())
		}, http.StatusRequestEntityTooLarge},
		{"2 MiB body without length", func() *http.Request {
			r := signedRequest(t, []byte(`{}`), hookClock())
			r.ContentLength = -1
			r.Body = readCloser(bytes.Repeat([]byte(" "), 2<<20))
			return r
		}, http.StatusRequestEntityTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := &hookRecorder{}
			res := serve(newHook(t, rec), tc.req())
			require.Equal(t, tc.want, res.Code)
			require.Equal(t, 0, rec.calls())
			require.NotContains(t, res.Body.String(), testSecret)
		})
	}
}

// TestWebhookDuplicateDeliveredOnce: a retried delivery is acknowledged and
// not handed over again, even through another handler sharing the store.
func TestWebhookDuplicateDeliveredOnce(t *testing.T) {
	rec := &hookRecorder{}
	st := store.NewMemory()
	body := fixture(t, "webhook_order_status_changed.json")
	h1 := newHook(t, rec, func(o *WebhookOptions) { o.Store = st })
	h2 := newHook(t, rec, func(o *WebhookOptions) { o.Store = st })
	require.Equal(t, http.StatusOK, serve(h1, signedRequest(t, body, hookClock())).Code)
	// the provider's retry, 10 s later, freshly signed
	require.Equal(t, http.StatusOK, serve(h1, signedRequest(t, body, hookClock().Add(10*time.Second))).Code)
	require.Equal(t, http.StatusOK, serve(h2, signedRequest(t, body, hookClock())).Code)
	require.Equal(t, 1, rec.calls())
}

// TestWebhookUserErrorRetried: a failing function answers 500 and does not
// mark the key, so the provider's retry is handled.
func TestWebhookUserErrorRetried(t *testing.T) {
	rec := &hookRecorder{fail: errors.New("db down")}
	h := newHook(t, rec)
	body := fixture(t, "webhook_order_status_changed.json")
	require.Equal(t, http.StatusInternalServerError, serve(h, signedRequest(t, body, hookClock())).Code)
	rec.mu.Lock()
	rec.fail = nil
	rec.mu.Unlock()
	require.Equal(t, http.StatusOK, serve(h, signedRequest(t, body, hookClock())).Code)
	require.Equal(t, http.StatusOK, serve(h, signedRequest(t, body, hookClock())).Code)
	require.Equal(t, 2, rec.calls())
}

// TestWebhookPanicReleasesClaim: a panicking function does not leave the
// delivery "in progress" for the provider's retries.
func TestWebhookPanicReleasesClaim(t *testing.T) {
	var n atomic.Int32
	h := mustHook(t, func(context.Context, *WebhookEvent) error {
		if n.Add(1) == 1 {
			panic("boom")
		}
		return nil
	})
	body := fixture(t, "webhook_order_status_changed.json")
	require.Panics(t, func() { serve(h, signedRequest(t, body, hookClock())) })
	require.Equal(t, http.StatusOK, serve(h, signedRequest(t, body, hookClock())).Code)
	require.Equal(t, int32(2), n.Load())
}

// TestWebhookInFlight: a concurrent duplicate gets 409 so the provider
// retries later, and the function still runs once.
func TestWebhookInFlight(t *testing.T) {
	entered := make(chan struct{})
	release := make(chan struct{})
	var n atomic.Int32
	h := mustHook(t, func(context.Context, *WebhookEvent) error {
		n.Add(1)
		close(entered)
		<-release
		return nil
	})
	body := fixture(t, "webhook_order_status_changed.json")
	done := make(chan int)
	go func() { done <- serve(h, signedRequest(t, body, hookClock())).Code }()
	<-entered
	require.Equal(t, http.StatusConflict, serve(h, signedRequest(t, body, hookClock())).Code)
	close(release)
	require.Equal(t, http.StatusOK, <-done)
	require.Equal(t, int32(1), n.Load())
}

// TestWebhookMisconfigured: an empty secret (anyone could sign) or a nil
// function fails at construction, not at request time.
func TestWebhookMisconfigured(t *testing.T) {
	rec := &hookRecorder{}
	tests := []struct {
		name   string
		secret signing.Secret
		fn     func(context.Context, *WebhookEvent) error
	}{
		{"empty secret", signing.NewSecret(""), rec.fn},
		{"nil function", signing.NewSecret(testSecret), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := NewWebhookHandler(tt.secret, tt.fn)
			require.Nil(t, h)
			require.ErrorIs(t, err, apierror.ErrValidation)
		})
	}
}

// TestClientWebhookHandler uses the client's secret, clock and store.
func TestClientWebhookHandler(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.Now = hookClock })
	rec := &hookRecorder{}
	build := func(opts ...func(*WebhookOptions)) http.Handler {
		hh, err := h.c.WebhookHandler(rec.fn, opts...)
		require.NoError(t, err)
		return hh
	}
	body := fixture(t, "webhook_order_status_changed.json")
	require.Equal(t, http.StatusRequestEntityTooLarge, serve(build(func(o *WebhookOptions) { o.MaxBody = 64 }), signedRequest(t, body, hookClock())).Code, "caller options win")
	hh := build()
	require.Equal(t, http.StatusOK, serve(hh, signedRequest(t, body, hookClock())).Code)
	require.Equal(t, http.StatusOK, serve(build(), signedRequest(t, body, hookClock())).Code)
	require.Equal(t, 1, rec.calls(), "handlers from one client share its store")
	require.Equal(t, http.StatusUnauthorized, serve(hh, signedRequest(t, body, hookClock().Add(-6*time.Minute))).Code)
}

// TestWebhookOtherEvent: an event named in Events reaches the function
// with its raw data; an unknown one is refused.
func TestWebhookOtherEvent(t *testing.T) {
	rec := &hookRecorder{}
	body := []byte(`{"event":"balance.low","idempotency_key":"7c9e6679-7425-40de-944b-e07fc1f90ae7","timestamp":"2026-01-15T12:58:23Z","data":{"balance":"3.00"}}`)
	require.Equal(t, http.StatusBadRequest, serve(newHook(t, rec), signedRequest(t, body, hookClock())).Code)
	require.Zero(t, rec.calls())
	require.Equal(t, http.StatusOK, serve(newHook(t, rec, func(o *WebhookOptions) { o.Events = []string{"balance.low"} }), signedRequest(t, body, hookClock())).Code)
	require.Nil(t, rec.events[0].Order)
	require.JSONEq(t, `{"balance":"3.00"}`, string(rec.events[0].Data))
}

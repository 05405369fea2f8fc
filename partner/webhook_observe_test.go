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
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/inbox"
	"github.com/simkit/simkit/internal/webhooktest"
	"github.com/simkit/simkit/observe"
	"github.com/simkit/simkit/signing"
)

// deliveries records webhook steps as "outcome status reason event".
type deliveries struct {
	observe.Base
	mu    sync.Mutex
	steps []string
}

func (d *deliveries) Webhook(_ context.Context, e observe.Webhook) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.steps = append(d.steps, strings.TrimSpace(string(e.Outcome)+" "+strconv.Itoa(e.Status)+" "+e.Reason+" "+e.Event))
}

func (d *deliveries) take() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	s := d.steps
	d.steps = nil
	return s
}

func TestWebhookReportsEachDeliveryWithItsReason(t *testing.T) {
	good := fixture(t, "webhook_order_status_changed.json")
	const key = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
	tests := []struct {
		name string
		req  func() *http.Request
		fail error
		want []string
	}{
		{"handled", func() *http.Request { return signedRequest(t, good, hookClock()) }, nil,
			[]string{"accepted 0  order.status_changed", "handled 200  order.status_changed"}},
		{"function failed", func() *http.Request { return signedRequest(t, good, hookClock()) }, errors.New("boom"),
			[]string{"accepted 0  order.status_changed", "failed 500  order.status_changed"}},
		{"method", func() *http.Request { return httptest.NewRequest("GET", "/hook", nil) }, nil, []string{"refused 405 method"}},
		{"not JSON", func() *http.Request {
			r := httptest.NewRequest("POST", "/hook", strings.NewReader(`{"event":`))
			r.Header = signing.NewSigner([]byte(testSecret)).PartnerWebhookHeaders(hookClock(), "order.status_changed", key)
			return r
		}, nil, []string{"refused 400 malformed"}},
		{"too large", func() *http.Request {
			r := signedRequest(t, []byte(`{}`), hookClock())
			r.ContentLength = -1
			r.Body = readCloser(bytes.Repeat([]byte(" "), 2<<20))
			return r
		}, nil, []string{"refused 413 too_large"}},
		{"bad signature", func() *http.Request {
			r, _ := webhooktest.PartnerRequest(signing.NewSigner([]byte("other")), "http://h/", good, hookClock())
			return r
		}, nil, []string{"refused 401 signature"}},
		{"stale timestamp", func() *http.Request { return signedRequest(t, good, hookClock().Add(-6*time.Minute)) }, nil,
			[]string{"refused 401 timestamp"}},
		{"unknown event", func() *http.Request {
			return signedRequest(t, []byte(`{"event":"balance.low","idempotency_key":"`+key+`"}`), hookClock())
		}, nil, []string{"refused 400 unknown"}},
		{"key not a UUID", func() *http.Request {
			return signedRequest(t, []byte(`{"event":"order.status_changed","idempotency_key":"k-1"}`), hookClock())
		}, nil, []string{"refused 400 malformed"}},
		{"malformed order", func() *http.Request {
			return signedRequest(t, []byte(`{"event":"order.status_changed","idempotency_key":"`+key+`","data":{"order":{"total_amount":"abc"}}}`), hookClock())
		}, nil, []string{"refused 400 malformed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obs := &deliveries{}
			rec := &hookRecorder{fail: tt.fail}
			serve(newHook(t, rec, func(o *WebhookOptions) { o.Observer = obs }), tt.req())
			require.Equal(t, tt.want, obs.take())
		})
	}
}

// Client.WebhookHandler reports to the client's observer; a duplicate is
// reported as such.
func TestClientWebhookHandlerInheritsTheObserver(t *testing.T) {
	obs := &deliveries{}
	h := newHarness(t, func(o *Options) { o.Now, o.Observer = hookClock, obs })
	hh, err := h.c.WebhookHandler((&hookRecorder{}).fn)
	require.NoError(t, err)
	body := fixture(t, "webhook_order_status_changed.json")
	require.Equal(t, http.StatusOK, serve(hh, signedRequest(t, body, hookClock())).Code)
	require.Equal(t, http.StatusOK, serve(hh, signedRequest(t, body, hookClock())).Code)
	require.Equal(t, []string{"accepted 0  order.status_changed", "handled 200  order.status_changed",
		"duplicate 200  order.status_changed"}, obs.take())
}

// With an inbox the request reports accepted (202) or duplicate, and the
// worker that runs the function reports handled.
func TestWebhookInboxReportsEachStep(t *testing.T) {
	in, err := inbox.New(inbox.NewMemory())
	require.NoError(t, err)
	obs := &deliveries{}
	h := newHook(t, &hookRecorder{}, func(o *WebhookOptions) { o.Inbox, o.Observer = in, obs })
	body := eventBody(t, EventOrderStatusChanged, capturedKey)
	require.Equal(t, http.StatusAccepted, serve(h, signedRequest(t, body, hookClock())).Code)
	require.Equal(t, http.StatusOK, serve(h, signedRequest(t, body, hookClock())).Code)
	require.Equal(t, []string{"accepted 0  order.status_changed", "duplicate 200  order.status_changed"}, obs.take())
	n, err := in.Work(context.Background())
	require.NoError(t, err)
	require.Equal(t, 1, n)
	require.Equal(t, []string{"handled 0  order.status_changed"}, obs.take())
}

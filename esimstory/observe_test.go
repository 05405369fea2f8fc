package esimstory_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/esimstory"
	"github.com/simkit/simkit/observe"
)

// tape records webhook steps and wait progress as short strings.
type tape struct {
	observe.Base
	mu    sync.Mutex
	steps []string
	waits []string
}

func (t *tape) Webhook(_ context.Context, e observe.Webhook) {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := e.Provider + " " + string(e.Outcome) + " " + strconv.Itoa(e.Status)
	if e.Reason != "" {
		s += " " + e.Reason
	}
	t.steps = append(t.steps, s)
}

func (t *tape) WaitProgress(_ context.Context, e observe.WaitProgress) {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := e.Wait + " check " + strconv.Itoa(e.Check) + " " + strconv.Itoa(e.Delivered) + "/" + strconv.Itoa(e.Expected)
	if e.Done {
		s += " done " + e.Outcome
	}
	t.waits = append(t.waits, s)
}

func (t *tape) take() (steps, waits []string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	steps, waits, t.steps, t.waits = t.steps, t.waits, nil, nil
	return steps, waits
}

// The client's observer reaches its webhook handler and its tracker (built
// without one): each delivery step is reported with its reason, and Wait
// reports its checks and its end.
func TestWebhookAndTrackerReportToTheClientsObserver(t *testing.T) {
	tp := &tape{}
	tr := esimstory.NewTracker(nil, func(o *esimstory.TrackerOptions) { o.Poll = time.Hour; o.RejectUnknown = true })
	mt, _ := sequence(t, 200, fixture(t, "order_qty3.json"))
	c := testClient(t, mt, newClock(), func(o *esimstory.Options) { o.Tracker, o.Observer = tr, tp })
	h, err := c.WebhookHandler(func(context.Context, *esimstory.Delivery) error { return nil }, withToken)
	require.NoError(t, err)
	ctx := context.Background()
	_, err = c.CreateOrder(ctx, order3())
	require.NoError(t, err)
	_, waits := tp.take()
	require.Equal(t, []string{"esim_delivery check 0 0/3"}, waits, "tracking the order is progress too")

	const ok = "/hook?token=hook-token-0123456789"
	get := httptest.NewRecorder()
	h.ServeHTTP(get, httptest.NewRequest(http.MethodGet, ok, nil))
	tests := []struct {
		name  string
		rec   *httptest.ResponseRecorder
		steps []string
	}{
		{"method", get, []string{"esimstory refused 405 method"}},
		{"bad token", post(h, "/hook?token=wrong", deliveryBody(t, topups3[0], "ORDER-123456")), []string{"esimstory refused 401 auth"}},
		{"malformed", post(h, ok, []byte(`{`)), []string{"esimstory refused 400 malformed"}},
		{"unknown topup", post(h, ok, deliveryBody(t, "99999999999999999999999999", "ORDER-123456")), []string{"esimstory refused 404 unknown"}},
		{"first", post(h, ok, deliveryBody(t, topups3[0], "ORDER-123456")), []string{"esimstory accepted 0", "esimstory handled 200"}},
		{"again", post(h, ok, deliveryBody(t, topups3[0], "ORDER-123456")), []string{"esimstory duplicate 200"}},
	}
	// The requests ran in order above; each left its own steps.
	var all []string
	for _, tt := range tests {
		all = append(all, tt.steps...)
	}
	steps, waits := tp.take()
	require.Equal(t, all, steps)
	require.Equal(t, []string{"esim_delivery check 0 1/3"}, waits, "a recorded delivery is progress")

	for _, id := range topups3[1:] {
		require.Equal(t, http.StatusOK, post(h, ok, deliveryBody(t, id, "ORDER-123456")).Code)
	}
	_, _ = tp.take()
	ds, err := tr.Wait(ctx, "ORDER-123456")
	require.NoError(t, err)
	require.Len(t, ds, 3)
	_, waits = tp.take()
	require.Equal(t, []string{"esim_delivery check 1 3/3", "esim_delivery check 1 0/0 done received"}, waits, "the end carries no counts: the last check did")

	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = tr.Wait(cctx, "ORDER-404")
	require.Error(t, err)
	_, waits = tp.take()
	require.Equal(t, []string{"esim_delivery check 0 0/0 done not_found"}, waits)
}

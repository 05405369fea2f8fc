package esimstory_test

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/esimstory"
	"github.com/simkit/simkit/inbox"
	"github.com/simkit/simkit/store"
)

// TestClientWebhookHandler: the client's handler shares its Store (so a
// fleet sharing Redis dedupes eSIM Story too) and its clock; a nil client
// fails at construction.
func TestClientWebhookHandler(t *testing.T) {
	var nilClient *esimstory.Client
	h, err := nilClient.WebhookHandler(func(context.Context, *esimstory.Delivery) error { return nil }, withToken)
	require.Nil(t, h)
	require.ErrorIs(t, err, apierror.ErrNotConfigured)

	st := store.NewMemory()
	clock := newClock()
	mt := httpmock.NewMockTransport()
	var calls atomic.Int32
	fn := func(context.Context, *esimstory.Delivery) error { calls.Add(1); return nil }
	build := func() http.Handler {
		c := testClient(t, mt, clock, func(o *esimstory.Options) { o.Store = st })
		h, err := c.WebhookHandler(fn, withToken)
		require.NoError(t, err)
		return h
	}
	a, b := build(), build() // two replicas sharing one store
	body := deliveryBody(t, "20250129123456123456789012", "ORDER-1")
	require.Equal(t, http.StatusOK, post(a, "/hook?token="+hookToken.Reveal(), body).Code)
	require.Equal(t, http.StatusOK, post(b, "/hook?token="+hookToken.Reveal(), body).Code)
	require.EqualValues(t, 1, calls.Load(), "the client's store dedupes across handlers")

	c := testClient(t, mt, clock)
	_, err = c.WebhookHandler(fn)
	require.ErrorIs(t, err, apierror.ErrValidation, "authentication is still required")
}

// TestWebhookInbox: with an inbox the delivery is answered 202 and handed
// over by the inbox's workers, once.
func TestWebhookInbox(t *testing.T) {
	in, err := inbox.New(inbox.NewMemory())
	require.NoError(t, err)
	var got atomic.Value
	h, err := esimstory.NewWebhookHandler(func(_ context.Context, d *esimstory.Delivery) error {
		got.Store(d.TopupID)
		return nil
	}, withToken, func(o *esimstory.WebhookOptions) { o.Inbox = in })
	require.NoError(t, err)
	body := deliveryBody(t, "20250129123456123456789013", "ORDER-2")
	require.Equal(t, http.StatusAccepted, post(h, "/hook?token="+hookToken.Reveal(), body).Code)
	require.Equal(t, http.StatusOK, post(h, "/hook?token="+hookToken.Reveal(), body).Code)
	require.Equal(t, http.StatusUnauthorized, post(h, "/hook", body).Code, "nothing unauthenticated is queued")
	require.Nil(t, got.Load())
	n, err := in.Work(context.Background())
	require.NoError(t, err)
	require.Equal(t, 1, n)
	require.Equal(t, "20250129123456123456789013", got.Load())
}

// TestWebhookDeadline: the function's context ends before an assumed 10 s
// provider deadline.
func TestWebhookDeadline(t *testing.T) {
	var left time.Duration
	h, err := esimstory.NewWebhookHandler(func(ctx context.Context, _ *esimstory.Delivery) error {
		dl, _ := ctx.Deadline()
		left = time.Until(dl)
		return nil
	}, withToken)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, post(h, "/hook?token="+hookToken.Reveal(), deliveryBody(t, "20250129123456123456789014", "ORDER-3")).Code)
	require.Greater(t, left, 7*time.Second)
	require.LessOrEqual(t, left, esimstory.DefaultWebhookDeadline)
}

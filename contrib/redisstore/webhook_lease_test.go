package redisstore

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/partner"
	"github.com/simkit/simkit/signing"
	"github.com/simkit/simkit/simkittest"
)

// TestFailClosedRedisDiesDuringFailingHandler: the function fails while
// Redis is down, so the lease cannot be released. It must still be gone
// before the provider's +10 s retry, which is then handled.
func TestFailClosedRedisDiesDuringFailingHandler(t *testing.T) {
	srv := startDurableRedis(t)
	clock := newFleetClock(time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC))
	st := New(srv.client(), func(o *Options) { o.RetryEvery = 10 * time.Millisecond })
	var calls, handled atomic.Int32
	h, err := partner.NewWebhookHandler(signing.NewSecret(fleetSecret), func(context.Context, *partner.WebhookEvent) error {
		if calls.Add(1) == 1 {
			srv.kill()
			return errors.New("database down as well")
		}
		handled.Add(1)
		return nil
	}, func(o *partner.WebhookOptions) { o.Store = st; o.Now = clock.Now })
	require.NoError(t, err)
	signer := signing.NewSigner([]byte(fleetSecret))
	deliver := func() int {
		req, err := simkittest.NewPartnerWebhookRequest(signer, "http://h.invalid/", webhookBody("dead0000-0000-4000-8000-000000000001"), clock.Now())
		require.NoError(t, err)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	require.Equal(t, http.StatusInternalServerError, deliver())
	srv.start()
	time.Sleep(20 * time.Millisecond) // past RetryEvery: the store probes Redis again
	clock.Advance(partner.WebhookRetryDelays()[0])
	require.Equal(t, http.StatusOK, deliver(), "the +10 s retry is not refused with 409")
	require.EqualValues(t, 1, handled.Load())
}

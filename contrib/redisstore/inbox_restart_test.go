package redisstore

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/inbox"
	"github.com/simkit/simkit/partner"
	"github.com/simkit/simkit/signing"
	"github.com/simkit/simkit/simkittest"
)

// TestInboxSurvivesRestart: a process accepts deliveries into the stream
// inbox (202) and stops before handling them, one of them mid-call; Redis
// restarts too. The next process handles every one of them once, and the
// poison delivery ends in the dead letters, from where it is replayed.
func TestInboxSurvivesRestart(t *testing.T) {
	srv := startDurableRedis(t)
	ctx := context.Background()
	keys := make([]string, 6)
	for i := range keys {
		keys[i] = fmt.Sprintf("5e550000-0000-4000-8000-%012d", i)
	}
	poison := keys[5]
	signer := signing.NewSigner([]byte(fleetSecret))
	deliver := func(h http.Handler, key string) int {
		req, err := simkittest.NewPartnerWebhookRequest(signer, "http://inbox.invalid/hook", webhookBody(key), time.Now())
		require.NoError(t, err)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	process := func(fn func(context.Context, *partner.WebhookEvent) error) (*inbox.Inbox, http.Handler, redis.UniversalClient) {
		rdb := redis.NewUniversalClient(&redis.UniversalOptions{Addrs: []string{srv.addr()}})
		in, err := inbox.New(NewStreamQueue(rdb, "restart"), func(o *inbox.Options) {
			o.Workers = 1
			o.MaxAttempts = 3
			o.Backoff = func(int) time.Duration { return 0 }
			o.ClaimIdle = 100 * time.Millisecond
		})
		require.NoError(t, err)
		h, err := partner.NewWebhookHandler(signing.NewSecret(fleetSecret), fn, func(o *partner.WebhookOptions) { o.Inbox = in })
		require.NoError(t, err)
		return in, h, rdb
	}

	// Process 1 accepts everything, starts one call and dies in it.
	entered, never := make(chan struct{}), make(chan struct{})
	in1, h1, rdb1 := process(func(context.Context, *partner.WebhookEvent) error {
		close(entered)
		<-never
		return nil
	})
	for _, k := range keys {
		require.Equal(t, http.StatusAccepted, deliver(h1, k))
	}
	go func() { _, _ = in1.Work(ctx) }()
	<-entered
	require.NoError(t, rdb1.Close()) // the crash
	srv.kill()
	srv.start()

	// Process 2.
	var (
		mu      sync.Mutex
		handled = map[string]int{}
	)
	in2, h2, rdb2 := process(func(_ context.Context, ev *partner.WebhookEvent) error {
		if ev.IdempotencyKey == poison {
			return errors.New("cannot fulfil")
		}
		mu.Lock()
		defer mu.Unlock()
		handled[ev.IdempotencyKey]++
		return nil
	})
	defer rdb2.Close()
	require.Equal(t, http.StatusOK, deliver(h2, keys[0]), "a provider retry of an accepted delivery is a duplicate")
	require.Eventually(t, func() bool {
		_, _ = in2.Work(ctx)
		mu.Lock()
		defer mu.Unlock()
		return len(handled) == len(keys)-1
	}, 5*time.Second, 10*time.Millisecond, "every pending delivery is handled after the restart")
	for range 3 {
		_, _ = in2.Work(ctx)
	}
	for _, k := range keys[:5] {
		require.Equal(t, 1, handled[k], k)
	}
	var dead []inbox.Message
	for m, err := range in2.DeadLetters(ctx) {
		require.NoError(t, err)
		dead = append(dead, m)
	}
	require.Len(t, dead, 1, "the poison delivery is dead-lettered")
	require.Equal(t, poison, dead[0].ID)
	require.Equal(t, "cannot fulfil", dead[0].LastError)
	require.Equal(t, 3, dead[0].Attempts)
	close(never)
}

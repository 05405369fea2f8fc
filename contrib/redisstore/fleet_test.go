package redisstore

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/simkit/simkit/internal/flight"
	"github.com/simkit/simkit/internal/transport"
	"github.com/simkit/simkit/internal/webhook"
	"github.com/stretchr/testify/require"
)

// These tests run simkit's own users of the Store (webhook dedupe, the
// fleet-wide single flight, the per-key gate) over two Stores on two
// clients, standing in for two replicas sharing one Redis.

func twoReplicas(t *testing.T) [2]*Store {
	srv := startRedis(t)
	return [2]*Store{New(srv.client()), New(srv.client())}
}

func TestFleetWebhookDedupe(t *testing.T) {
	r := twoReplicas(t)
	ctx := context.Background()
	a := &webhook.Dedupe{Store: r[0], Prefix: "wh:partner:"}
	b := &webhook.Dedupe{Store: r[1], Prefix: "wh:partner:"}

	la, st, err := a.Begin(ctx, "evt-42")
	require.NoError(t, err)
	require.Equal(t, webhook.New, st, "first delivery is handled")

	_, st, err = b.Begin(ctx, "evt-42")
	require.NoError(t, err)
	require.Equal(t, webhook.InFlight, st, "the retry on another replica waits")

	renewed, err := la.Renew(ctx)
	require.NoError(t, err)
	require.True(t, renewed, "the holder renews through the Redis compare-and-swap")

	require.NoError(t, la.Commit(ctx))
	_, st, err = b.Begin(ctx, "evt-42")
	require.NoError(t, err)
	require.Equal(t, webhook.Done, st, "once handled, the other replica acknowledges without handling")

	// A failed handling is released, so the provider's retry on the other
	// replica is handled again.
	la, st, err = a.Begin(ctx, "evt-43")
	require.NoError(t, err)
	require.Equal(t, webhook.New, st)
	require.NoError(t, la.Release(ctx))
	_, st, err = b.Begin(ctx, "evt-43")
	require.NoError(t, err)
	require.Equal(t, webhook.New, st)
}

func TestFleetSingleFlight(t *testing.T) {
	r := twoReplicas(t)
	ctx := context.Background()
	groups := []*flight.Group{
		flight.New(r[0], 5*time.Second, 10*time.Millisecond),
		flight.New(r[1], 5*time.Second, 10*time.Millisecond),
	}
	var fetches atomic.Int32
	fetch := func(context.Context) ([]byte, time.Duration, error) {
		fetches.Add(1)
		time.Sleep(50 * time.Millisecond) // hold the lock while others arrive
		return []byte("token-1"), time.Minute, nil
	}

	const n = 50
	var wg sync.WaitGroup
	vals := make(chan string, n)
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, _, err := groups[i%2].Load(ctx, "oauth:partner", fetch)
			errs <- err
			vals <- string(v)
		}()
	}
	wg.Wait()
	close(errs)
	close(vals)
	for err := range errs {
		require.NoError(t, err)
	}
	for v := range vals {
		require.Equal(t, "token-1", v)
	}
	require.EqualValues(t, 1, fetches.Load(), "one fetch for the whole fleet")
}

func TestFleetGate(t *testing.T) {
	r := twoReplicas(t)
	ctx := context.Background()
	now := time.Now()
	clock := func() time.Time { return now }
	a := transport.NewGate(r[0], "gate:history:", 15*time.Minute, clock)
	b := transport.NewGate(r[1], "gate:history:", 15*time.Minute, clock)

	ok, _, err := a.Allow(ctx, "8944500000000000001")
	require.NoError(t, err)
	require.True(t, ok)

	ok, retryAfter, err := b.Allow(ctx, "8944500000000000001")
	require.NoError(t, err)
	require.False(t, ok, "the window is spent for the fleet")
	require.Equal(t, 15*time.Minute, retryAfter)

	require.NoError(t, a.Release(ctx, "8944500000000000001"))
	ok, _, err = b.Allow(ctx, "8944500000000000001")
	require.NoError(t, err)
	require.True(t, ok)
}

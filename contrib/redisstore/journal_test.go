package redisstore

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestFailOpenReplaysOutageWrites: what a FailOpen replica wrote locally
// during an outage reaches Redis once it is back, so another replica sees
// it; leases taken locally do not override leases in Redis.
func TestFailOpenReplaysOutageWrites(t *testing.T) {
	srv := startDurableRedis(t)
	ctx := context.Background()
	fast := func(o *Options) { o.Failure = FailOpen; o.RetryEvery = 10 * time.Millisecond }
	a, b := New(srv.client(), fast), New(srv.client(), fast)
	require.NoError(t, b.Set(ctx, "lease", []byte("b's"), time.Minute))

	srv.kill()
	require.NoError(t, a.Set(ctx, "done", []byte("done"), time.Minute), "fail-open writes locally")
	won, err := a.SetNX(ctx, "lease", []byte("a's"), time.Minute)
	require.NoError(t, err)
	require.True(t, won, "locally nobody holds it")
	require.NoError(t, a.Set(ctx, "gone", []byte("x"), time.Minute))
	require.NoError(t, a.Delete(ctx, "gone"))

	srv.start()
	// a gets no calls: its background flusher replays the journal.
	require.Eventually(t, func() bool {
		v, ok, err := b.Get(ctx, "done")
		return err == nil && ok && string(v) == "done"
	}, 5*time.Second, 5*time.Millisecond, "the done mark reaches Redis without a call on a")
	v, ok, err := b.Get(ctx, "lease")
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, "b's", string(v), "a local lease never overrides one in Redis")
	_, ok, err = b.Get(ctx, "gone")
	require.NoError(t, err)
	require.False(t, ok, "a local delete leaves nothing to replay")
	require.False(t, a.journal.pending())
}

func TestCompareAndSwap(t *testing.T) {
	s := New(startRedis(t).client())
	ctx := context.Background()
	require.NoError(t, s.Set(ctx, "k", []byte("a"), time.Minute))
	ok, err := s.CompareAndSwap(ctx, "k", []byte("x"), []byte("b"), time.Minute)
	require.NoError(t, err)
	require.False(t, ok)
	ok, err = s.CompareAndSwap(ctx, "k", []byte("a"), []byte("b"), time.Minute)
	require.NoError(t, err)
	require.True(t, ok)
	v, _, _ := s.Get(ctx, "k")
	require.Equal(t, "b", string(v))
	_, err = s.CompareAndSwap(ctx, "k", []byte("b"), []byte("c"), 0)
	require.Error(t, err)
}

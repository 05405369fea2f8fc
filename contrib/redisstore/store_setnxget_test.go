package redisstore

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/store"
)

// TestStoreSetNXGet runs SetNXGet as Redis 7 serves it (SET NX GET) and as
// Redis 6.2 must (the script): stored when absent, what the key holds when
// taken, stored again once it expired, one winner among many, and a value
// of an unknown version held but unreadable.
func TestStoreSetNXGet(t *testing.T) {
	rdb := startRedis(t).client()
	ctx := context.Background()
	for _, mode := range []struct {
		name   string
		script bool
	}{{"SET NX GET", false}, {"script", true}} {
		t.Run(mode.name, func(t *testing.T) {
			s := New(rdb, func(o *Options) { o.Prefix = "sng:" + strconv.FormatBool(mode.script) + ":" })
			s.noSetGet.Store(mode.script)
			var _ store.SetNXGetter = s

			held, set, err := s.SetNXGet(ctx, "k", []byte("a"), time.Minute)
			require.NoError(t, err)
			require.True(t, set)
			require.Nil(t, held)
			held, set, err = s.SetNXGet(ctx, "k", []byte("b"), time.Minute)
			require.NoError(t, err)
			require.False(t, set, "never replaces a live key")
			require.Equal(t, "a", string(held))

			_, set, err = s.SetNXGet(ctx, "short", []byte("x"), 20*time.Millisecond)
			require.NoError(t, err)
			require.True(t, set)
			require.Eventually(t, func() bool {
				_, set, err := s.SetNXGet(ctx, "short", []byte("y"), time.Minute)
				return err == nil && set
			}, 5*time.Second, 10*time.Millisecond, "an expired key is claimed again")

			var wins atomic.Int32
			var wg sync.WaitGroup
			for i := 0; i < 32; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, set, err := s.SetNXGet(ctx, "race", []byte("me"), time.Minute); err == nil && set {
						wins.Add(1)
					}
				}()
			}
			wg.Wait()
			require.Equal(t, int32(1), wins.Load())

			require.NoError(t, rdb.Set(ctx, s.Prefix()+"future", []byte{0x7f, 'z'}, time.Minute).Err())
			held, set, err = s.SetNXGet(ctx, "future", []byte("c"), time.Minute)
			require.NoError(t, err)
			require.False(t, set, "a newer release's value is not overwritten")
			require.Nil(t, held)

			_, _, err = s.SetNXGet(ctx, "k", nil, 0)
			require.ErrorIs(t, err, store.ErrNoTTL)
		})
	}
}

// TestStoreSetNXGetFailsOver: while Redis is down, FailOpen claims in the
// local store, and the claim reaches Redis once it is back.
func TestStoreSetNXGetFailsOver(t *testing.T) {
	srv := startRedis(t)
	s := New(srv.client(), func(o *Options) { o.Failure = FailOpen; o.RetryEvery = 20 * time.Millisecond })
	ctx := context.Background()
	srv.kill()
	_, set, err := s.SetNXGet(ctx, "k", []byte("a"), time.Minute)
	require.NoError(t, err)
	require.True(t, set)
	held, set, err := s.SetNXGet(ctx, "k", []byte("b"), time.Minute)
	require.NoError(t, err)
	require.False(t, set)
	require.Equal(t, "a", string(held))
	srv.start()
	require.Eventually(t, func() bool {
		held, set, err := s.SetNXGet(ctx, "k", []byte("c"), time.Minute)
		return err == nil && !set && string(held) == "a"
	}, 10*time.Second, 20*time.Millisecond, "the outage's claim is replayed into Redis")
}

package option

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/retry"
	"github.com/simkit/simkit/store"
)

func TestCallOptions(t *testing.T) {
	var meta Response
	var c Call
	for _, o := range []CallOption{
		WithTimeout(3 * time.Second),
		WithRetry(retry.Never()),
		WithHeader("X-Trace", "a"),
		WithHeader("X-Trace", "b"),
		WithResponse(&meta),
	} {
		o(&c)
	}
	require.Equal(t, 3*time.Second, c.Timeout)
	require.Equal(t, 1, c.Retry.Attempts())
	require.Equal(t, []string{"a", "b"}, c.Header.Values("X-Trace"))
	require.Same(t, &meta, c.Response)
}

func TestSharedDefaults(t *testing.T) {
	s := Shared{}.WithDefaults()
	require.NotNil(t, s.Store)
	require.NotNil(t, s.Now)

	// The default store must expire keys by the caller's clock, not the
	// wall clock: move the clock past the TTL and the key is gone.
	now := time.Unix(1768478058, 0)
	s = Shared{Now: func() time.Time { return now }}.WithDefaults()
	ctx := context.Background()
	require.NoError(t, s.Store.Set(ctx, "k", []byte("v"), time.Second))
	_, ok, err := s.Store.Get(ctx, "k")
	require.NoError(t, err)
	require.True(t, ok)
	now = now.Add(2 * time.Second)
	_, ok, err = s.Store.Get(ctx, "k")
	require.NoError(t, err)
	require.False(t, ok, "the default store shares the caller's clock")

	mine := store.NewMemory()
	require.Same(t, mine, Shared{Store: mine}.WithDefaults().Store, "a given store is kept")
}

func TestNoLimitNeverWaits(t *testing.T) {
	require.NoError(t, NoLimit.Wait(context.Background()))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	require.ErrorIs(t, NoLimit.Wait(ctx), context.Canceled)
}

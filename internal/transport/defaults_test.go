package transport

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/store"
)

func TestSharedDefaults(t *testing.T) {
	s := SharedDefaults(option.Shared{})
	require.NotNil(t, s.Store)
	require.NotNil(t, s.Now)

	// The default store must expire keys by the caller's clock, not the
	// wall clock: move the clock past the TTL and the key is gone.
	now := time.Unix(1768478058, 0)
	s = SharedDefaults(option.Shared{Now: func() time.Time { return now }})
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
	require.Same(t, mine, SharedDefaults(option.Shared{Store: mine}).Store, "a given store is kept")
}

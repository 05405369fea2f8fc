package transport

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/store"
)

func TestGate(t *testing.T) {
	now := time.Unix(1768478058, 0)
	clock := func() time.Time { return now }
	mem := store.NewMemory(func(o *store.MemoryOptions) { o.Now = clock })
	g := NewGate(mem, "hist:", 15*time.Minute, clock)
	ctx := context.Background()

	ok, _, err := g.Allow(ctx, "8944422711108338982")
	require.NoError(t, err)
	require.True(t, ok)

	now = now.Add(5 * time.Minute)
	ok, wait, err := g.Allow(ctx, "8944422711108338982")
	require.NoError(t, err)
	require.False(t, ok, "a second call inside the window is refused")
	require.Equal(t, 10*time.Minute, wait)

	ok, _, err = g.Allow(ctx, "8944422711108338983")
	require.NoError(t, err)
	require.True(t, ok, "keys are independent")
	require.Equal(t, 2, mem.Len())

	now = now.Add(15 * time.Minute)
	require.Equal(t, 0, mem.Len(), "the map shrinks once windows pass")
	ok, _, err = g.Allow(ctx, "8944422711108338982")
	require.NoError(t, err)
	require.True(t, ok, "the window reopens")

	require.NoError(t, g.Release(ctx, "8944422711108338982"))
	ok, _, err = g.Allow(ctx, "8944422711108338982")
	require.NoError(t, err)
	require.True(t, ok, "a released window can be claimed again")
}

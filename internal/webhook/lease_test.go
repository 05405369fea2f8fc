package webhook

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/store"
)

// countingSwaps counts lease renewals (compare-and-swaps) on a Memory store.
type countingSwaps struct {
	*store.Memory
	swaps atomic.Int64
}

func (c *countingSwaps) CompareAndSwap(ctx context.Context, key string, old, new []byte, ttl time.Duration) (bool, error) {
	c.swaps.Add(1)
	return c.Memory.CompareAndSwap(ctx, key, old, new, ttl)
}

// TestLeaseKeepRealTimer runs Keep on its real timer: it must renew again
// and again (the one timer is re-armed after every renewal), and never
// after stop returned.
func TestLeaseKeepRealTimer(t *testing.T) {
	ctx := context.Background()
	st := &countingSwaps{Memory: store.NewMemory()}
	// A lease long enough that a loaded machine's late timer still renews
	// it before it ends (a renewal comes every third of it).
	d := &Dedupe{Store: st, Lease: 300 * time.Millisecond}
	l, state, err := d.Begin(ctx, "k")
	require.NoError(t, err)
	require.Equal(t, New, state)
	stop := l.Keep(ctx)
	give := time.Now().Add(10 * time.Second)
	for st.swaps.Load() < 3 && time.Now().Before(give) {
		time.Sleep(5 * time.Millisecond)
	}
	stop()
	renewed := st.swaps.Load()
	require.GreaterOrEqual(t, renewed, int64(3), "the timer is re-armed after each renewal")
	time.Sleep(400 * time.Millisecond) // four renewal periods: none may come
	require.Equal(t, renewed, st.swaps.Load(), "no renewal after stop")
	require.NoError(t, l.Commit(ctx))
	_, state, err = d.Begin(ctx, "k")
	require.NoError(t, err)
	require.Equal(t, Done, state)
}

// TestWithTimeout: fn's context ends at the earlier of the caller's
// deadline and Handle's own, whichever context carries it.
func TestWithTimeout(t *testing.T) {
	soon, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	tests := []struct {
		name   string
		parent context.Context
		d      time.Duration
		same   bool
	}{
		{"no parent deadline", context.Background(), time.Minute, false},
		{"parent ends first", soon, time.Minute, true},
		{"own deadline first", soon, time.Millisecond, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := time.Now()
			ctx, cancel := withTimeout(tc.parent, tc.d)
			defer cancel()
			dl, ok := ctx.Deadline()
			require.True(t, ok)
			want := before.Add(tc.d)
			if pdl, ok := tc.parent.Deadline(); ok && pdl.Before(want) {
				want = pdl
			}
			require.WithinDuration(t, want, dl, 50*time.Millisecond)
			require.Equal(t, tc.same, ctx == tc.parent)
		})
	}
}

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

// storeCalls counts every call on a Memory store.
type storeCalls struct {
	*store.Memory
	n atomic.Int64
}

func (c *storeCalls) SetNX(ctx context.Context, k string, v []byte, ttl time.Duration) (bool, error) {
	c.n.Add(1)
	return c.Memory.SetNX(ctx, k, v, ttl)
}

func (c *storeCalls) SetNXGet(ctx context.Context, k string, v []byte, ttl time.Duration) ([]byte, bool, error) {
	c.n.Add(1)
	return c.Memory.SetNXGet(ctx, k, v, ttl)
}

func (c *storeCalls) Get(ctx context.Context, k string) ([]byte, bool, error) {
	c.n.Add(1)
	return c.Memory.Get(ctx, k)
}

func (c *storeCalls) Set(ctx context.Context, k string, v []byte, ttl time.Duration) error {
	c.n.Add(1)
	return c.Memory.Set(ctx, k, v, ttl)
}

// TestBeginAsksTheStoreOnce: with a store.SetNXGetter, a first delivery,
// a retry of a handled one and one in flight each cost one store call (a
// round trip on Redis); the handled one cost a second, its done mark.
func TestBeginAsksTheStoreOnce(t *testing.T) {
	ctx := context.Background()
	st := &storeCalls{Memory: store.NewMemory()}
	d := &Dedupe{Store: st}
	tests := []struct {
		name  string
		id    string
		state State
	}{
		{"first delivery", "a", New},
		{"in flight", "a", InFlight},
		{"second first delivery", "b", New},
	}
	for _, tt := range tests {
		st.n.Store(0)
		l, state, err := d.Begin(ctx, tt.id)
		require.NoError(t, err, tt.name)
		require.Equal(t, tt.state, state, tt.name)
		require.Equal(t, int64(1), st.n.Load(), tt.name)
		if tt.id == "b" {
			st.n.Store(0)
			require.NoError(t, l.Commit(ctx))
			_, state, err = d.Begin(ctx, "b")
			require.NoError(t, err)
			require.Equal(t, Done, state)
			require.Equal(t, int64(2), st.n.Load(), "the done mark, then the duplicate's one call")
		}
	}
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

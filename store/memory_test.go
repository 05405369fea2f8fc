package store

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestMemory(t *testing.T) {
	now := time.Unix(1768478058, 0)
	m := NewMemory(func(o *MemoryOptions) { o.Now = func() time.Time { return now } })
	ctx := context.Background()

	_, ok, err := m.Get(ctx, "k")
	require.NoError(t, err)
	require.False(t, ok)

	require.NoError(t, m.Set(ctx, "k", []byte("v1"), time.Minute))
	v, ok, _ := m.Get(ctx, "k")
	require.True(t, ok)
	require.Equal(t, "v1", string(v))
	v[0] = 'X'
	v, _, _ = m.Get(ctx, "k")
	require.Equal(t, "v1", string(v), "Get returns a copy the caller owns")

	won, err := m.SetNX(ctx, "k", []byte("v2"), time.Minute)
	require.NoError(t, err)
	require.False(t, won, "SetNX never replaces a live key")

	now = now.Add(time.Minute)
	_, ok, _ = m.Get(ctx, "k")
	require.False(t, ok, "expired at exactly its TTL")
	won, _ = m.SetNX(ctx, "k", []byte("v2"), time.Minute)
	require.True(t, won, "SetNX claims an expired key")

	require.NoError(t, m.Delete(ctx, "k"))
	require.NoError(t, m.Delete(ctx, "missing"))
	require.Equal(t, 0, m.Len())

	require.ErrorIs(t, m.Set(ctx, "k", nil, 0), ErrNoTTL)
	_, err = m.SetNX(ctx, "k", nil, -time.Second)
	require.ErrorIs(t, err, ErrNoTTL)
}

func TestMemorySweepsExpiredKeys(t *testing.T) {
	now := time.Unix(0, 0)
	m := NewMemory(func(o *MemoryOptions) { o.Now = func() time.Time { return now } })
	ctx := context.Background()
	for i := 0; i < 100; i++ {
		require.NoError(t, m.Set(ctx, string(rune('a'+i)), []byte("x"), time.Second))
	}
	now = now.Add(2 * time.Second)
	require.NoError(t, m.Set(ctx, "fresh", []byte("x"), time.Minute)) // a write sweeps
	m.mu.Lock()
	n := len(m.items)
	m.mu.Unlock()
	require.Equal(t, 1, n, "writes sweep expired keys, so the map does not grow forever")
}

func TestMemorySetNXHasOneWinner(t *testing.T) {
	m := NewMemory()
	var wins atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if ok, _ := m.SetNX(context.Background(), "lock", []byte("me"), time.Minute); ok {
				wins.Add(1)
			}
		}()
	}
	wg.Wait()
	require.Equal(t, int32(1), wins.Load())
}

func TestMemoryCompareAndDelete(t *testing.T) {
	m := NewMemory()
	ctx := context.Background()
	require.NoError(t, m.Set(ctx, "lock", []byte("mine"), time.Minute))
	ok, err := m.CompareAndDelete(ctx, "lock", []byte("theirs"))
	require.NoError(t, err)
	require.False(t, ok)
	ok, _ = m.CompareAndDelete(ctx, "lock", []byte("mine"))
	require.True(t, ok)
	ok, _ = m.CompareAndDelete(ctx, "lock", []byte("mine"))
	require.False(t, ok, "already gone")
	var _ CompareAndDeleter = m
}

func TestMemoryCompareAndSwap(t *testing.T) {
	now := time.Unix(0, 0)
	m := NewMemory(func(o *MemoryOptions) { o.Now = func() time.Time { return now } })
	ctx := context.Background()
	require.NoError(t, m.Set(ctx, "k", []byte("a"), time.Second))
	tests := []struct {
		name     string
		old, new string
		want     bool
	}{
		{"wrong old value", "x", "b", false},
		{"holds old value", "a", "b", true},
		{"old value already replaced", "a", "c", false},
	}
	for _, tt := range tests {
		ok, err := m.CompareAndSwap(ctx, "k", []byte(tt.old), []byte(tt.new), time.Minute)
		require.NoError(t, err, tt.name)
		require.Equal(t, tt.want, ok, tt.name)
	}
	now = now.Add(30 * time.Second)
	v, ok, _ := m.Get(ctx, "k")
	require.True(t, ok, "the swap set the new TTL")
	require.Equal(t, "b", string(v))
	_, err := m.CompareAndSwap(ctx, "k", []byte("b"), []byte("c"), 0)
	require.ErrorIs(t, err, ErrNoTTL)
	now = now.Add(time.Minute)
	ok, _ = m.CompareAndSwap(ctx, "k", []byte("b"), []byte("c"), time.Minute)
	require.False(t, ok, "an expired key holds nothing")
}

func TestMemorySetNXGet(t *testing.T) {
	now := time.Unix(0, 0)
	m := NewMemory(func(o *MemoryOptions) { o.Now = func() time.Time { return now } })
	ctx := context.Background()
	var _ SetNXGetter = m
	tests := []struct {
		name     string
		value    string
		advance  time.Duration
		wantSet  bool
		wantHeld string
	}{
		{"absent: stored", "a", 0, true, ""},
		{"taken: what it holds", "b", 0, false, "a"},
		{"expired: stored", "c", time.Minute, true, ""},
		{"taken again", "d", 0, false, "c"},
	}
	for _, tt := range tests {
		now = now.Add(tt.advance)
		held, set, err := m.SetNXGet(ctx, "k", []byte(tt.value), time.Minute)
		require.NoError(t, err, tt.name)
		require.Equal(t, tt.wantSet, set, tt.name)
		require.Equal(t, tt.wantHeld, string(held), tt.name)
	}
	held, _, _ := m.SetNXGet(ctx, "k", []byte("x"), time.Minute)
	held[0] = 'X'
	v, _, _ := m.Get(ctx, "k")
	require.Equal(t, "c", string(v), "held is a copy the caller owns")
	_, _, err := m.SetNXGet(ctx, "k", nil, 0)
	require.ErrorIs(t, err, ErrNoTTL)
}

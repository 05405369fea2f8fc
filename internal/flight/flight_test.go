package flight

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/store"
)

func TestLoadFetchesOnceForConcurrentCallers(t *testing.T) {
	tests := []struct {
		name     string
		replicas int
	}{
		{"one process", 1},
		{"three replicas sharing a store", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			shared := store.NewMemory()
			groups := make([]*Group, tt.replicas)
			for i := range groups {
				groups[i] = New(shared, time.Second, time.Millisecond)
			}
			var fetches atomic.Int32
			release := make(chan struct{})
			fetch := func(context.Context) ([]byte, time.Duration, error) {
				fetches.Add(1)
				<-release
				return []byte("token-1"), time.Minute, nil
			}
			var wg sync.WaitGroup
			results := make(chan string, 100)
			errs := make(chan error, 100)
			for i := 0; i < 100; i++ {
				wg.Add(1)
				go func(g *Group) {
					defer wg.Done()
					v, _, err := g.Load(context.Background(), "tok", fetch)
					errs <- err
					results <- string(v)
				}(groups[i%tt.replicas])
			}
			// Every caller but one leader per replica queues behind its
			// replica's leader before the fetch is released.
			require.Eventually(t, func() bool {
				waiting := 0
				for _, g := range groups {
					waiting += g.Waiting("tok")
				}
				return waiting == 100-tt.replicas
			}, 10*time.Second, time.Millisecond)
			close(release)
			wg.Wait()
			close(results)
			close(errs)
			for err := range errs {
				require.NoError(t, err)
			}
			require.Equal(t, int32(1), fetches.Load())
			for v := range results {
				require.Equal(t, "token-1", v)
			}
		})
	}
}

func TestLoadServesCacheAndForget(t *testing.T) {
	g := New(store.NewMemory(), 0, 0)
	n := 0
	fetch := func(context.Context) ([]byte, time.Duration, error) {
		n++
		return []byte{byte('0' + n)}, time.Minute, nil
	}
	ctx := context.Background()
	v, fetched, err := g.Load(ctx, "k", fetch)
	require.NoError(t, err)
	require.True(t, fetched)
	require.Equal(t, "1", string(v))
	v, fetched, _ = g.Load(ctx, "k", fetch)
	require.False(t, fetched, "served from the store")
	require.Equal(t, "1", string(v))
	require.NoError(t, g.Forget(ctx, "k"))
	v, _, _ = g.Load(ctx, "k", fetch)
	require.Equal(t, "2", string(v))
}

func TestLoadErrorsAreNotCached(t *testing.T) {
	g := New(store.NewMemory(), 0, 0)
	boom := errors.New("boom")
	_, _, err := g.Load(context.Background(), "k", func(context.Context) ([]byte, time.Duration, error) { return nil, 0, boom })
	require.ErrorIs(t, err, boom)
	v, _, err := g.Load(context.Background(), "k", func(context.Context) ([]byte, time.Duration, error) { return []byte("ok"), 0, nil })
	require.NoError(t, err)
	require.Equal(t, "ok", string(v), "the lock was released after the failure")
}

func TestWaitersHonourTheirContext(t *testing.T) {
	shared := store.NewMemory()
	a, b := New(shared, time.Minute, time.Millisecond), New(shared, time.Minute, time.Millisecond)
	started := make(chan struct{})
	release := make(chan struct{})
	go func() {
		_, _, _ = a.Load(context.Background(), "k", func(context.Context) ([]byte, time.Duration, error) {
			close(started)
			<-release
			return []byte("v"), time.Minute, nil
		})
	}()
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, _, err := b.Load(ctx, "k", func(context.Context) ([]byte, time.Duration, error) {
		t.Fatal("the other replica holds the lock")
		return nil, 0, nil
	})
	require.ErrorIs(t, err, context.DeadlineExceeded)
	// Local waiters too.
	ctx2, cancel2 := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel2()
	_, _, err = a.Load(ctx2, "k", nil)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	close(release)
}

func TestLeaderCancellationDoesNotFailFollowers(t *testing.T) {
	g := New(store.NewMemory(), time.Minute, time.Millisecond)
	leaderCtx, cancelLeader := context.WithCancel(context.Background())
	started := make(chan struct{})
	go func() {
		_, _, _ = g.Load(leaderCtx, "k", func(ctx context.Context) ([]byte, time.Duration, error) {
			close(started)
			<-ctx.Done()
			return nil, 0, ctx.Err()
		})
	}()
	<-started
	type result struct {
		v   string
		err error
	}
	done := make(chan result)
	go func() {
		v, _, err := g.Load(context.Background(), "k", func(context.Context) ([]byte, time.Duration, error) {
			return []byte("mine"), time.Minute, nil
		})
		done <- result{string(v), err}
	}()
	// The second caller waits on the leader when the leader gives up.
	require.Eventually(t, func() bool { return g.Waiting("k") == 1 }, 10*time.Second, time.Millisecond)
	cancelLeader()
	r := <-done
	require.NoError(t, r.err)
	require.Equal(t, "mine", r.v)
}

func TestExpiredLockHolderDoesNotReleaseANewerLock(t *testing.T) {
	now := time.Unix(0, 0)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	shared := store.NewMemory(func(o *store.MemoryOptions) { o.Now = clock })
	a := New(shared, time.Second, time.Millisecond)
	_, _, err := a.Load(context.Background(), "k", func(context.Context) ([]byte, time.Duration, error) {
		// The fetch outlives the lock; another replica takes it meanwhile.
		mu.Lock()
		now = now.Add(2 * time.Second)
		mu.Unlock()
		ok, err := shared.SetNX(context.Background(), "k:lock", []byte("replica-b"), time.Minute)
		require.NoError(t, err)
		require.True(t, ok)
		return nil, 0, errors.New("slow and failed")
	})
	require.Error(t, err)
	v, ok, err := shared.Get(context.Background(), "k:lock")
	require.NoError(t, err)
	require.True(t, ok, "replica b's lock survives replica a's release")
	require.Equal(t, "replica-b", string(v))
}

// missThenFill is a store whose first Get misses and which then lets another
// replica complete a load, as happens when two replicas race.
type missThenFill struct {
	store.Store
	once sync.Once
	fill func()
}

func (m *missThenFill) Get(ctx context.Context, key string) ([]byte, bool, error) {
	v, ok, err := m.Store.Get(ctx, key)
	m.once.Do(m.fill)
	return v, ok, err
}

func TestLoadRechecksTheCacheAfterTakingTheLock(t *testing.T) {
	shared := store.NewMemory()
	other := New(shared, time.Second, time.Millisecond)
	racing := &missThenFill{Store: shared}
	var fillErr error
	racing.fill = func() {
		_, _, fillErr = other.Load(context.Background(), "tok", func(context.Context) ([]byte, time.Duration, error) {
			return []byte("from-a"), time.Minute, nil
		})
	}
	b := New(racing, time.Second, time.Millisecond)
	v, fetched, err := b.Load(context.Background(), "tok", func(context.Context) ([]byte, time.Duration, error) {
		t.Fatal("replica b must not fetch: replica a already did")
		return nil, 0, nil
	})
	require.NoError(t, err)
	require.NoError(t, fillErr)
	require.False(t, fetched)
	require.Equal(t, "from-a", string(v))
}

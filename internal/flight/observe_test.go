package flight

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/observe"
	"github.com/simkit/simkit/store"
)

// counts tallies the observer events a Group sends.
type counts struct {
	observe.Base
	mu                        sync.Mutex
	hits, misses, joins, reps int
	names                     map[string]bool
}

func (c *counts) Cache(_ context.Context, e observe.Cache) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e.Hit {
		c.hits++
	} else {
		c.misses++
	}
	c.names[e.Provider+"/"+e.Name] = true
}

func (c *counts) FlightJoin(_ context.Context, e observe.FlightJoin) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e.Replica {
		c.reps++
	} else {
		c.joins++
	}
	c.names[e.Provider+"/"+e.Name] = true
}

func TestObserverSeesCacheHitsAndJoins(t *testing.T) {
	obs := &counts{names: map[string]bool{}}
	g := New(store.NewMemory(), time.Second, time.Millisecond, func(o *Options) { o.Observer, o.Provider = obs, "topups" })
	entered, release := make(chan struct{}), make(chan struct{})
	fetch := func(context.Context) ([]byte, time.Duration, error) {
		close(entered)
		<-release
		return []byte("v"), time.Minute, nil
	}
	errs := make(chan error, 2)
	go func() {
		_, _, err := g.LoadNamed(context.Background(), "token", "k", fetch)
		errs <- err
	}()
	<-entered
	go func() {
		_, _, err := g.LoadNamed(context.Background(), "token", "k", fetch)
		errs <- err
	}()
	// The joiner is queued once it holds the in-process call; wait for it
	// through the Group's own state rather than by sleeping a guess.
	require.Eventually(t, func() bool { return g.Waiting("k") == 1 }, 10*time.Second, time.Millisecond)
	close(release)
	require.NoError(t, <-errs)
	require.NoError(t, <-errs)
	_, _, err := g.LoadNamed(context.Background(), "token", "k", fetch)
	require.NoError(t, err)

	obs.mu.Lock()
	defer obs.mu.Unlock()
	require.Equal(t, 1, obs.misses, "the leader's fetch")
	require.Equal(t, 1, obs.hits, "the cached read after")
	require.Equal(t, 1, obs.joins, "the goroutine that waited on the leader")
	require.Equal(t, 0, obs.reps)
	require.Equal(t, map[string]bool{"topups/token": true}, obs.names)
}

func TestObserverSeesWaitsOnAnotherReplica(t *testing.T) {
	obs := &counts{names: map[string]bool{}}
	shared := &lockTries{Memory: store.NewMemory()}
	leader := New(shared, time.Second, time.Millisecond)
	follower := New(shared, time.Second, time.Millisecond, func(o *Options) { o.Observer, o.Provider = obs, "topups" })
	entered, release := make(chan struct{}), make(chan struct{})
	errs := make(chan error, 2)
	go func() {
		_, _, err := leader.Load(context.Background(), "k", func(context.Context) ([]byte, time.Duration, error) {
			close(entered)
			<-release
			return []byte("v"), time.Minute, nil
		})
		errs <- err
	}()
	<-entered
	go func() {
		_, _, err := follower.LoadNamed(context.Background(), "package_history", "k", nil)
		errs <- err
	}()
	// The follower finds the lock held (the leader's try, then its own).
	require.Eventually(t, func() bool { return shared.tries.Load() >= 2 }, 10*time.Second, time.Millisecond)
	close(release)
	require.NoError(t, <-errs)
	require.NoError(t, <-errs)
	obs.mu.Lock()
	defer obs.mu.Unlock()
	require.Equal(t, 1, obs.reps)
	require.Equal(t, 1, obs.hits, "served the leader's value, fetched nothing")
}

// lockTries counts SetNX calls: the lock tries of every replica.
type lockTries struct {
	*store.Memory
	tries atomic.Int32
}

func (s *lockTries) SetNX(ctx context.Context, key string, v []byte, ttl time.Duration) (bool, error) {
	s.tries.Add(1)
	return s.Memory.SetNX(ctx, key, v, ttl)
}

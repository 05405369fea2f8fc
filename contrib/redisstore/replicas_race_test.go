package redisstore

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/simkit/simkit/simkittest"
	"github.com/stretchr/testify/require"
)

// pauseAfterMiss is a replica's Store with a hook: the first Get of a key
// with prefix that finds nothing reports it on missed and then waits for
// resume before returning the miss. It lets a test put a whole load by
// another replica between this replica's cache read and its lock attempt.
type pauseAfterMiss struct {
	*Store
	prefix         string
	once           sync.Once
	missed, resume chan struct{}
}

func (p *pauseAfterMiss) Get(ctx context.Context, key string) ([]byte, bool, error) {
	v, ok, err := p.Store.Get(ctx, key)
	if err == nil && !ok && strings.HasPrefix(key, p.prefix) {
		p.once.Do(func() {
			close(p.missed)
			<-p.resume
		})
	}
	return v, ok, err
}

// TestReplicasLoadOnceWhenCacheFillsBeforeLock pins the fleet's "one
// load" promise at its narrowest point: replica B reads the cache (miss),
// replica A then runs the whole load (fetch, cache it, drop the lock), and
// only then does B try the lock. B must serve A's value, not load again.
//
// It fails while internal/flight (Group.load, flight.go:107-112) fetches as
// soon as SetNX wins the lock without reading the cache once more: B then
// fetches a second token, or meets the closed history window and returns
// ErrRateLimited although the answer sits in Redis.
func TestReplicasLoadOnceWhenCacheFillsBeforeLock(t *testing.T) {
	const iccid = simkittest.TopupsSeedICCID
	tests := []struct {
		name   string
		prefix string // the Store key of the shared value
		call   func(f *fleet, replica int) error
		loads  func(f *fleet) int
	}{
		{
			name:   "OAuth token",
			prefix: "topups:token:",
			call: func(f *fleet, r int) error {
				_, err := f.replicas[r].Topups.TopupPackages(context.Background(), iccid)
				return err
			},
			loads: func(f *fleet) int { return f.env.Topups.TokenCount() },
		},
		{
			name:   "package history",
			prefix: "topups:history:",
			call: func(f *fleet, r int) error {
				_, err := f.replicas[r].Topups.PackageHistory(context.Background(), iccid)
				return err
			},
			loads: func(f *fleet) int { return f.env.Topups.HistoryRequests(iccid) },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hook := &pauseAfterMiss{prefix: tt.prefix, missed: make(chan struct{}), resume: make(chan struct{})}
			f := newFleet(t, FailClosed, func(i int, st *Store) replicaStore {
				if i != 1 {
					return st
				}
				hook.Store = st
				return hook
			})
			errB := make(chan error, 1)
			go func() { errB <- tt.call(f, 1) }()
			<-hook.missed
			require.NoError(t, tt.call(f, 0), "replica A loads")
			close(hook.resume)
			require.NoError(t, <-errB, "replica B is served A's value (flight.Group.load must re-read the cache after winning the lock)")
			require.Equal(t, 1, tt.loads(f), "one load for the fleet (flight.Group.load must re-read the cache after winning the lock)")
		})
	}
}

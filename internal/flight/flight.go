// Package flight makes sure an expensive or rate-limited load (an OAuth
// token, a package history limited to one request per 15 minutes) runs once
// even when many goroutines, or many replicas sharing a Store, ask at once.
package flight

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/simkit/simkit/retry"
	"github.com/simkit/simkit/store"
)

// Group coordinates loads of cached values. The zero value is not usable;
// build it with New.
type Group struct {
	store   store.Store
	lockTTL time.Duration
	poll    time.Duration
	seq     atomic.Uint64
	id      string // distinguishes this process's lock tokens from other replicas'

	mu    sync.Mutex
	calls map[string]*call
}

type call struct {
	done    chan struct{}
	val     []byte
	fetched bool
	err     error
}

// New returns a Group over st. lockTTL bounds how long one replica may hold
// a load (a crashed replica's lock expires); poll is how often waiting
// replicas re-read the store.
func New(st store.Store, lockTTL, poll time.Duration) *Group {
	if lockTTL <= 0 {
		lockTTL = 30 * time.Second
	}
	if poll <= 0 {
		poll = 50 * time.Millisecond
	}
	var rnd [8]byte
	_, _ = rand.Read(rnd[:])
	return &Group{store: st, lockTTL: lockTTL, poll: poll, id: hex.EncodeToString(rnd[:]) + ":", calls: make(map[string]*call)}
}

// Load returns the value cached under key. When none is cached, exactly one
// caller (per process, and per fleet through the store's SetNX lock) runs
// fetch, which returns the value and how long to cache it (0: do not cache);
// the others receive its value. fetched reports whether this caller's
// process ran fetch.
func (g *Group) Load(ctx context.Context, key string, fetch func(context.Context) ([]byte, time.Duration, error)) (val []byte, fetched bool, err error) {
	// Fast path: a cached value needs no coordination (every token-using
	// call comes through here).
	if v, ok, err := g.store.Get(ctx, key); err == nil && ok {
		return v, false, nil
	}
	for {
		g.mu.Lock()
		if c, ok := g.calls[key]; ok {
			g.mu.Unlock()
			select {
			case <-c.done:
			case <-ctx.Done():
				return nil, false, ctx.Err()
			}
			// The leader's own cancellation is not ours: try again.
			if c.err != nil && isContextErr(c.err) && ctx.Err() == nil {
				continue
			}
			return c.val, false, c.err
		}
		c := &call{done: make(chan struct{})}
		g.calls[key] = c
		g.mu.Unlock()

		c.val, c.fetched, c.err = g.load(ctx, key, fetch)

		g.mu.Lock()
		delete(g.calls, key)
		g.mu.Unlock()
		close(c.done)
		return c.val, c.fetched, c.err
	}
}

// Forget drops the cached value under key, so the next Load fetches anew
// (for example after the provider refused a cached token).
func (g *Group) Forget(ctx context.Context, key string) error {
	return g.store.Delete(ctx, key)
}

func (g *Group) load(ctx context.Context, key string, fetch func(context.Context) ([]byte, time.Duration, error)) ([]byte, bool, error) {
	lockKey := key + ":lock"
	token := []byte(g.id + strconv.FormatUint(g.seq.Add(1), 10))
	for {
		v, ok, err := g.store.Get(ctx, key)
		if err != nil {
			return nil, false, err
		}
		if ok {
			return v, false, nil
		}
		got, err := g.store.SetNX(ctx, lockKey, token, g.lockTTL)
		if err != nil {
			return nil, false, err
		}
		if got {
			return g.fetchLocked(ctx, key, lockKey, token, fetch)
		}
		if err := retry.SleepContext(ctx, g.poll); err != nil {
			return nil, false, err
		}
	}
}

func (g *Group) fetchLocked(ctx context.Context, key, lockKey string, token []byte, fetch func(context.Context) ([]byte, time.Duration, error)) ([]byte, bool, error) {
	defer func() {
		// Release even if ctx ended, or other replicas wait out lockTTL;
		// but only our own lock, in case a slow fetch outlived lockTTL and
		// another replica holds it now.
		rctx := context.WithoutCancel(ctx)
		if cad, ok := g.store.(store.CompareAndDeleter); ok {
			_, _ = cad.CompareAndDelete(rctx, lockKey, token)
			return
		}
		_ = g.store.Delete(rctx, lockKey)
	}()
	// Another replica may have finished a whole load between our cache miss
	// and our lock: read again before spending a fetch.
	if v, ok, err := g.store.Get(ctx, key); err != nil || ok {
		return v, false, err
	}
	v, ttl, err := fetch(ctx)
	if err != nil {
		return nil, true, err
	}
	if ttl > 0 {
		if err := g.store.Set(ctx, key, v, ttl); err != nil {
			return v, true, err
		}
	}
	return v, true, nil
}

func isContextErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// Package flight makes sure an expensive or rate-limited load (an OAuth
// token, a package history limited to one request per 15 minutes) runs once
// even when many goroutines, or many replicas sharing a Store, ask at once.
package flight

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/simkit/simkit/internal/randid"
	"github.com/simkit/simkit/internal/storelock"
	"github.com/simkit/simkit/observe"
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

	o Options

	mu    sync.Mutex
	calls map[string]*call
}

// Options name a Group for the observer.
type Options struct {
	// Observer receives a Cache event per LoadNamed (hit or miss) and a
	// FlightJoin for every caller that waited on another's load; nil
	// reports nothing.
	Observer observe.Observer
	// Provider labels the events.
	Provider string
}

type call struct {
	done    chan struct{}
	val     []byte
	fetched bool
	err     error
	// waiters counts the callers blocked on this load; g.mu guards it.
	waiters int
}

// New returns a Group over st. lockTTL bounds how long one replica may hold
// a load (a crashed replica's lock expires); poll is how often waiting
// replicas re-read the store.
func New(st store.Store, lockTTL, poll time.Duration, opts ...func(*Options)) *Group {
	if lockTTL <= 0 {
		lockTTL = 30 * time.Second
	}
	if poll <= 0 {
		poll = 50 * time.Millisecond
	}
	g := &Group{store: st, lockTTL: lockTTL, poll: poll, id: randid.Hex(8) + ":", calls: make(map[string]*call)}
	for _, fn := range opts {
		fn(&g.o)
	}
	return g
}

// Load returns the value cached under key. When none is cached, exactly one
// caller (per process, and per fleet through the store's SetNX lock) runs
// fetch, which returns the value and how long to cache it (0: do not cache);
// the others receive its value. fetched reports whether this caller's
// process ran fetch.
func (g *Group) Load(ctx context.Context, key string, fetch func(context.Context) ([]byte, time.Duration, error)) (val []byte, fetched bool, err error) {
	return g.LoadNamed(ctx, "", key, fetch)
}

// LoadNamed is Load with a name for the observer's events ("token",
// "package_history"): keys may hold customer data, names never do.
func (g *Group) LoadNamed(ctx context.Context, name, key string, fetch func(context.Context) ([]byte, time.Duration, error)) (val []byte, fetched bool, err error) {
	// Fast path: a cached value needs no coordination (every token-using
	// call comes through here).
	if v, ok, err := g.store.Get(ctx, key); err == nil && ok {
		if g.o.Observer != nil {
			g.o.Observer.Cache(ctx, observe.Cache{Provider: g.o.Provider, Name: name, Hit: true})
		}
		return v, false, nil
	}
	for {
		g.mu.Lock()
		if c, ok := g.calls[key]; ok {
			c.waiters++
			g.mu.Unlock()
			start := time.Now()
			select {
			case <-c.done:
			case <-ctx.Done():
				g.unwait(c)
				g.joined(ctx, name, start, false, ctx.Err())
				return nil, false, ctx.Err()
			}
			g.unwait(c)
			// The leader's own cancellation is not ours: try again.
			if c.err != nil && isContextErr(c.err) && ctx.Err() == nil {
				continue
			}
			g.joined(ctx, name, start, false, c.err)
			return c.val, false, c.err
		}
		c := &call{done: make(chan struct{})}
		g.calls[key] = c
		g.mu.Unlock()

		var waited time.Duration
		c.val, c.fetched, waited, c.err = g.load(ctx, key, fetch)
		if g.o.Observer != nil {
			if waited > 0 {
				g.o.Observer.FlightJoin(ctx, observe.FlightJoin{Provider: g.o.Provider, Name: name, Waited: waited, Replica: true, Err: c.err})
			}
			if c.err == nil {
				g.o.Observer.Cache(ctx, observe.Cache{Provider: g.o.Provider, Name: name, Hit: !c.fetched})
			}
		}

		g.mu.Lock()
		delete(g.calls, key)
		g.mu.Unlock()
		close(c.done)
		return c.val, c.fetched, c.err
	}
}

// unwait counts a waiter of c out.
func (g *Group) unwait(c *call) {
	g.mu.Lock()
	c.waiters--
	g.mu.Unlock()
}

// Waiting returns how many callers in this process are blocked on the
// load of key another caller is running: tests wait for it instead of
// sleeping and hoping the callers got there.
func (g *Group) Waiting(key string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	if c, ok := g.calls[key]; ok {
		return c.waiters
	}
	return 0
}

// Forget drops the cached value under key, so the next Load fetches anew
// (for example after the provider refused a cached token).
func (g *Group) Forget(ctx context.Context, key string) error {
	return g.store.Delete(ctx, key)
}

// joined reports a caller that waited on this process's leader.
func (g *Group) joined(ctx context.Context, name string, start time.Time, replica bool, err error) {
	if g.o.Observer != nil {
		g.o.Observer.FlightJoin(ctx, observe.FlightJoin{Provider: g.o.Provider, Name: name, Waited: time.Since(start), Replica: replica, Err: err})
	}
}

// load runs fetch under the fleet-wide lock, or waits for the replica
// holding it; waited is how long it polled for another replica (0 when it
// never had to).
func (g *Group) load(ctx context.Context, key string, fetch func(context.Context) ([]byte, time.Duration, error)) (val []byte, fetched bool, waited time.Duration, err error) {
	lockKey := key + ":lock"
	token := []byte(g.id + strconv.FormatUint(g.seq.Add(1), 10))
	var start time.Time
	since := func() time.Duration {
		if start.IsZero() {
			return 0
		}
		return time.Since(start)
	}
	for {
		v, ok, err := g.store.Get(ctx, key)
		if err != nil {
			return nil, false, since(), err
		}
		if ok {
			return v, false, since(), nil
		}
		got, err := g.store.SetNX(ctx, lockKey, token, g.lockTTL)
		if err != nil {
			return nil, false, since(), err
		}
		if got {
			v, fetched, err := g.fetchLocked(ctx, key, lockKey, token, fetch)
			return v, fetched, since(), err
		}
		if start.IsZero() {
			start = time.Now()
		}
		if err := retry.SleepContext(ctx, g.poll); err != nil {
			return nil, false, since(), err
		}
	}
}

func (g *Group) fetchLocked(ctx context.Context, key, lockKey string, token []byte, fetch func(context.Context) ([]byte, time.Duration, error)) ([]byte, bool, error) {
	defer func() {
		// Release even if ctx ended, or other replicas wait out lockTTL;
		// but only our own lock, in case a slow fetch outlived lockTTL and
		// another replica holds it now.
		_ = storelock.Release(ctx, g.store, lockKey, token)
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

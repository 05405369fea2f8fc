package transport

import (
	"context"
	"strconv"
	"time"

	"github.com/simkit/simkit/observe"
	"github.com/simkit/simkit/store"
)

// Gate admits one call per key per window (the topups API allows one
// package-history request per eSIM per 15 minutes). It keeps its state in a
// Store, so replicas sharing a store share the gate, and every key carries
// the window as its TTL, so the map shrinks as windows pass.
type Gate struct {
	store  store.Store
	prefix string
	window time.Duration
	now    func() time.Time
	o      GateOptions
}

// GateOptions name a gate for the observer.
type GateOptions struct {
	// Observer receives a LimiterWait for every Allow; nil reports nothing.
	Observer observe.Observer
	// Provider and Name label the events (Name is LimiterWait.Limiter,
	// such as "package_history").
	Provider, Name string
}

// NewGate returns a gate over st; prefix namespaces its keys.
func NewGate(st store.Store, prefix string, window time.Duration, now func() time.Time, opts ...func(*GateOptions)) *Gate {
	if now == nil {
		now = time.Now
	}
	g := &Gate{store: st, prefix: prefix, window: window, now: now}
	for _, fn := range opts {
		fn(&g.o)
	}
	return g
}

// Allow claims key's window. When the window is already taken it returns
// false and how long until it reopens.
func (g *Gate) Allow(ctx context.Context, key string) (ok bool, retryAfter time.Duration, err error) {
	ok, retryAfter, err = g.allow(ctx, key)
	if g.o.Observer != nil {
		g.o.Observer.LimiterWait(ctx, observe.LimiterWait{Provider: g.o.Provider, Limiter: g.o.Name,
			Admitted: ok, RetryAfter: retryAfter, Err: err})
	}
	return ok, retryAfter, err
}

func (g *Gate) allow(ctx context.Context, key string) (ok bool, retryAfter time.Duration, err error) {
	now := g.now()
	until := now.Add(g.window)
	k := g.prefix + key
	ok, err = g.store.SetNX(ctx, k, []byte(strconv.FormatInt(until.UnixNano(), 10)), g.window)
	if err != nil || ok {
		return ok, 0, err
	}
	v, found, err := g.store.Get(ctx, k)
	if err != nil {
		return false, 0, err
	}
	if !found {
		// The window closed between the two calls: try once more.
		ok, err = g.store.SetNX(ctx, k, []byte(strconv.FormatInt(until.UnixNano(), 10)), g.window)
		return ok, 0, err
	}
	ns, perr := strconv.ParseInt(string(v), 10, 64)
	if perr != nil {
		return false, g.window, nil
	}
	retryAfter = time.Unix(0, ns).Sub(now)
	if retryAfter < 0 {
		retryAfter = 0
	}
	return false, retryAfter, nil
}

// Release reopens key's window early, for a call that failed before it
// reached the provider and so did not spend the allowance.
func (g *Gate) Release(ctx context.Context, key string) error {
	return g.store.Delete(ctx, g.prefix+key)
}

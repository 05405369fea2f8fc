package webhook

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/internal/logx"
	"github.com/simkit/simkit/store"
)

// brokenStore is a Memory store whose calls fail, one kind at a time, while
// their switch is on, and which refuses a cancelled context as a networked
// store (Redis) does.
type brokenStore struct {
	*store.Memory
	get, set, setNX, swap, del atomic.Bool
}

func check(ctx context.Context, down *atomic.Bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if down.Load() {
		return errDown
	}
	return nil
}

func (b *brokenStore) Get(ctx context.Context, k string) ([]byte, bool, error) {
	if err := check(ctx, &b.get); err != nil {
		return nil, false, err
	}
	return b.Memory.Get(ctx, k)
}

func (b *brokenStore) Set(ctx context.Context, k string, v []byte, ttl time.Duration) error {
	if err := check(ctx, &b.set); err != nil {
		return err
	}
	return b.Memory.Set(ctx, k, v, ttl)
}

func (b *brokenStore) SetNX(ctx context.Context, k string, v []byte, ttl time.Duration) (bool, error) {
	if err := check(ctx, &b.setNX); err != nil {
		return false, err
	}
	return b.Memory.SetNX(ctx, k, v, ttl)
}

// SetNXGet fails as the SetNX and the Get it stands for would: the claim
// when writes fail, the read of another holder's lease when reads fail.
func (b *brokenStore) SetNXGet(ctx context.Context, k string, v []byte, ttl time.Duration) ([]byte, bool, error) {
	if err := check(ctx, &b.setNX); err != nil {
		return nil, false, err
	}
	held, set, err := b.Memory.SetNXGet(ctx, k, v, ttl)
	if err == nil && !set {
		if err := check(ctx, &b.get); err != nil {
			return nil, false, err
		}
	}
	return held, set, err
}

func (b *brokenStore) Delete(ctx context.Context, k string) error {
	if err := check(ctx, &b.del); err != nil {
		return err
	}
	return b.Memory.Delete(ctx, k)
}

func (b *brokenStore) CompareAndSwap(ctx context.Context, k string, old, new []byte, ttl time.Duration) (bool, error) {
	if err := check(ctx, &b.swap); err != nil {
		return false, err
	}
	return b.Memory.CompareAndSwap(ctx, k, old, new, ttl)
}

func (b *brokenStore) CompareAndDelete(ctx context.Context, k string, v []byte) (bool, error) {
	if err := check(ctx, &b.del); err != nil {
		return false, err
	}
	return b.Memory.CompareAndDelete(ctx, k, v)
}

// testClock is a settable clock, safe to read from a renewing timer.
type testClock struct{ ns atomic.Int64 }

func newClock() *testClock {
	c := &testClock{}
	c.ns.Store(time.Unix(1768478058, 0).UnixNano())
	return c
}

func (c *testClock) now() time.Time          { return time.Unix(0, c.ns.Load()) }
func (c *testClock) advance(d time.Duration) { c.ns.Add(int64(d)) }

// stores are the two kinds of Store a lease runs on: one with the atomic
// compare-and-swap/delete extras, one with only Get/Set/SetNX/Delete.
func stores(b *brokenStore) map[string]store.Store {
	return map[string]store.Store{"atomic": b, "get then set": getSetOnly{b}}
}

// TestBeginStoreFailure: a store that fails while a delivery is claimed,
// read or taken over gives an error and no lease, on either kind of store;
// Handle answers 500 and does not run the function, so the provider
// retries later.
func TestBeginStoreFailure(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		setup func(b *brokenStore, clock *testClock, d *Dedupe)
	}{
		{"claim", func(b *brokenStore, _ *testClock, _ *Dedupe) { b.setNX.Store(true) }},
		{"read another holder's lease", func(b *brokenStore, _ *testClock, d *Dedupe) {
			_, _, err := d.Begin(ctx, "k")
			require.NoError(t, err)
			b.get.Store(true)
		}},
		{"take over an expired lease", func(b *brokenStore, clock *testClock, d *Dedupe) {
			_, _, err := d.Begin(ctx, "k")
			require.NoError(t, err)
			clock.advance(6 * time.Second) // on the handlers' clock; the store's TTL runs on real time
			b.swap.Store(true)
		}},
	} {
		for _, kind := range []string{"atomic", "get then set"} {
			if tc.name == "take over an expired lease" && kind != "atomic" {
				continue // without compare-and-swap a lease is never taken over
			}
			t.Run(tc.name+" "+kind, func(t *testing.T) {
				b := &brokenStore{Memory: store.NewMemory()}
				clock := newClock()
				d := &Dedupe{Store: stores(b)[kind], Now: clock.now, Lease: 5 * time.Second}
				tc.setup(b, clock, d)
				l, _, err := d.Begin(ctx, "k")
				require.ErrorIs(t, err, errDown)
				require.Nil(t, l)

				ran := false
				w := httptest.NewRecorder()
				d.Handle(ctx, w, logx.Discard(), nil, "k", time.Second, func(context.Context) error { ran = true; return nil })
				require.Equal(t, http.StatusInternalServerError, w.Code)
				require.False(t, ran)
			})
		}
	}
}

// vanishing is a store in which the key is there for SetNX and gone by
// the Get that follows (its TTL ended in between), for the first n tries.
// It has only the four basic calls: a store with SetNXGet claims and reads
// in one step, where a key cannot vanish in between.
type vanishing struct {
	store.Store
	n, setNX atomic.Int32
}

func (v *vanishing) SetNX(ctx context.Context, k string, val []byte, ttl time.Duration) (bool, error) {
	v.setNX.Add(1)
	if v.n.Load() > 0 {
		return false, nil
	}
	return v.Store.SetNX(ctx, k, val, ttl)
}

func (v *vanishing) Get(ctx context.Context, k string) ([]byte, bool, error) {
	if v.n.Add(-1) >= 0 {
		return nil, false, nil
	}
	return v.Store.Get(ctx, k)
}

// TestBeginKeyVanishes: a key that expires between the claim and the read
// is claimed again; one that keeps doing so is called in flight after three
// tries (each a store round trip while the provider waits).
func TestBeginKeyVanishes(t *testing.T) {
	ctx := context.Background()
	once := &vanishing{Store: store.NewMemory()}
	once.n.Store(1)
	l, state, err := (&Dedupe{Store: once}).Begin(ctx, "k")
	require.NoError(t, err)
	require.Equal(t, New, state)
	require.NotNil(t, l)
	require.Equal(t, int32(2), once.setNX.Load())

	always := &vanishing{Store: store.NewMemory()}
	always.n.Store(1 << 30)
	l, state, err = (&Dedupe{Store: always}).Begin(ctx, "k")
	require.NoError(t, err)
	require.Equal(t, InFlight, state)
	require.Nil(t, l)
	require.Equal(t, int32(3), always.setNX.Load())
}

// TestBeginReadsOnlyWellFormedLeases: a value that is not a lease this
// package wrote (an older release's claim, a damaged value) is in flight
// until its TTL ends; a well-formed lease past its end is taken over.
func TestBeginReadsOnlyWellFormedLeases(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		value string
		want  State
	}{
		{"processing", InFlight},
		{"lease:", InFlight},
		{"lease:1768478058000", InFlight},
		{"lease:soon:0123456789abcdef", InFlight},
		{"lease:1768478050000:0123456789abcdef", New},
		{"done", Done},
	} {
		t.Run(tc.value, func(t *testing.T) {
			st := store.NewMemory()
			require.NoError(t, st.Set(ctx, "k", []byte(tc.value), time.Minute))
			d := &Dedupe{Store: st, Now: newClock().now}
			l, state, err := d.Begin(ctx, "k")
			require.NoError(t, err)
			require.Equal(t, tc.want, state)
			require.Equal(t, tc.want == New, l != nil)
		})
	}
}

// TestLeaseOnTheDefaultClock: a lease written by a handler on the default
// clock is live to another replica sharing the store.
func TestLeaseOnTheDefaultClock(t *testing.T) {
	ctx := context.Background()
	st := store.NewMemory()
	_, state, err := (&Dedupe{Store: st}).Begin(ctx, "k")
	require.NoError(t, err)
	require.Equal(t, New, state)
	_, state, err = (&Dedupe{Store: st, Now: time.Now}).Begin(ctx, "k")
	require.NoError(t, err)
	require.Equal(t, InFlight, state)
}

// TestDoneMarkLastsDone: a handled id is remembered for Dedupe.Done, then
// forgotten.
func TestDoneMarkLastsDone(t *testing.T) {
	ctx := context.Background()
	clock := newClock()
	d := &Dedupe{Store: store.NewMemory(func(o *store.MemoryOptions) { o.Now = clock.now }), Now: clock.now, Done: time.Hour}
	l, _, err := d.Begin(ctx, "k")
	require.NoError(t, err)
	require.NoError(t, l.Commit(ctx))
	clock.advance(59 * time.Minute)
	_, state, _ := d.Begin(ctx, "k")
	require.Equal(t, Done, state)
	clock.advance(2 * time.Minute)
	_, state, _ = d.Begin(ctx, "k")
	require.Equal(t, New, state)
}

// TestOldHolderCannotTouchNewLease: a handler whose lease ran out in the
// store (its TTL, on the store's clock) and was claimed by another handler
// can neither renew nor release the new lease, on either kind of store,
// even when both leases end at the same instant on the handlers' frozen
// clock: each lease names its holder.
func TestOldHolderCannotTouchNewLease(t *testing.T) {
	ctx := context.Background()
	for name := range stores(nil) {
		t.Run(name, func(t *testing.T) {
			storeClock := newClock()
			b := &brokenStore{Memory: store.NewMemory(func(o *store.MemoryOptions) { o.Now = storeClock.now })}
			clock := newClock()
			d := &Dedupe{Store: stores(b)[name], Now: clock.now, Lease: 5 * time.Second}
			old, state, err := d.Begin(ctx, "k")
			require.NoError(t, err)
			require.Equal(t, New, state)
			storeClock.advance(6 * time.Second)
			cur, state, err := d.Begin(ctx, "k")
			require.NoError(t, err)
			require.Equal(t, New, state, "the store dropped the old lease")

			ok, err := old.Renew(ctx)
			require.NoError(t, err)
			require.False(t, ok, "the old holder cannot renew")
			require.NoError(t, old.Release(ctx))
			_, state, _ = d.Begin(ctx, "k")
			require.Equal(t, InFlight, state, "nor release the new lease")
			for range 2 {
				clock.advance(time.Second)
				ok, err = cur.Renew(ctx)
				require.NoError(t, err)
				require.True(t, ok, "the new holder renews, again and again")
			}
			require.NoError(t, cur.Release(ctx))
			_, state, _ = d.Begin(ctx, "k")
			require.Equal(t, New, state, "and releases it")
		})
	}
}

// TestLeaseStoreFailures: a renewal or release whose store call fails
// reports the error and leaves the lease as it was, so the next renewal
// still finds it ours.
func TestLeaseStoreFailures(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name           string
		renew, release []string // the calls whose failure each must report
	}{
		{"atomic", []string{"swap"}, []string{"delete"}},
		{"get then set", []string{"get", "set"}, []string{"get", "delete"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := &brokenStore{Memory: store.NewMemory()}
			down := map[string]*atomic.Bool{"get": &b.get, "set": &b.set, "swap": &b.swap, "delete": &b.del}
			clock := newClock()
			d := &Dedupe{Store: stores(b)[tc.name], Now: clock.now}
			l, _, err := d.Begin(ctx, "k")
			require.NoError(t, err)
			for _, call := range tc.renew {
				clock.advance(time.Second)
				down[call].Store(true)
				ok, err := l.Renew(ctx)
				down[call].Store(false)
				require.ErrorIs(t, err, errDown, call)
				require.False(t, ok, call)
				ok, err = l.Renew(ctx)
				require.NoError(t, err)
				require.True(t, ok, "after a failed %s the lease is still ours", call)
			}
			for _, call := range tc.release {
				down[call].Store(true)
				require.ErrorIs(t, l.Release(ctx), errDown, call)
				down[call].Store(false)
			}
		})
	}
}

// TestLeaseEndsAfterTheRequestDoes: Commit and Release run after the
// request's context may have ended (the provider hung up); they still
// write to a store that refuses a cancelled context.
func TestLeaseEndsAfterTheRequestDoes(t *testing.T) {
	for name := range stores(nil) {
		t.Run(name, func(t *testing.T) {
			b := &brokenStore{Memory: store.NewMemory()}
			d := &Dedupe{Store: stores(b)[name]}
			ctx, cancel := context.WithCancel(context.Background())
			l, _, err := d.Begin(ctx, "released")
			require.NoError(t, err)
			c, _, err := d.Begin(ctx, "committed")
			require.NoError(t, err)
			cancel()
			require.NoError(t, l.Release(ctx))
			require.NoError(t, c.Commit(ctx))
			_, state, _ := d.Begin(context.Background(), "released")
			require.Equal(t, New, state)
			_, state, _ = d.Begin(context.Background(), "committed")
			require.Equal(t, Done, state)
		})
	}
}

// TestLeaseKeepStopsOrRetries: Keep tries a failed renewal again at the
// next tick, and stops renewing once its context ends or another handler
// took the lease over.
func TestLeaseKeepStopsOrRetries(t *testing.T) {
	clock := newClock()
	b := &brokenStore{Memory: store.NewMemory(func(o *store.MemoryOptions) { o.Now = clock.now })}
	d := &Dedupe{Store: b, Now: clock.now, Lease: 3 * time.Second}
	// keep starts Keep on a timer the test fires; fire reports whether the
	// tick armed the next one.
	keep := func(ctx context.Context, id string) (fire func() bool) {
		l, state, err := d.Begin(context.Background(), id)
		require.NoError(t, err)
		require.Equal(t, New, state)
		var next func()
		l.keep(ctx, func(_ time.Duration, f func()) func() bool { next = f; return func() bool { return true } })
		return func() bool {
			f := next
			next = nil
			f()
			return next != nil
		}
	}
	begin := func(id string) State {
		_, state, err := d.Begin(context.Background(), id)
		require.NoError(t, err)
		return state
	}

	fire := keep(context.Background(), "failed write")
	b.swap.Store(true)
	clock.advance(time.Second)
	require.True(t, fire(), "a failed renewal is tried again at the next tick")
	b.swap.Store(false)
	clock.advance(time.Second)
	require.True(t, fire())
	clock.advance(2 * time.Second)
	require.Equal(t, InFlight, begin("failed write"), "renewed at +2 s, it holds at +4 s")

	fire = keep(context.Background(), "taken over")
	clock.advance(4 * time.Second)
	require.Equal(t, New, begin("taken over"), "another handler takes the expired lease")
	require.False(t, fire(), "the lost lease is not renewed again")
	require.Equal(t, InFlight, begin("taken over"), "and the new holder keeps it")

	ctx, cancel := context.WithCancel(context.Background())
	fire = keep(ctx, "context ended")
	cancel()
	clock.advance(time.Second)
	require.False(t, fire(), "no renewal after the context ended")
	clock.advance(2 * time.Second)
	require.Equal(t, New, begin("context ended"), "so the lease ends 3 s after it began")
}

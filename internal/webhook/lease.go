package webhook

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/simkit/simkit/internal/randid"
	"github.com/simkit/simkit/internal/storelock"
	"github.com/simkit/simkit/store"
)

// State is where a delivery stands in the dedupe record.
type State int

const (
	// New: first time seen (or its last holder's lease ran out); the caller
	// holds the lease and must Commit or Release it.
	New State = iota
	// InFlight: another handler holds a live lease on the same delivery.
	InFlight
	// Done: already handled successfully.
	Done
)

const (
	valueDone = "done"
	// valueLegacyClaim is what releases before leases wrote for a delivery
	// in progress; it is read as a lease whose expiry only the TTL knows.
	valueLegacyClaim = "processing"
	leaseTag         = "lease:"
)

// Dedupe records which deliveries were handled, keyed by the provider's
// idempotency id, in a Store shared by every replica.
//
// A delivery in progress holds a lease: a key whose value names its holder
// and the instant it ends on the handler's clock, written with the same
// TTL so the Store drops it too. The holder renews it while the user
// function runs. Whichever ends first, the TTL in the Store or the expiry
// read on the clock, frees the delivery for the provider's retry, so a
// replica that died mid-delivery never makes the retry answer 409, and
// tests with a fake clock see leases expire on that clock even in Redis.
type Dedupe struct {
	Store  store.Store
	Prefix string
	// Now is the clock leases are judged by. Default time.Now.
	Now func() time.Time
	// Lease is how long a delivery in progress stays claimed without a
	// renewal; it must end before the provider's next retry.
	Lease time.Duration
	// Done is how long a handled id is remembered; it must outlast the
	// provider's whole retry horizon.
	Done time.Duration
	// Later retries a done mark the Store refused after the function
	// succeeded; nil only logs the failure.
	Later *Later
}

// DefaultLease and DefaultDone are used when Dedupe's fields are zero;
// providers pass values derived from their own schedules.
const (
	DefaultLease = 5 * time.Second
	DefaultDone  = 7 * 24 * time.Hour
)

func (d *Dedupe) now() time.Time {
	if d.Now == nil {
		return time.Now()
	}
	return d.Now()
}

func (d *Dedupe) lease() time.Duration {
	if d.Lease <= 0 {
		return DefaultLease
	}
	return d.Lease
}

func (d *Dedupe) done() time.Duration {
	if d.Done <= 0 {
		return DefaultDone
	}
	return d.Done
}

// withTimeout is context.WithTimeout, except that a ctx whose own deadline
// comes first is returned as it is: the handlers hand Handle a context
// that already ends Deadline after the request arrived, and a child that
// could never end sooner would cost a context, its registration with the
// parent and its cancellation on every delivery. Either way fn's context
// ends at the earlier of the two instants.
func withTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if dl, ok := ctx.Deadline(); ok && !dl.After(time.Now().Add(d)) {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, d)
}

// Lease is a held claim on one delivery.
type Lease struct {
	d   *Dedupe
	key string
	// token names this holder in the lease value: 8 random bytes in hex.
	token [16]byte
	value []byte
	// r is Keep's state.
	r renewal
}

// renewal is Keep's state. It lives in the Lease, so keeping a lease costs
// its timer and two function values, not a heap cell per variable of a
// closure.
type renewal struct {
	mu      sync.Mutex
	ctx     context.Context
	every   time.Duration
	stopped bool
	// schedule stands in for the timer in tests; nil runs timer.
	schedule func(time.Duration, func()) (cancel func() bool)
	cancel   func() bool
	timer    *time.Timer
	tick     func()
}

// Begin claims id. Only the caller that gets New (and a non-nil Lease) may
// hand the delivery to the user function.
func (d *Dedupe) Begin(ctx context.Context, id string) (*Lease, State, error) {
	l := &Lease{d: d, key: d.Prefix + id}
	newToken(&l.token)
	l.value = l.encode()
	// The key can expire between SetNX and Get; try a few times, then call
	// it in flight so the sender retries later.
	for i := 0; i < 3; i++ {
		ok, err := d.Store.SetNX(ctx, l.key, l.value, d.lease())
		if err != nil {
			return nil, New, err
		}
		if ok {
			return l, New, nil
		}
		v, found, err := d.Store.Get(ctx, l.key)
		if err != nil {
			return nil, New, err
		}
		if !found {
			continue
		}
		if string(v) == valueDone {
			return nil, Done, nil
		}
		until, ok := leaseExpiry(v)
		if !ok || d.now().Before(until) {
			return nil, InFlight, nil
		}
		// The holder stopped renewing: its lease ended on our clock. Take
		// it over atomically, so of several replicas seeing it expired at
		// once only one wins.
		cas, ok := d.Store.(store.CompareAndSwapper)
		if !ok {
			return nil, InFlight, nil
		}
		won, err := cas.CompareAndSwap(ctx, l.key, v, l.value, d.lease())
		if err != nil {
			return nil, New, err
		}
		if won {
			return l, New, nil
		}
	}
	return nil, InFlight, nil
}

// encode writes the lease value "lease:<until, Unix ms>:<token>" in one
// allocation.
func (l *Lease) encode() []byte {
	until := l.d.now().Add(l.d.lease()).UnixMilli()
	b := make([]byte, 0, len(leaseTag)+20+1+len(l.token))
	b = append(b, leaseTag...)
	b = strconv.AppendInt(b, until, 10)
	b = append(b, ':')
	return append(b, l.token[:]...)
}

// leaseExpiry reads the end of a lease value; ok is false for anything
// else (a legacy claim), which only its TTL ends.
func leaseExpiry(v []byte) (time.Time, bool) {
	s, found := strings.CutPrefix(string(v), leaseTag)
	if !found {
		return time.Time{}, false
	}
	ms, _, found := strings.Cut(s, ":")
	if !found {
		return time.Time{}, false
	}
	n, err := strconv.ParseInt(ms, 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	return time.UnixMilli(n), true
}

// Renew pushes the lease's end Lease past now. It reports false when the
// lease is no longer ours (it ran out and another handler took it).
func (l *Lease) Renew(ctx context.Context) (bool, error) {
	next := l.encode()
	if cas, ok := l.d.Store.(store.CompareAndSwapper); ok {
		won, err := cas.CompareAndSwap(ctx, l.key, l.value, next, l.d.lease())
		if won {
			l.value = next
		}
		return won, err
	}
	// Without an atomic swap: read, then write. The gap only matters if
	// the lease ran out in it, which renewing at a third of its length
	// makes unlikely.
	v, found, err := l.d.Store.Get(ctx, l.key)
	if err != nil || !found || string(v) != string(l.value) {
		return false, err
	}
	if err := l.d.Store.Set(ctx, l.key, next, l.d.lease()); err != nil {
		return false, err
	}
	l.value = next
	return true, nil
}

// Keep renews the lease every third of its length until ctx ends or the
// returned stop is called; stop waits for a renewal in progress. A lease
// another handler took over is not renewed again. Renewals run on timers,
// not a goroutine per delivery, so a delivery that finishes within a third
// of the lease costs one timer.
func (l *Lease) Keep(ctx context.Context) (stop func()) {
	return l.keep(ctx, nil)
}

// keep is Keep with schedule standing in for the timer (nil: one real
// timer, reset after each renewal).
func (l *Lease) keep(ctx context.Context, schedule func(time.Duration, func()) (cancel func() bool)) func() {
	r := &l.r
	r.ctx, r.every, r.schedule = ctx, l.d.lease()/3, schedule
	r.tick = l.renewTick
	r.mu.Lock()
	l.arm()
	r.mu.Unlock()
	return l.stopRenewal
}

// arm schedules the next renewal; l.r.mu is held.
func (l *Lease) arm() {
	r := &l.r
	switch {
	case r.schedule != nil:
		r.cancel = r.schedule(r.every, r.tick)
	case r.timer == nil:
		r.timer = time.AfterFunc(r.every, r.tick)
	default:
		r.timer.Reset(r.every)
	}
}

// renewTick renews the lease when its timer fires and arms the next
// renewal, unless Keep was stopped, its context ended or the lease is no
// longer ours. A failed write is tried again at the next tick.
func (l *Lease) renewTick() {
	r := &l.r
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped || r.ctx.Err() != nil {
		return
	}
	if ok, err := l.Renew(r.ctx); err == nil && !ok {
		return
	}
	l.arm()
}

// stopRenewal ends Keep, waiting for a renewal in progress.
func (l *Lease) stopRenewal() {
	r := &l.r
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stopped = true
	if r.cancel != nil {
		r.cancel()
	}
	if r.timer != nil {
		r.timer.Stop()
	}
}

// Commit marks the delivery handled for Done.
func (l *Lease) Commit(ctx context.Context) error {
	return l.d.Store.Set(context.WithoutCancel(ctx), l.key, []byte(valueDone), l.d.done())
}

// Release gives the delivery back so the provider's retry is handled anew.
// It deletes the lease only while it is still ours, so a handler whose
// lease ran out cannot free the one a newer handler holds.
func (l *Lease) Release(ctx context.Context) error {
	return storelock.Release(ctx, l.d.Store, l.key, l.value)
}

// newToken names one lease holder; 8 random bytes make two handlers'
// tokens collide practically never.
func newToken(dst *[16]byte) { randid.Fill(dst[:]) }

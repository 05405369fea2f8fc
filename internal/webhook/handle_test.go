package webhook

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/internal/logx"
	"github.com/simkit/simkit/store"
)

// failingStore refuses every call, as a Store whose backend is down.
type failingStore struct{ store.Store }

func (failingStore) SetNX(context.Context, string, []byte, time.Duration) (bool, error) {
	return false, errors.New("down")
}

// flakyCommit is a Store whose Set fails while down is set, as a backend
// that died after the user function ran.
type flakyCommit struct {
	*store.Memory
	down atomic.Bool
}

func (f *flakyCommit) Set(ctx context.Context, k string, v []byte, ttl time.Duration) error {
	if f.down.Load() {
		return errors.New("down")
	}
	return f.Memory.Set(ctx, k, v, ttl)
}

func TestHandle(t *testing.T) {
	ctx := context.Background()
	d := &Dedupe{Store: store.NewMemory(), Prefix: "wh:"}
	var body string
	run := func(id string, fn func() error) int {
		w := httptest.NewRecorder()
		d.Handle(ctx, w, logx.Discard(), nil, id, time.Second, func(context.Context) error { return fn() })
		body = strings.TrimSpace(w.Body.String())
		return w.Code
	}
	calls := 0
	ok := func() error { calls++; return nil }

	require.Equal(t, 200, run("a", ok))
	require.JSONEq(t, `{"message":"ok"}`, body)
	require.Equal(t, 200, run("a", ok), "a duplicate is acknowledged")
	require.JSONEq(t, `{"message":"already handled"}`, body, "and says so to whoever reads the provider's delivery log")
	require.Equal(t, 1, calls, "and not handed over twice")

	require.Equal(t, 500, run("b", func() error { return errors.New("boom") }))
	require.Equal(t, 200, run("b", ok), "a failed delivery is handled on retry")
	require.Equal(t, 2, calls)

	require.Panics(t, func() { run("c", func() error { panic("bug") }) })
	require.Equal(t, 200, run("c", ok), "a panic released the lease")

	_, state, err := d.Begin(ctx, "d")
	require.NoError(t, err)
	require.Equal(t, New, state)
	require.Equal(t, http.StatusConflict, run("d", ok), "in flight elsewhere")

	broken := &Dedupe{Store: failingStore{store.NewMemory()}}
	w := httptest.NewRecorder()
	broken.Handle(ctx, w, logx.Discard(), nil, "e", time.Second, func(context.Context) error { return nil })
	require.Equal(t, 500, w.Code)
}

// TestHandleDeadline: the function's context ends at the deadline, so the
// answer goes out before the provider's own deadline.
func TestHandleDeadline(t *testing.T) {
	d := &Dedupe{Store: store.NewMemory()}
	var left time.Duration
	w := httptest.NewRecorder()
	d.Handle(context.Background(), w, logx.Discard(), nil, "a", 8*time.Second, func(ctx context.Context) error {
		dl, ok := ctx.Deadline()
		require.True(t, ok)
		left = time.Until(dl)
		return nil
	})
	require.Equal(t, 200, w.Code)
	require.InDelta(t, float64(8*time.Second), float64(left), float64(time.Second))

	w = httptest.NewRecorder()
	d.Handle(context.Background(), w, logx.Discard(), nil, "slow", time.Millisecond, func(ctx context.Context) error {
		<-ctx.Done()
		return ctx.Err()
	})
	require.Equal(t, 500, w.Code, "a function that runs out of time fails")
	_, state, err := d.Begin(context.Background(), "slow")
	require.NoError(t, err)
	require.Equal(t, New, state, "and its lease is released for the retry")
}

// TestHandleCommitLater: when the store dies after the function ran, the
// answer is 200 and the done mark is written once the store is back.
func TestHandleCommitLater(t *testing.T) {
	st := &flakyCommit{Memory: store.NewMemory()}
	d := &Dedupe{Store: st}
	st.down.Store(true)
	lease, state, err := d.Begin(context.Background(), "a")
	require.NoError(t, err)
	require.Equal(t, New, state)
	require.Error(t, lease.Commit(context.Background()))
	sleeps := 0
	later := &Later{Sleep: func(context.Context, time.Duration) error {
		sleeps++
		if sleeps == 3 {
			st.down.Store(false)
		}
		return nil
	}}
	require.True(t, later.Go(context.Background(), "a", time.Hour, lease.Commit))
	require.NoError(t, later.Shutdown(context.Background()))
	require.Equal(t, 3, sleeps, "it stops once the mark is written")
	_, state, err = d.Begin(context.Background(), "a")
	require.NoError(t, err)
	require.Equal(t, Done, state)

	// Through Handle: the store dies after the function ran, then comes
	// back. The provider's retry (its 200 was lost on the way) must find
	// the delivery done, not run the function a second time.
	calls := 0
	deliver := func() int {
		w := httptest.NewRecorder()
		d.Handle(context.Background(), w, logx.Discard(), nil, "b", time.Second, func(context.Context) error { calls++; return nil })
		return w.Code
	}
	bg := &Later{}
	d.Later = bg
	st.down.Store(true)
	require.Equal(t, 200, deliver(), "the function succeeded")
	st.down.Store(false)
	// Shutdown lets the background commit run to its end: it ends once
	// the mark is written.
	require.NoError(t, bg.Shutdown(context.Background()))
	_, state, err = d.Begin(context.Background(), "b")
	require.NoError(t, err)
	require.Equal(t, Done, state, "the done mark was written once the store was back")
	require.Equal(t, 200, deliver(), "the retry is acknowledged")
	require.Equal(t, 1, calls, "and not handled twice")
}

func TestLeaseExpiresOnTheClock(t *testing.T) {
	ctx := context.Background()
	now := time.Unix(1768478058, 0)
	clock := func() time.Time { return now }
	tests := []struct {
		name string
		st   store.Store
	}{
		// The store's TTL runs on the same clock.
		{"store TTL", store.NewMemory(func(o *store.MemoryOptions) { o.Now = clock })},
		// The store's TTL runs on real time (Redis under a test clock): the
		// expiry written in the value ends the lease.
		{"value expiry", store.NewMemory()},
		// Stores without SetNXGet: a SetNX, then a Get.
		{"store TTL, SetNX then Get", noSetNXGet(store.NewMemory(func(o *store.MemoryOptions) { o.Now = clock }))},
		{"value expiry, SetNX then Get", noSetNXGet(store.NewMemory())},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &Dedupe{Store: tt.st, Prefix: "wh:", Now: clock, Lease: 5 * time.Second}
			dead, state, err := d.Begin(ctx, "k")
			require.NoError(t, err)
			require.Equal(t, New, state)
			now = now.Add(4 * time.Second)
			_, state, _ = d.Begin(ctx, "k")
			require.Equal(t, InFlight, state, "a live lease holds")
			now = now.Add(2 * time.Second)
			retry, state, err := d.Begin(ctx, "k")
			require.NoError(t, err)
			require.Equal(t, New, state, "a dead holder's lease is gone before the +10 s retry")
			require.NoError(t, dead.Release(ctx))
			_, state, _ = d.Begin(ctx, "k")
			require.Equal(t, InFlight, state, "the dead holder cannot release the new lease")
			ok, err := dead.Renew(ctx)
			require.NoError(t, err)
			require.False(t, ok, "nor renew it")
			require.NoError(t, retry.Commit(ctx))
			now = now.Add(24 * time.Hour)
			_, state, _ = d.Begin(ctx, "k")
			require.Equal(t, Done, state, "done marks outlast the retries")
		})
	}
}

func TestLeaseKeep(t *testing.T) {
	ctx := context.Background()
	var nowNs atomic.Int64 // read by the renewing goroutine
	nowNs.Store(time.Unix(1768478058, 0).UnixNano())
	clock := func() time.Time { return time.Unix(0, nowNs.Load()) }
	advance := func(d time.Duration) { nowNs.Add(int64(d)) }
	d := &Dedupe{Store: store.NewMemory(func(o *store.MemoryOptions) { o.Now = clock }), Now: clock, Lease: 3 * time.Second}
	l, _, err := d.Begin(ctx, "k")
	require.NoError(t, err)
	var (
		every time.Duration
		next  func()
	)
	stop := l.keep(ctx, func(d time.Duration, f func()) func() bool {
		every, next = d, f
		return func() bool { return true }
	})
	for range 5 {
		advance(time.Second)
		next() // the timer fires: one renewal per third of the lease
	}
	require.Equal(t, time.Second, every)
	// Renewed last at +5 s, the lease holds until +8 s.
	stop()
	advance(time.Second)
	next() // a timer firing after stop, at +6 s: renewing now would hold it until +9 s
	advance(time.Second)
	_, state, _ := d.Begin(ctx, "k")
	require.Equal(t, InFlight, state, "at +7 s the last renewal still holds")
	advance(time.Second)
	_, state, _ = d.Begin(ctx, "k")
	require.Equal(t, New, state, "at +8 s it has run out: the timer firing after stop renewed nothing")
}

// swapsOnly hides the Memory store's SetNXGet and keeps its atomic swap
// and delete.
type swapsOnly struct {
	store.Store
	store.CompareAndSwapper
	store.CompareAndDeleter
}

func noSetNXGet(m *store.Memory) swapsOnly { return swapsOnly{m, m, m} }

// getSetOnly hides the Memory store's atomic extras.
type getSetOnly struct{ store.Store }

func TestLeaseWithoutAtomicSwap(t *testing.T) {
	ctx := context.Background()
	now := time.Unix(1768478058, 0)
	clock := func() time.Time { return now }
	d := &Dedupe{Store: getSetOnly{store.NewMemory()}, Now: clock, Lease: 5 * time.Second}
	l, _, err := d.Begin(ctx, "k")
	require.NoError(t, err)
	ok, err := l.Renew(ctx)
	require.NoError(t, err)
	require.True(t, ok)
	now = now.Add(6 * time.Second)
	_, state, _ := d.Begin(ctx, "k")
	require.Equal(t, InFlight, state, "without a swap the store's TTL alone ends a lease")
	require.NoError(t, l.Release(ctx))
	_, state, _ = d.Begin(ctx, "k")
	require.Equal(t, New, state)

	legacy := store.NewMemory()
	require.NoError(t, legacy.Set(ctx, "k", []byte("processing"), time.Minute))
	_, state, _ = (&Dedupe{Store: legacy, Now: clock}).Begin(ctx, "k")
	require.Equal(t, InFlight, state, "an older release's claim is respected")
}

func TestReadOrReply(t *testing.T) {
	s := &steps{}
	w := httptest.NewRecorder()
	_, ok := ReadOrReply(w, httptest.NewRequest(http.MethodPost, "/", strings.NewReader(strings.Repeat("x", 20))), 10, StartDelivery(s, "partner"))
	require.False(t, ok)
	require.Equal(t, http.StatusRequestEntityTooLarge, w.Code)

	w = httptest.NewRecorder()
	r := httptest.NewRequest(http.MethodPost, "/", errReader{})
	r.ContentLength = -1
	_, ok = ReadOrReply(w, r, 10, StartDelivery(s, "partner"))
	require.False(t, ok)
	require.Equal(t, http.StatusBadRequest, w.Code)
	require.Equal(t, []string{"refused 413", "refused 400"}, s.got, "each refusal is reported")

	b, ok := ReadOrReply(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/", strings.NewReader("hi")), 10, nil)
	require.True(t, ok)
	require.Equal(t, "hi", string(b))
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("reset") }

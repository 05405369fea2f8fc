package redisstore

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/inbox"
	"github.com/simkit/simkit/partner"
	"github.com/simkit/simkit/signing"
	"github.com/simkit/simkit/simkittest"
	"github.com/simkit/simkit/store"
)

// The fleet test is the webhook acceptance test: three replicas behind a
// round-robin load balancer, a simulated Partner provider that retries a
// failed delivery on its documented schedule (+10 s, +100 s; 3 attempts)
// on a test clock, one replica killed in the middle of the user function,
// and redis-server killed and restarted in the middle of the stream. Every
// fourth delivery's first answer is lost on the way back (the provider
// sees a timeout although the replica answered), so the provider sends a
// duplicate that dedupe must catch. It reports, per setup, how many events
// were sent, handled, lost (never handled) and doubled (handled twice).
//
// Between retry rounds the test waits fleetSettle of real time: the
// provider's 10 s, compressed, in which replicas notice that Redis is back
// (RetryEvery) and write what they could not write during the outage.

const (
	fleetEvents   = 60
	fleetBatch    = 10
	fleetSecret   = "fleet-partner-secret"
	fleetSettle   = 150 * time.Millisecond
	fleetClaimIdl = 300 * time.Millisecond
)

type fleetMode int

const (
	modeMemory fleetMode = iota
	modeFailClosed
	modeFailOpen
	modeInbox
)

func (m fleetMode) String() string {
	return [...]string{"memory (per replica)", "redis fail-closed", "redis fail-open", "redis streams inbox"}[m]
}

// newFleetClock is the provider's and the handlers' clock: the project's
// fake clock, standing at t until a test advances it.
func newFleetClock(t time.Time) *simkittest.Clock {
	return simkittest.NewClock(func() time.Time { return t })
}

// fleetReplica is one process: its own Redis connection, store or inbox,
// and handler. kill stops it the way a crash does: the Redis connection
// closes, its workers stop, and its function never completes.
type fleetReplica struct {
	h      http.Handler
	rdb    redis.UniversalClient
	dead   chan struct{}
	killed atomic.Bool
	stop   context.CancelFunc
	done   chan struct{}
}

func (r *fleetReplica) kill() {
	if r.killed.Swap(true) {
		return
	}
	close(r.dead)
	if r.stop != nil {
		r.stop()
		<-r.done
	}
	if r.rdb != nil {
		_ = r.rdb.Close()
	}
}

type fleetResult struct {
	mode                           fleetMode
	sent, handled, lost, doubled   int
	attempts, refusedWhileRedisOff int
}

// fleetRun plays the whole scenario for one setup.
func fleetRun(t *testing.T, mode fleetMode) fleetResult {
	srv := startDurableRedis(t)
	clock := newFleetClock(time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC))

	var (
		mu      sync.Mutex
		handled = map[string]int{}
		victim  atomic.Bool
		entered = make(chan struct{})
	)
	replicas := make([]*fleetReplica, 3)
	for i := range replicas {
		r := &fleetReplica{dead: make(chan struct{})}
		replicas[i] = r
		fn := func(ctx context.Context, ev *partner.WebhookEvent) error {
			if i == 0 && victim.CompareAndSwap(false, true) {
				close(entered)
				<-r.dead // killed mid-handler: its work never lands
				return errors.New("killed")
			}
			time.Sleep(2 * time.Millisecond) // the work, long enough for Redis to die during it
			if r.killed.Load() {
				return errors.New("killed")
			}
			mu.Lock()
			handled[ev.IdempotencyKey]++
			mu.Unlock()
			return nil
		}
		opts := []func(*partner.WebhookOptions){func(o *partner.WebhookOptions) { o.Now = clock.Now }}
		if mode != modeMemory {
			r.rdb = redis.NewUniversalClient(&redis.UniversalOptions{Addrs: []string{srv.addr()}, DialTimeout: 200 * time.Millisecond})
		}
		switch mode {
		case modeMemory:
			st := store.NewMemory(func(o *store.MemoryOptions) { o.Now = clock.Now })
			opts = append(opts, func(o *partner.WebhookOptions) { o.Store = st })
		case modeFailClosed, modeFailOpen:
			failure := FailClosed
			if mode == modeFailOpen {
				failure = FailOpen
			}
			st := New(r.rdb, func(o *Options) {
				o.Prefix = "fleet:"
				o.Failure = failure
				o.RetryEvery = 20 * time.Millisecond
				o.Fallback = store.NewMemory(func(m *store.MemoryOptions) { m.Now = clock.Now })
			})
			opts = append(opts, func(o *partner.WebhookOptions) { o.Store = st })
		case modeInbox:
			in, err := inbox.New(NewStreamQueue(r.rdb, "fleet"), func(o *inbox.Options) {
				o.Consumer = fmt.Sprintf("replica-%d", i)
				o.Workers = 2
				o.ClaimIdle = fleetClaimIdl
				o.Poll = 5 * time.Millisecond
				o.Backoff = func(int) time.Duration { return 10 * time.Millisecond }
			})
			require.NoError(t, err)
			opts = append(opts, func(o *partner.WebhookOptions) { o.Inbox = in })
			ctx, cancel := context.WithCancel(context.Background())
			r.stop, r.done = cancel, make(chan struct{})
			go func() { defer close(r.done); _ = in.Run(ctx) }()
		}
		h, err := partner.NewWebhookHandler(signing.NewSecret(fleetSecret), fn, opts...)
		require.NoError(t, err)
		r.h = h
	}
	t.Cleanup(func() {
		for _, r := range replicas {
			r.kill()
		}
	})
	// The victim is killed as soon as it is inside the user function.
	go func() { <-entered; replicas[0].kill() }()

	signer := signing.NewSigner([]byte(fleetSecret))
	keys := make([]string, fleetEvents)
	for i := range keys {
		keys[i] = fmt.Sprintf("f1ee7000-0000-4000-8000-%012d", i)
	}
	// send is one delivery attempt through the load balancer; ok means the
	// provider saw a 2xx.
	var attempts, refusedOff atomic.Int32
	var redisDown atomic.Bool
	send := func(event, attempt int) bool {
		attempts.Add(1)
		r := replicas[(event+attempt)%len(replicas)]
		if r.killed.Load() {
			return false // connection refused
		}
		req, err := simkittest.NewPartnerWebhookRequest(signer, "http://fleet.invalid/hook", webhookBody(keys[event]), clock.Now())
		if err != nil {
			return false
		}
		rec := httptest.NewRecorder()
		served := make(chan struct{})
		go func() { defer close(served); r.h.ServeHTTP(rec, req) }()
		select {
		case <-served:
		case <-r.dead:
			return false // the replica died with the request open
		}
		if redisDown.Load() && rec.Code >= 500 {
			refusedOff.Add(1)
		}
		if attempt == 0 && event%4 == 1 {
			return false // the answer was lost on the way back
		}
		return rec.Code/100 == 2
	}

	pending := make([]int, 0, fleetEvents) // events whose next attempt is due
	var pmu sync.Mutex
	round := func(events []int, attempt int, during func(batch int) func()) {
		pending = pending[:0]
		for b := 0; b*fleetBatch < len(events); b++ {
			var after func()
			if during != nil {
				after = during(b)
			}
			var wg sync.WaitGroup
			for _, e := range events[b*fleetBatch : min((b+1)*fleetBatch, len(events))] {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if !send(e, attempt) {
						pmu.Lock()
						pending = append(pending, e)
						pmu.Unlock()
					}
				}()
			}
			wg.Wait()
			if after != nil {
				after()
			}
		}
	}

	all := make([]int, fleetEvents)
	for i := range all {
		all[i] = i
	}
	// First attempts; redis-server dies while the fourth batch is in
	// flight and comes back after it.
	round(all, 0, func(batch int) func() {
		if batch != 3 || mode == modeMemory {
			return nil
		}
		gone := make(chan struct{})
		go func() {
			defer close(gone)
			time.Sleep(time.Millisecond)
			redisDown.Store(true)
			srv.kill()
		}()
		return func() {
			<-gone
			time.Sleep(5 * time.Millisecond)
			srv.start()
			redisDown.Store(false)
		}
	})
	for attempt, delay := range partner.WebhookRetryDelays() {
		time.Sleep(fleetSettle)
		clock.Advance(delay)
		retry := append([]int(nil), pending...)
		round(retry, attempt+1, nil)
	}
	if mode == modeInbox {
		// The workers finish after the provider is done; a dead worker's
		// message moves after ClaimIdle.
		require.Eventually(t, func() bool {
			mu.Lock()
			defer mu.Unlock()
			return len(handled) == fleetEvents
		}, 10*time.Second, 5*time.Millisecond)
		time.Sleep(2 * fleetClaimIdl) // time for a wrong second handling to show
	}

	res := fleetResult{mode: mode, sent: fleetEvents, attempts: int(attempts.Load()), refusedWhileRedisOff: int(refusedOff.Load())}
	mu.Lock()
	defer mu.Unlock()
	for _, k := range keys {
		switch n := handled[k]; {
		case n == 0:
			res.lost++
		case n > 1:
			res.doubled++
		}
		if handled[k] > 0 {
			res.handled++
		}
	}
	require.True(t, victim.Load(), "a replica was killed mid-handler")
	return res
}

func TestWebhookFleet(t *testing.T) {
	var results []fleetResult
	for _, mode := range []fleetMode{modeMemory, modeFailClosed, modeFailOpen, modeInbox} {
		t.Run(mode.String(), func(t *testing.T) {
			res := fleetRun(t, mode)
			results = append(results, res)
			switch mode {
			case modeFailClosed, modeFailOpen, modeInbox:
				require.Zero(t, res.lost, "%s lost events", mode)
				require.Zero(t, res.doubled, "%s doubled events", mode)
			}
		})
	}
	t.Logf("%-22s %5s %8s %5s %8s %9s %13s", "setup", "sent", "handled", "lost", "doubled", "attempts", "5xx redis off")
	for _, r := range results {
		t.Logf("%-22s %5d %8d %5d %8d %9d %13d", r.mode, r.sent, r.handled, r.lost, r.doubled, r.attempts, r.refusedWhileRedisOff)
	}
}

// TestFailOpenDoubleBound measures the one window fail-open leaves: a
// retry reaching another replica after Redis is back but before the
// replica that handled the event during the outage replayed its done
// marks (within RetryEvery) is handled again; once the replay ran, none
// is.
func TestFailOpenDoubleBound(t *testing.T) {
	srv := startDurableRedis(t)
	const retryEvery = 300 * time.Millisecond
	var (
		mu      sync.Mutex
		handled = map[string]int{}
	)
	fn := func(_ context.Context, ev *partner.WebhookEvent) error {
		mu.Lock()
		defer mu.Unlock()
		handled[ev.IdempotencyKey]++
		return nil
	}
	replica := func() http.Handler {
		st := New(srv.client(), func(o *Options) { o.Failure = FailOpen; o.RetryEvery = retryEvery })
		h, err := partner.NewWebhookHandler(signing.NewSecret(fleetSecret), fn, func(o *partner.WebhookOptions) { o.Store = st })
		require.NoError(t, err)
		return h
	}
	a, b := replica(), replica()
	signer := signing.NewSigner([]byte(fleetSecret))
	deliver := func(h http.Handler, key string) int {
		req, err := simkittest.NewPartnerWebhookRequest(signer, "http://fleet.invalid/hook", webhookBody(key), time.Now())
		require.NoError(t, err)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	doubles := func(keys []string) int {
		mu.Lock()
		defer mu.Unlock()
		n := 0
		for _, k := range keys {
			if handled[k] > 1 {
				n++
			}
		}
		return n
	}
	batch := func(name string) []string {
		keys := make([]string, 20)
		for i := range keys {
			keys[i] = fmt.Sprintf("b0d00000-0000-4000-8000-%s%08d", name, i)
		}
		return keys
	}

	early, late := batch("0000"), batch("0001")
	srv.kill()
	for _, k := range append(append([]string(nil), early...), late...) {
		require.Equal(t, http.StatusOK, deliver(a, k), "fail-open handles during the outage")
	}
	srv.start()
	for _, k := range early {
		require.Equal(t, http.StatusOK, deliver(b, k)) // at once: a has not replayed yet
	}
	time.Sleep(2 * retryEvery) // a's flusher probes Redis and replays
	for _, k := range late {
		require.Equal(t, http.StatusOK, deliver(b, k))
	}
	earlyDoubles, lateDoubles := doubles(early), doubles(late)
	t.Logf("fail-open: retries within RetryEvery of Redis' return handled twice: %d/%d; after it: %d/%d",
		earlyDoubles, len(early), lateDoubles, len(late))
	require.Zero(t, lateDoubles, "once the outage's done marks are replayed, no retry is handled twice")
}

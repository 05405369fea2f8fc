package redisstore

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/simkit/simkit"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/partner"
	"github.com/simkit/simkit/signing"
	"github.com/simkit/simkit/simkittest"
	"github.com/simkit/simkit/topups"
	"github.com/stretchr/testify/require"
)

// These tests are issue 8's acceptance test: several simkit.Clients
// (replicas of one service) built against one set of provider fakes, each
// with its own Redis connection and Store over one real redis-server, must
// behave as one client: a webhook is handled once, the rate-limited package
// history is requested once, and one OAuth token serves the fleet.

const replicaCount = 3

// fleet is replicaCount replicas sharing one redis-server and one set of
// fakes.
type fleet struct {
	srv      *redisServer
	env      *simkittest.Env
	replicas []*simkit.Client
	stores   []*Store
	logs     *logBuffer
}

// newFleet starts redis-server and the fakes and builds the replicas, each
// as a separate process would: its own go-redis client, Store and
// simkit.Client. wrap, when set, may put a test hook around replica i's
// store.
func newFleet(t *testing.T, mode FailureMode, wrap func(i int, st *Store) replicaStore, cfg ...func(*simkittest.Config)) *fleet {
	t.Helper()
	f := &fleet{srv: startRedis(t), logs: &logBuffer{}}
	f.env = simkittest.New(t, cfg...)
	for i := range replicaCount {
		st := New(f.srv.client(), func(o *Options) {
			o.Prefix = "simkit:fleet-test:"
			o.Failure = mode
			o.Logger = f.logs.logger().With("replica", i)
		})
		var s replicaStore = st
		if wrap != nil {
			s = wrap(i, st)
		}
		c, err := simkit.New(
			simkit.WithStore(s),
			simkit.WithRetry(f.env.Config.Retry),
			simkit.WithLimiter(option.NoLimit),
			simkit.WithPartner(f.env.PartnerOptions),
			simkit.WithTopups(f.env.TopupsOptions),
		)
		require.NoError(t, err)
		f.stores = append(f.stores, st)
		f.replicas = append(f.replicas, c)
	}
	return f
}

// replicaStore is what a replica's simkit.Client is given: a *Store, or a
// test hook wrapping one. It keeps CompareAndDelete so simkit's fleet locks
// behave as with the bare Store.
type replicaStore interface {
	Get(ctx context.Context, key string) ([]byte, bool, error)
	Set(ctx context.Context, key string, value []byte, ttl time.Duration) error
	SetNX(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error)
	Delete(ctx context.Context, key string) error
	CompareAndDelete(ctx context.Context, key string, value []byte) (bool, error)
}

// webhookBody is one order.status_changed delivery as the Partner provider
// sends it; key is its idempotency_key.
func webhookBody(key string) []byte {
	return []byte(fmt.Sprintf(`{"event":"order.status_changed","timestamp":"2025-01-15T10:30:00Z","idempotency_key":%q,`+
		`"data":{"order":{"id":"ord-1","external_id":"ext-1","status":"completed","total_amount":"10.00","currency":"USD"}}}`, key))
}

// deliver sends the one signed webhook (same body, same headers, signed
// at sentAt) to h, as a load balancer would hand the provider's request to
// a replica, and returns the status the replica answered.
func deliver(t *testing.T, h http.Handler, body []byte, sentAt time.Time) int {
	t.Helper()
	req, err := simkittest.NewPartnerWebhookRequest(signing.NewSigner([]byte(simkittest.FakePartnerSecret)), "http://replica.invalid/webhooks/partner", body, sentAt)
	require.NoError(t, err)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code
}

func TestReplicasShareWebhookDedupe(t *testing.T) {
	t.Run("one signed delivery handed to every replica at once", func(t *testing.T) {
		f := newFleet(t, FailClosed, nil)
		var (
			calls   atomic.Int32
			orderID atomic.Value
			answers = make(chan int, replicaCount)
		)
		// The first call holds its claim until every other replica has
		// answered, so the others really race it rather than arriving after
		// it committed; a second call (the bug) does not wait, so a broken
		// dedupe fails the count instead of hanging.
		handlers := make([]http.Handler, replicaCount)
		for i, r := range f.replicas {
			handlers[i] = mustHandler(t)(r.Partner.WebhookHandler(func(_ context.Context, ev *partner.WebhookEvent) error {
				if calls.Add(1) == 1 {
					for range replicaCount - 1 {
						<-answers
					}
				}
				orderID.Store(ev.Order.ID)
				return nil
			}))
		}
		body, sentAt := webhookBody("0a1b2c3d-0000-4000-8000-000000000001"), time.Now()
		codes := make(chan int, replicaCount)
		var wg sync.WaitGroup
		for _, h := range handlers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				code := deliver(t, h, body, sentAt)
				codes <- code
				answers <- code
			}()
		}
		wg.Wait()
		close(codes)
		got := map[int]int{}
		for c := range codes {
			got[c]++
		}
		require.EqualValues(t, 1, calls.Load(), "the user function runs once for the fleet")
		require.Equal(t, "ord-1", orderID.Load(), "it gets the verified, decoded event")
		require.Equal(t, map[int]int{http.StatusOK: 1, http.StatusConflict: replicaCount - 1}, got,
			"the handling replica answers 200; the others 409 so the provider retries later")

		// The provider's retries land anywhere: every replica now
		// acknowledges without calling the function again.
		for i, h := range handlers {
			require.Equal(t, http.StatusOK, deliver(t, h, body, sentAt), "retry on replica %d", i)
		}
		require.EqualValues(t, 1, calls.Load())
	})

	t.Run("the fake's retries reach a different replica after a failure", func(t *testing.T) {
		f := newFleet(t, FailClosed, nil, func(c *simkittest.Config) {
			c.Partner.WebhookRetryDelays = []time.Duration{time.Millisecond, time.Millisecond}
		})
		var (
			attempts, handled atomic.Int32
			handledBy         = make(chan int, 4)
		)
		handlers := make([]http.Handler, replicaCount)
		for i, r := range f.replicas {
			handlers[i] = mustHandler(t)(r.Partner.WebhookHandler(func(context.Context, *partner.WebhookEvent) error {
				if attempts.Add(1) == 1 {
					return errors.New("database briefly down") // 500: the claim is released
				}
				handled.Add(1)
				handledBy <- i
				return nil
			}))
		}
		// A round-robin load balancer in front of the replicas: each
		// delivery attempt of the fake goes to the next one.
		var next atomic.Int32
		f.env.Partner.SetWebhookHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			handlers[int(next.Add(1)-1)%replicaCount].ServeHTTP(w, r)
		}))

		_, err := f.replicas[0].Partner.CreateOrder(context.Background(), partner.CreateOrderParams{
			ExternalID: "fleet-order-1",
			Item:       partner.OrderItemParams{SKUID: simkittest.PartnerSKUVoucher, Quantity: 1},
		})
		require.NoError(t, err)
		f.env.Partner.Flush()

		var codes []int
		for _, a := range f.env.Partner.WebhookAttempts() {
			require.NoError(t, a.Err)
			codes = append(codes, a.Code)
		}
		require.Equal(t, []int{http.StatusInternalServerError, http.StatusOK}, codes,
			"replica 0 fails and releases the delivery; the retry, on replica 1, is handled")
		require.EqualValues(t, 1, handled.Load())
		require.Equal(t, 1, <-handledBy)
	})
}

func TestReplicasSharePackageHistoryAndToken(t *testing.T) {
	f := newFleet(t, FailClosed, nil)
	ctx := context.Background()
	iccid := simkittest.TopupsSeedICCID

	const callers = 50
	start := make(chan struct{})
	results := make([]*topups.PackageHistory, callers)
	errs := make([]error, callers)
	var wg sync.WaitGroup
	for i := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			results[i], errs[i] = f.replicas[i%replicaCount].Topups.PackageHistory(ctx, iccid)
		}()
	}
	close(start)
	wg.Wait()

	for i, err := range errs {
		require.NoError(t, err, "caller %d (replica %d)", i, i%replicaCount)
	}
	require.Equal(t, 1, f.env.Topups.HistoryRequests(iccid), "one package-history request for the fleet")
	require.NotEmpty(t, results[0].Packages)
	for i, h := range results {
		require.Equal(t, results[0], h, "caller %d gets the one answer", i)
	}

	// Every replica makes a call that needs the token: the one fetched for
	// the history request serves them all.
	for i, r := range f.replicas {
		_, err := r.Topups.TopupPackages(ctx, iccid)
		require.NoError(t, err, "replica %d", i)
	}
	require.Equal(t, 1, f.env.Topups.TokenCount(), "one OAuth token for the fleet")

	// A later call on any replica is served from Redis: still one request.
	_, err := f.replicas[replicaCount-1].Topups.PackageHistory(ctx, iccid)
	require.NoError(t, err)
	require.Equal(t, 1, f.env.Topups.HistoryRequests(iccid))
}

func TestReplicasFetchOneTokenWhenAllStartAtOnce(t *testing.T) {
	f := newFleet(t, FailClosed, nil)
	ctx := context.Background()
	start := make(chan struct{})
	errs := make(chan error, replicaCount*10)
	var wg sync.WaitGroup
	for i := range replicaCount * 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, err := f.replicas[i%replicaCount].Topups.TopupPackages(ctx, simkittest.TopupsSeedICCID)
			errs <- err
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.Equal(t, 1, f.env.Topups.TokenCount(), "one OAuth token for the fleet")
}

// TestReplicasWhenRedisDies kills redis-server after the fleet has warmed
// up and checks each failure mode end to end through the SDK.
func TestReplicasWhenRedisDies(t *testing.T) {
	t.Run("fail closed: calls needing shared state fail with ErrUnavailable", func(t *testing.T) {
		f := newFleet(t, FailClosed, nil)
		ctx := context.Background()
		_, err := f.replicas[0].Topups.TopupPackages(ctx, simkittest.TopupsSeedICCID)
		require.NoError(t, err)
		var calls atomic.Int32
		h := mustHandler(t)(f.replicas[1].Partner.WebhookHandler(func(context.Context, *partner.WebhookEvent) error {
			calls.Add(1)
			return nil
		}))

		f.srv.kill()

		const otherICCID = "89852341234567890124"
		for i, r := range f.replicas {
			_, err := r.Topups.PackageHistory(ctx, otherICCID)
			require.Error(t, err, "replica %d", i)
			require.ErrorIs(t, err, simkit.ErrUnavailable, "replica %d", i)
			require.ErrorIs(t, err, ErrUnavailable, "replica %d: the store's cause is kept", i)

			_, err = r.Topups.TopupPackages(ctx, simkittest.TopupsSeedICCID)
			require.ErrorIs(t, err, ErrUnavailable, "replica %d: the token lives in Redis", i)
		}
		require.Equal(t, 0, f.env.Topups.HistoryRequests(otherICCID), "no request the fleet could not account for")
		require.Equal(t, 1, f.env.Topups.TokenCount(), "no replica fetched a token of its own")

		require.Equal(t, http.StatusInternalServerError, deliver(t, h, webhookBody("0a1b2c3d-0000-4000-8000-000000000002"), time.Now()),
			"the provider retries a delivery the fleet could not dedupe")
		require.Zero(t, calls.Load())

		require.Len(t, outageLines(f.logs.lines()), replicaCount, "one outage line per replica, not per call: %s", f.logs)
	})

	t.Run("fail open: calls keep working on each replica's memory", func(t *testing.T) {
		// Failing open, every replica fetches a token of its own: more
		// than the token endpoint's 3 a minute, so that limit is lifted.
		f := newFleet(t, FailOpen, nil, func(c *simkittest.Config) { c.Topups.TokenLimit = -1 })
		ctx := context.Background()
		_, err := f.replicas[0].Topups.TopupPackages(ctx, simkittest.TopupsSeedICCID)
		require.NoError(t, err)
		var calls atomic.Int32
		h := mustHandler(t)(f.replicas[1].Partner.WebhookHandler(func(context.Context, *partner.WebhookEvent) error {
			calls.Add(1)
			return nil
		}))

		f.srv.kill()

		for i, r := range f.replicas {
			_, err := r.Topups.TopupPackages(ctx, simkittest.TopupsSeedICCID)
			require.NoError(t, err, "replica %d", i)
			// Each replica keeps its own history cache and window while
			// failing open: it asks once, then serves its own cache.
			iccid := fmt.Sprintf("8985234123456789013%d", i)
			for range 2 {
				hist, err := r.Topups.PackageHistory(ctx, iccid)
				require.NoError(t, err, "replica %d", i)
				require.Equal(t, iccid, hist.ICCID)
			}
			require.Equal(t, 1, f.env.Topups.HistoryRequests(iccid), "replica %d", i)
		}
		require.Equal(t, 1+replicaCount, f.env.Topups.TokenCount(), "each replica fetches one token into its memory, once")

		// What failing open gives up: another replica does not see that
		// cache, so its request reaches the provider, whose 429 comes back
		// typed (no panic, no retry).
		_, err = f.replicas[1].Topups.PackageHistory(ctx, "89852341234567890130")
		require.ErrorIs(t, err, simkit.ErrRateLimited)
		require.Equal(t, 2, f.env.Topups.HistoryRequests("89852341234567890130"))

		body := webhookBody("0a1b2c3d-0000-4000-8000-000000000003")
		require.Equal(t, http.StatusOK, deliver(t, h, body, time.Now()))
		require.Equal(t, http.StatusOK, deliver(t, h, body, time.Now()), "the replica still dedupes its own retries")
		require.EqualValues(t, 1, calls.Load())

		lines := outageLines(f.logs.lines())
		require.Len(t, lines, replicaCount, "one outage line per replica, not per call: %s", f.logs)
		require.True(t, strings.Contains(lines[0], "mode=fail-open"), lines[0])
	})
}

// mustHandler unwraps a webhook constructor's result:
// mustHandler(t)(c.Partner.WebhookHandler(fn)).
func mustHandler(t *testing.T) func(http.Handler, error) http.Handler {
	return func(h http.Handler, err error) http.Handler {
		t.Helper()
		require.NoError(t, err)
		return h
	}
}

package smsnumbers_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/retry"
	"github.com/simkit/simkit/signing"
	"github.com/simkit/simkit/simkittest"
	"github.com/simkit/simkit/smsnumbers"
	"github.com/simkit/simkit/store"
)

const actToken = "act-token"

// actEnv is an SMS fake on a fake clock with a shared Store, and a count
// of the requests per route it served.
type actEnv struct {
	fake  *simkittest.SMSFake
	clock *simkittest.Clock
	store *store.Memory
	srv   *httptest.Server
	// faults apply to every request the fake serves.
	faults *simkittest.Faults
	// before, when set, runs before the fake serves a request.
	before func(r *http.Request)

	mu   sync.Mutex
	hits map[string]int
}

func newActEnv(t *testing.T, cfg simkittest.SMSFakeConfig) *actEnv {
	t.Helper()
	clock := simkittest.NewClock(func() time.Time { return time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC) })
	cfg.Token, cfg.Now = actToken, clock.Now
	e := &actEnv{fake: simkittest.NewSMSFake(cfg), clock: clock, hits: map[string]int{}, faults: &simkittest.Faults{}}
	e.store = store.NewMemory(func(o *store.MemoryOptions) { o.Now = clock.Now })
	faulty := e.faults.Wrap("smsnumbers", "", e.fake)
	e.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.mu.Lock()
		e.hits[routeOf(r.URL.Path)]++
		before := e.before
		e.mu.Unlock()
		if before != nil {
			before(r)
		}
		faulty.ServeHTTP(w, r)
	}))
	t.Cleanup(e.srv.Close)
	return e
}

// routeOf reduces a path to its action ("buy", "cancel", "check"...).
func routeOf(p string) string {
	parts := strings.Split(strings.TrimPrefix(p, "/v1/"), "/")
	if len(parts) >= 2 && parts[0] == "user" {
		return parts[1]
	}
	return p
}

func (e *actEnv) count(route string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.hits[route]
}

// client is one replica: its own client, the shared Store.
func (e *actEnv) client(t *testing.T) *smsnumbers.Client {
	t.Helper()
	c, err := smsnumbers.New(func(o *smsnumbers.Options) {
		o.BaseURL = e.srv.URL
		o.Token = signing.NewSecret(actToken)
		o.Limiter = option.NoLimit
		o.Now = e.clock.Now
		o.Store = e.store
		o.Retry = retry.Policy{MaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond, RateLimitDelay: time.Millisecond}
	})
	require.NoError(t, err)
	return c
}

func (e *actEnv) manager(t *testing.T, fns ...func(*smsnumbers.ActivationsOptions)) *smsnumbers.Activations {
	t.Helper()
	return e.client(t).Activations(append([]func(*smsnumbers.ActivationsOptions){func(o *smsnumbers.ActivationsOptions) {
		o.PollInterval = time.Millisecond
		o.Lease = time.Minute
	}}, fns...)...)
}

var vk = smsnumbers.BuyActivationParams{Country: "russia", Operator: smsnumbers.Any, Product: "vkontakte"}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// advanceAfterCheck moves the fake clock by d as soon as the handle has
// sent one more check than so far: the wait is under way, whatever the
// machine's speed.
func (e *actEnv) advanceAfterCheck(d time.Duration) {
	base := e.count("check")
	go func() {
		for e.count("check") <= base {
			time.Sleep(time.Millisecond)
		}
		e.clock.Advance(d)
	}()
}

func TestActivationCodeInTimeIsReturnedAndFinished(t *testing.T) {
	for _, auto := range []bool{true, false} {
		t.Run(map[bool]string{true: "auto finish", false: "explicit finish"}[auto], func(t *testing.T) {
			e := newActEnv(t, simkittest.SMSFakeConfig{Rating: dec("90")})
			m := e.manager(t)
			ctx := context.Background()
			a, err := m.Activate(ctx, smsnumbers.ActivateParams{Buy: vk, Deadline: time.Minute, AutoFinish: auto})
			require.NoError(t, err)
			require.NoError(t, e.fake.ScheduleSMS(a.ID(), time.Second, "VK: 4242", "4242"))
			// The SMS arrives on the fake clock once the handle has polled.
			e.advanceAfterCheck(2 * time.Second)
			s, err := a.WaitForCode(ctx)
			require.NoError(t, err)
			require.Equal(t, "4242", s.Code)
			if !auto {
				require.Equal(t, smsnumbers.ActivationReceived, a.State())
				require.NoError(t, a.Finish(ctx))
			}
			require.Equal(t, smsnumbers.ActivationFinished, a.State())
			st, _ := e.fake.OrderStatus(a.ID())
			require.Equal(t, simkittest.SMSFinished, st)
			require.True(t, e.fake.Rating().Equal(dec("90.5")), "finished before the code timeout: +0.5, got %s", e.fake.Rating())
			require.True(t, e.fake.Balance().Equal(dec("79")), "the number is paid for")
			j, err := m.Journal(ctx, a.ID())
			require.NoError(t, err)
			var states []smsnumbers.ActivationState
			for _, ev := range j.Events {
				states = append(states, ev.State)
				require.Equal(t, m.Owner(), ev.Owner)
			}
			require.Equal(t, []smsnumbers.ActivationState{smsnumbers.ActivationBought, smsnumbers.ActivationReceived, smsnumbers.ActivationFinished}, states)
			again, err := a.WaitForCode(ctx)
			require.NoError(t, err)
			require.Equal(t, "4242", again.Code, "a second call gives the same code, without a request")
		})
	}
}

func TestActivationNoCodeIsCanceledAndRefunded(t *testing.T) {
	e := newActEnv(t, simkittest.SMSFakeConfig{})
	m := e.manager(t)
	ctx := context.Background()
	a, err := m.Activate(ctx, smsnumbers.ActivateParams{Buy: vk, Deadline: 20 * time.Millisecond})
	require.NoError(t, err)
	require.True(t, e.fake.Balance().Equal(dec("79")))
	s, err := a.WaitForCode(ctx)
	require.Nil(t, s)
	require.ErrorIs(t, err, smsnumbers.ErrNoCode)
	require.NotErrorIs(t, err, context.Canceled)
	require.Equal(t, smsnumbers.ActivationCanceled, a.State())
	st, _ := e.fake.OrderStatus(a.ID())
	require.Equal(t, simkittest.SMSCanceled, st)
	require.True(t, e.fake.Balance().Equal(dec("100")), "the balance is restored, got %s", e.fake.Balance())
	require.Equal(t, 1, e.count("cancel"))

	// A code that comes after the cancel is dropped, as the real API does.
	require.NoError(t, e.fake.ScheduleSMS(a.ID(), time.Second, "late", "1"))
	e.clock.Advance(2 * time.Second)
	require.Equal(t, 1, e.fake.DroppedSMS())
}

func TestActivationCallerCanceledMidWaitStillCancels(t *testing.T) {
	e := newActEnv(t, simkittest.SMSFakeConfig{})
	m := e.manager(t)
	ctx, cancel := context.WithCancel(context.Background())
	a, err := m.Activate(ctx, smsnumbers.ActivateParams{Buy: vk, Deadline: time.Minute})
	require.NoError(t, err)
	go func() {
		for e.count("check") < 3 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	_, err = a.WaitForCode(ctx)
	require.ErrorIs(t, err, context.Canceled)
	require.ErrorIs(t, err, smsnumbers.ErrNoCode)
	require.Equal(t, smsnumbers.ActivationCanceled, a.State())
	require.True(t, e.fake.Balance().Equal(dec("100")), "refunded although the caller's ctx ended")
}

func TestActivationOrderEndedByProvider(t *testing.T) {
	e := newActEnv(t, simkittest.SMSFakeConfig{})
	m := e.manager(t)
	ctx := context.Background()
	a, err := m.Activate(ctx, smsnumbers.ActivateParams{Buy: vk, Deadline: time.Minute})
	require.NoError(t, err)
	require.NoError(t, e.fake.Expire(a.ID()))
	_, err = a.WaitForCode(ctx)
	require.ErrorIs(t, err, smsnumbers.ErrNoCode)
	require.ErrorIs(t, err, smsnumbers.ErrOrderEnded)
	require.Equal(t, smsnumbers.ActivationEnded, a.State())
	require.Zero(t, e.count("cancel"), "nothing to cancel")
}

func TestActivationCodeAtTheLastMomentIsReturned(t *testing.T) {
	e := newActEnv(t, simkittest.SMSFakeConfig{})
	m := e.manager(t)
	ctx := context.Background()
	a, err := m.Activate(ctx, smsnumbers.ActivateParams{Buy: vk, Deadline: 20 * time.Millisecond, AutoFinish: true})
	require.NoError(t, err)
	// The SMS lands just before the deadline's cancel reaches the provider.
	e.mu.Lock()
	e.before = func(r *http.Request) {
		if routeOf(r.URL.Path) == "cancel" {
			_ = e.fake.DeliverSMS(a.ID(), "VK: 5151", "5151")
		}
	}
	e.mu.Unlock()
	s, err := a.WaitForCode(ctx)
	require.NoError(t, err)
	require.Equal(t, "5151", s.Code, "the refused cancel hands over the code instead of wasting it")
	require.Equal(t, smsnumbers.ActivationFinished, a.State())
	require.Equal(t, 1, e.count("cancel"))
	require.Equal(t, 1, e.count("finish"))
	st, _ := e.fake.OrderStatus(a.ID())
	require.Equal(t, simkittest.SMSFinished, st)
}

func TestActivationReBuyIgnoresTheOldCode(t *testing.T) {
	e := newActEnv(t, simkittest.SMSFakeConfig{})
	e.fake.SetReuseKeepsSMS(true)
	m := e.manager(t)
	ctx := context.Background()
	first := vk
	first.Reuse = true
	a, err := m.Activate(ctx, smsnumbers.ActivateParams{Buy: first, Deadline: time.Minute, AutoFinish: true})
	require.NoError(t, err)
	require.NoError(t, e.fake.DeliverSMS(a.ID(), "VK: 1111", "1111"))
	s, err := a.WaitForCode(ctx)
	require.NoError(t, err)
	require.Equal(t, "1111", s.Code)
	number := strings.TrimPrefix(a.Order().Phone, "+")
	e.clock.Advance(time.Minute)

	// The re-bought number still shows 1111: it is never the new code.
	rebuy := &smsnumbers.ReuseParams{Product: "vkontakte", Number: number}
	b, err := m.Activate(ctx, smsnumbers.ActivateParams{Reuse: rebuy, Deadline: 20 * time.Millisecond})
	require.NoError(t, err)
	_, err = b.WaitForCode(ctx)
	require.ErrorIs(t, err, smsnumbers.ErrNoCode)
	require.Equal(t, smsnumbers.ActivationCanceled, b.State())
	require.NotEmpty(t, b.Order().SMS, "the old SMS was there all along")

	c, err := m.Activate(ctx, smsnumbers.ActivateParams{Reuse: rebuy, Deadline: time.Minute})
	require.NoError(t, err)
	require.NoError(t, e.fake.ScheduleSMS(c.ID(), time.Second, "VK: 2222", "2222"))
	e.advanceAfterCheck(2 * time.Second)
	s, err = c.WaitForCode(ctx)
	require.NoError(t, err)
	require.Equal(t, "2222", s.Code)
}

func TestSweepCancelsTheOrphanOfACrashedProcess(t *testing.T) {
	e := newActEnv(t, simkittest.SMSFakeConfig{})
	ctx := context.Background()
	crashed := e.manager(t)
	a, err := crashed.Activate(ctx, smsnumbers.ActivateParams{Buy: vk})
	require.NoError(t, err)
	got, err := crashed.Activate(ctx, smsnumbers.ActivateParams{Buy: vk})
	require.NoError(t, err)
	require.NoError(t, e.fake.DeliverSMS(got.ID(), "VK: 7", "7"))
	// A number bought without a manager, and the process dies before
	// anything is journaled.
	raw, err := e.client(t).BuyActivation(ctx, vk)
	require.NoError(t, err)
	// The process dies here: its manager is never used again; only the
	// Store remains.

	restarted := e.manager(t)
	rep, err := restarted.Sweep(ctx, smsnumbers.SweepParams{})
	require.NoError(t, err)
	require.Equal(t, 3, rep.Live, "leases not lapsed yet: nothing is touched")
	require.Zero(t, e.count("cancel")+e.count("finish"))

	e.clock.Advance(2 * time.Minute)
	rep, err = restarted.Sweep(ctx, smsnumbers.SweepParams{})
	require.NoError(t, err)
	require.ElementsMatch(t, []int64{a.ID(), raw.ID}, rep.Canceled)
	require.Equal(t, []int64{got.ID()}, rep.Finished)
	require.Empty(t, rep.Failed)
	require.True(t, e.fake.Balance().Equal(dec("79")), "two refunds, one number paid for its code; got %s", e.fake.Balance())
	j, err := restarted.Journal(ctx, a.ID())
	require.NoError(t, err)
	require.Equal(t, smsnumbers.ActivationCanceled, j.State)
	require.Equal(t, restarted.Owner()+"/sweep", j.Events[len(j.Events)-1].Owner)

	rep, err = restarted.Sweep(ctx, smsnumbers.SweepParams{})
	require.NoError(t, err)
	require.Zero(t, rep.Checked, "nothing left open")
}

func TestSweepPolicyLeave(t *testing.T) {
	e := newActEnv(t, simkittest.SMSFakeConfig{})
	ctx := context.Background()
	a, err := e.manager(t).Activate(ctx, smsnumbers.ActivateParams{Buy: vk})
	require.NoError(t, err)
	e.clock.Advance(2 * time.Minute)
	rep, err := e.manager(t).Sweep(ctx, smsnumbers.SweepParams{Pending: smsnumbers.SweepLeave})
	require.NoError(t, err)
	require.Equal(t, []int64{a.ID()}, rep.Left)
	require.Zero(t, e.count("cancel"))
	_, err = e.manager(t).Sweep(ctx, smsnumbers.SweepParams{Pending: "burn"})
	require.ErrorIs(t, err, apierror.ErrValidation)
}

// TestReplicasNeverCloseOneActivationTwice: replicas sharing one Store
// sweep the same orphans at once; each orphan is canceled (or finished)
// by exactly one of them.
func TestReplicasNeverCloseOneActivationTwice(t *testing.T) {
	e := newActEnv(t, simkittest.SMSFakeConfig{Balance: dec("1000")})
	ctx := context.Background()
	crashed := e.manager(t)
	const n = 6
	for i := range n {
		a, err := crashed.Activate(ctx, smsnumbers.ActivateParams{Buy: vk})
		require.NoError(t, err)
		if i%2 == 0 {
			require.NoError(t, e.fake.DeliverSMS(a.ID(), "VK: 9", "9"))
		}
	}
	e.clock.Advance(2 * time.Minute)
	const replicas = 4
	reps := make([]*smsnumbers.SweepReport, replicas)
	errs := make([]error, replicas)
	var wg sync.WaitGroup
	for i := range replicas {
		m := e.manager(t)
		wg.Add(1)
		go func() {
			defer wg.Done()
			reps[i], errs[i] = m.Sweep(ctx, smsnumbers.SweepParams{})
		}()
	}
	wg.Wait()
	seen := map[int64]int{}
	for i := range replicas {
		require.NoError(t, errs[i])
		for _, id := range append(append([]int64(nil), reps[i].Canceled...), reps[i].Finished...) {
			seen[id]++
		}
	}
	require.Len(t, seen, n)
	for id, k := range seen {
		require.Equal(t, 1, k, "order %d closed by %d replicas", id, k)
	}
	require.Equal(t, n/2, e.count("cancel"), "one cancel per pending orphan on the wire")
	require.Equal(t, n/2, e.count("finish"), "one finish per orphan with a code on the wire")
}

func TestRatingFloorRefusesBeforeAnyBuy(t *testing.T) {
	e := newActEnv(t, simkittest.SMSFakeConfig{Rating: dec("40")})
	m := e.manager(t, func(o *smsnumbers.ActivationsOptions) { o.MinRating = dec("50") })
	ctx := context.Background()
	_, err := m.Activate(ctx, smsnumbers.ActivateParams{Buy: vk})
	require.ErrorIs(t, err, smsnumbers.ErrRatingTooLow)
	require.ErrorIs(t, err, apierror.ErrConflict)
	require.Zero(t, e.count("buy"), "no buy request")
	require.Empty(t, e.fake.OrderIDs())
	require.Equal(t, 1, e.count("profile"))

	// The rating is cached briefly: a raise shows after the cache ends.
	e.fake.Charge(dec("10")) // +8 rating
	e.fake.SetRating(dec("60"))
	_, err = m.Activate(ctx, smsnumbers.ActivateParams{Buy: vk})
	require.ErrorIs(t, err, smsnumbers.ErrRatingTooLow, "still the cached rating")
	require.Equal(t, 1, e.count("profile"))
	e.clock.Advance(time.Minute)
	_, err = m.Activate(ctx, smsnumbers.ActivateParams{Buy: vk})
	require.NoError(t, err)
	require.Equal(t, 2, e.count("profile"))
}

func TestSpendLimitHoldsAcrossReplicas(t *testing.T) {
	e := newActEnv(t, simkittest.SMSFakeConfig{Balance: dec("1000")})
	limit := func(o *smsnumbers.ActivationsOptions) { o.SpendLimit = dec("50") }
	ctx := context.Background()
	const replicas = 5
	acts := make([]*smsnumbers.Activation, replicas)
	errs := make([]error, replicas)
	var wg sync.WaitGroup
	for i := range replicas {
		m := e.manager(t, limit)
		wg.Add(1)
		go func() {
			defer wg.Done()
			// 21 each: two fit under 50, a third would pass it.
			acts[i], errs[i] = m.Activate(ctx, smsnumbers.ActivateParams{Buy: vk, ExpectedPrice: dec("21")})
		}()
	}
	wg.Wait()
	ok, refused := 0, 0
	var first *smsnumbers.Activation
	for i := range replicas {
		switch {
		case errs[i] == nil:
			ok++
			first = acts[i]
		case errors.Is(errs[i], smsnumbers.ErrSpendLimit):
			require.ErrorIs(t, errs[i], apierror.ErrConflict)
			refused++
		default:
			t.Fatalf("unexpected error: %v", errs[i])
		}
	}
	require.Equal(t, 2, ok)
	require.Equal(t, 3, refused)
	require.Equal(t, 2, e.count("buy"), "refused buys send nothing")
	m := e.manager(t, limit)
	spent, err := m.Spent(ctx)
	require.NoError(t, err)
	require.True(t, spent.Equal(dec("42")), "got %s", spent)

	// A refund gives the money back to the period.
	require.NoError(t, first.Cancel(ctx))
	spent, _ = m.Spent(ctx)
	require.True(t, spent.Equal(dec("21")), "got %s", spent)
	_, err = m.Activate(ctx, smsnumbers.ActivateParams{Buy: vk})
	require.NoError(t, err, "the looked-up price (21) fits again")

	// A buy that fails for sure releases its reservation (a replica with a
	// higher limit counts in the same period).
	e.fake.SetBalance(decimal.Zero)
	_, err = e.manager(t, func(o *smsnumbers.ActivationsOptions) { o.SpendLimit = dec("100") }).Activate(ctx, smsnumbers.ActivateParams{Buy: vk})
	require.ErrorIs(t, err, apierror.ErrInsufficientFunds)
	spent, _ = m.Spent(ctx)
	require.True(t, spent.Equal(dec("42")), "got %s", spent)

	// A new period starts from zero.
	e.clock.Advance(smsnumbers.DefaultSpendPeriod)
	spent, _ = m.Spent(ctx)
	require.True(t, spent.IsZero())
}

func TestActivateValidation(t *testing.T) {
	e := newActEnv(t, simkittest.SMSFakeConfig{})
	m := e.manager(t, func(o *smsnumbers.ActivationsOptions) { o.SpendLimit = dec("10") })
	ctx := context.Background()
	capped := vk
	capped.Operator = "beeline"
	capped.MaxPrice = dec("5")
	for name, p := range map[string]smsnumbers.ActivateParams{
		"max price with an operator": {Buy: capped},
		"blank product":              {Buy: smsnumbers.BuyActivationParams{Country: "russia", Operator: "any"}},
		"negative deadline":          {Buy: vk, Deadline: -time.Second},
		"re-buy without a price":     {Reuse: &smsnumbers.ReuseParams{Product: "vkontakte", Number: "79001234567"}},
	} {
		_, err := m.Activate(ctx, p)
		require.ErrorIs(t, err, apierror.ErrValidation, name)
	}
	require.Zero(t, e.fake.Requests(), "nothing sent")
}

func TestActivationMaxPriceCapsTheBuy(t *testing.T) {
	e := newActEnv(t, simkittest.SMSFakeConfig{})
	m := e.manager(t)
	ctx := context.Background()
	tg := smsnumbers.BuyActivationParams{Country: "afghanistan", Operator: smsnumbers.Any, Product: "telegram", MaxPrice: dec("3.5")}
	_, err := m.Activate(ctx, smsnumbers.ActivateParams{Buy: tg})
	require.ErrorIs(t, err, apierror.ErrOutOfStock, "nothing at or under 3.5")
	tg.MaxPrice = dec("4")
	a, err := m.Activate(ctx, smsnumbers.ActivateParams{Buy: tg})
	require.NoError(t, err)
	require.True(t, a.Order().Price.Equal(dec("4")))
}

// TestOwnerAndSweepCancelOnce: the owner's lease lapsed while it waits (a
// long pause), so a sweep on another replica takes the order at the same
// moment the owner's deadline passes; one cancel goes out, and the owner
// reports the refund.
func TestOwnerAndSweepCancelOnce(t *testing.T) {
	for range 5 {
		e := newActEnv(t, simkittest.SMSFakeConfig{})
		ctx := context.Background()
		owner := e.manager(t, func(o *smsnumbers.ActivationsOptions) { o.PollInterval = time.Hour })
		a, err := owner.Activate(ctx, smsnumbers.ActivateParams{Buy: vk, Deadline: 5 * time.Millisecond})
		require.NoError(t, err)
		e.clock.Advance(2 * time.Minute)
		var wg sync.WaitGroup
		var waitErr, sweepErr error
		var rep *smsnumbers.SweepReport
		sweeper := e.manager(t)
		wg.Add(2)
		go func() { defer wg.Done(); _, waitErr = a.WaitForCode(ctx) }()
		go func() { defer wg.Done(); rep, sweepErr = sweeper.Sweep(ctx, smsnumbers.SweepParams{}) }()
		wg.Wait()
		require.ErrorIs(t, waitErr, smsnumbers.ErrNoCode)
		require.NoError(t, sweepErr)
		require.Empty(t, rep.Failed)
		require.Equal(t, 1, e.count("cancel"), "one cancel on the wire")
		require.Equal(t, smsnumbers.ActivationCanceled, a.State())
		require.True(t, e.fake.Balance().Equal(dec("100")))
	}
}

func TestNilClientActivations(t *testing.T) {
	var c *smsnumbers.Client
	m := c.Activations()
	ctx := context.Background()
	_, err := m.Activate(ctx, smsnumbers.ActivateParams{Buy: vk})
	require.ErrorIs(t, err, apierror.ErrNotConfigured)
	_, err = m.Sweep(ctx, smsnumbers.SweepParams{})
	require.ErrorIs(t, err, apierror.ErrNotConfigured)
	_, err = m.Journal(ctx, 1)
	require.ErrorIs(t, err, apierror.ErrNotConfigured)
	_, err = m.Spent(ctx)
	require.ErrorIs(t, err, apierror.ErrNotConfigured)
}

// TestActivationSurvivesLostAnswers: a buy whose answer is lost is found
// in the history and journaled like any other; one whose outcome stays
// unknown keeps its spend reservation (the money may be gone); a cancel
// that keeps failing leaves the number to the sweep, which refunds it.
func TestActivationSurvivesLostAnswers(t *testing.T) {
	ctx := context.Background()
	limit := func(o *smsnumbers.ActivationsOptions) { o.SpendLimit = dec("100") }
	t.Run("lost buy answer", func(t *testing.T) {
		e := newActEnv(t, simkittest.SMSFakeConfig{})
		m := e.manager(t, limit)
		e.faults.Add(simkittest.Fault{Path: "/v1/user/buy/*", Kind: simkittest.DropAfterHandling, Times: 1})
		a, err := m.Activate(ctx, smsnumbers.ActivateParams{Buy: vk, Deadline: 10 * time.Millisecond})
		require.NoError(t, err)
		require.True(t, a.Order().Recovered)
		j, err := m.Journal(ctx, a.ID())
		require.NoError(t, err)
		require.Equal(t, smsnumbers.ActivationBought, j.State)
		_, err = a.WaitForCode(ctx)
		require.ErrorIs(t, err, smsnumbers.ErrNoCode)
		require.True(t, e.fake.Balance().Equal(dec("100")))
	})
	t.Run("outcome unknown keeps the reservation", func(t *testing.T) {
		e := newActEnv(t, simkittest.SMSFakeConfig{})
		m := e.manager(t, limit)
		e.faults.Add(simkittest.Fault{Path: "/v1/user/buy/*", Kind: simkittest.DropBeforeHandling, Times: 1})
		_, err := m.Activate(ctx, smsnumbers.ActivateParams{Buy: vk, ExpectedPrice: dec("21")})
		require.ErrorIs(t, err, apierror.ErrOutcomeUnknown)
		spent, err := m.Spent(ctx)
		require.NoError(t, err)
		require.True(t, spent.Equal(dec("21")), "counted until someone looks: got %s", spent)
	})
	for _, retryWait := range []bool{false, true} {
		t.Run(fmt.Sprintf("cancel keeps failing, wait again %v", retryWait), func(t *testing.T) {
			e := newActEnv(t, simkittest.SMSFakeConfig{})
			m := e.manager(t)
			a, err := m.Activate(ctx, smsnumbers.ActivateParams{Buy: vk, Deadline: 5 * time.Millisecond})
			require.NoError(t, err)
			e.faults.Add(simkittest.Fault{Path: "/v1/user/cancel/*", Kind: simkittest.Status, Status: http.StatusBadGateway})
			_, err = a.WaitForCode(ctx)
			require.ErrorIs(t, err, smsnumbers.ErrNoCode)
			require.ErrorIs(t, err, apierror.ErrUnavailable, "the cancel's own failure is in the error")
			require.Equal(t, smsnumbers.ActivationBought, a.State())
			require.True(t, e.fake.Balance().Equal(dec("79")))

			e.faults.Clear()
			if retryWait {
				_, err = a.WaitForCode(ctx)
				require.ErrorIs(t, err, smsnumbers.ErrNoCode)
				require.Equal(t, smsnumbers.ActivationCanceled, a.State(), "a second wait tries the cancel again")
				require.True(t, e.fake.Balance().Equal(dec("100")))
				return
			}
			e.clock.Advance(2 * time.Minute)
			rep, err := e.manager(t).Sweep(ctx, smsnumbers.SweepParams{})
			require.NoError(t, err)
			require.Equal(t, []int64{a.ID()}, rep.Canceled, "the failed close released its claim for the sweep")
			require.True(t, e.fake.Balance().Equal(dec("100")))
		})
	}
}

// TestMaxPricesJourney sets, lists and deletes a price limit against the
// fake and sees it cap a buy with operator any.
func TestMaxPricesJourney(t *testing.T) {
	e := newActEnv(t, simkittest.SMSFakeConfig{})
	c := e.client(t)
	ctx := context.Background()
	tg := smsnumbers.BuyActivationParams{Country: "afghanistan", Operator: smsnumbers.Any, Product: "telegram"}
	require.NoError(t, c.SetMaxPrice(ctx, smsnumbers.SetMaxPriceParams{Product: "telegram", Price: dec("3.5")}))
	list, err := c.MaxPrices(ctx)
	require.NoError(t, err)
	require.Len(t, list, 1)
	require.Equal(t, "telegram", list[0].Product)
	require.True(t, list[0].Price.Equal(dec("3.5")))
	require.False(t, list[0].CreatedAt.IsZero())
	_, err = c.BuyActivation(ctx, tg)
	require.ErrorIs(t, err, apierror.ErrOutOfStock, "the account's limit caps the buy")

	require.NoError(t, c.DeleteMaxPrice(ctx, smsnumbers.DeleteMaxPriceParams{Product: "telegram"}))
	err = c.DeleteMaxPrice(ctx, smsnumbers.DeleteMaxPriceParams{Product: "telegram"})
	require.ErrorIs(t, err, apierror.ErrNotFound)
	list, err = c.MaxPrices(ctx)
	require.NoError(t, err)
	require.Empty(t, list)
	o, err := c.BuyActivation(ctx, tg)
	require.NoError(t, err)
	require.True(t, o.Price.Equal(dec("4")))
	err = c.SetMaxPrice(ctx, smsnumbers.SetMaxPriceParams{Product: "no-such-product", Price: dec("1")})
	require.ErrorIs(t, err, apierror.ErrNotFound)
}

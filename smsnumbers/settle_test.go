package smsnumbers_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/retry"
	"github.com/simkit/simkit/signing"
	"github.com/simkit/simkit/simkittest"
	"github.com/simkit/simkit/smsnumbers"
	"github.com/simkit/simkit/store"
)

// replica is an SMS client of the env's account sharing st with others,
// as replicas of one service share a Redis store.
func replica(t *testing.T, env *simkittest.Env, st store.Store, now func() time.Time) *smsnumbers.Client {
	t.Helper()
	c, err := smsnumbers.New(env.SMSOptions, func(o *smsnumbers.Options) {
		o.Store = st
		o.Limiter = option.NoLimit
		o.Now = now
		o.Retry = retry.Policy{MaxAttempts: 2, BaseDelay: time.Millisecond, RateLimitDelay: time.Millisecond}
	})
	require.NoError(t, err)
	return c
}

var telegramRU = smsnumbers.BuyActivationParams{Country: "russia", Operator: smsnumbers.Any, Product: "vkontakte"}

// TestSettleNeverHandsOneOrderToTwoCalls: two replicas whose buys both
// lost their answers, and a third whose buy succeeded, never return the
// same order; an ambiguous buy that bought nothing does not take another
// call's order.
func TestSettleNeverHandsOneOrderToTwoCalls(t *testing.T) {
	env := simkittest.New(t)
	st := store.NewMemory()
	a, b, ok := replica(t, env, st, nil), replica(t, env, st, nil), replica(t, env, st, nil)

	// ok buys normally: its order is claimed, so nobody settles onto it.
	mine, err := ok.BuyActivation(context.Background(), telegramRU)
	require.NoError(t, err)
	require.False(t, mine.Recovered)

	// a and b both buy, both answers are dropped after the purchase.
	env.Faults.Add(simkittest.Fault{Provider: simkittest.ProviderSMS, Path: "/v1/user/buy/*", Times: 2, Kind: simkittest.DropAfterHandling})
	var wg sync.WaitGroup
	got := make([]*smsnumbers.Order, 2)
	errs := make([]error, 2)
	for i, c := range []*smsnumbers.Client{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], errs[i] = c.BuyActivation(context.Background(), telegramRU)
		}()
	}
	wg.Wait()
	// Each lost buy either recovers an order only it could have made, or
	// (when the two windows overlap, so either order could be either's)
	// answers ErrOutcomeUnknown: never the same order twice, never one
	// held by two callers.
	held := map[int64]int{mine.ID: 1}
	for i := range got {
		if errs[i] != nil {
			require.ErrorIs(t, errs[i], apierror.ErrOutcomeUnknown)
			continue
		}
		require.True(t, got[i].Recovered)
		held[got[i].ID]++
	}
	for id, n := range held {
		require.Equal(t, 1, n, "order %d", id)
	}
	require.Len(t, env.SMS.OrderIDs(), 3)

	// b's buy is refused with a 500 before anything happens: every order
	// in the history is claimed, so b learns the outcome is unknown and
	// takes nobody's order.
	env.Faults.Add(simkittest.Fault{Provider: simkittest.ProviderSMS, Path: "/v1/user/buy/*", Times: 1, Kind: simkittest.Status, Status: 500})
	_, err = b.BuyActivation(context.Background(), telegramRU)
	require.ErrorIs(t, err, apierror.ErrOutcomeUnknown)
	require.Len(t, env.SMS.OrderIDs(), 3)
}

// TestSettleIgnoresOlderOrdersAndOtherProducts: only orders created since
// the call began (less SettleSkew) and for the same product count.
func TestSettleIgnoresOlderOrdersAndOtherProducts(t *testing.T) {
	var mu sync.Mutex
	clock := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	env := simkittest.New(t, func(c *simkittest.Config) { c.Now = now })
	st := store.NewMemory()
	c := replica(t, env, st, now)
	other := replica(t, env, store.NewMemory(), now) // a process that shares no claims

	// An order bought long ago, unclaimed by c's store.
	_, err := other.BuyActivation(context.Background(), telegramRU)
	require.NoError(t, err)
	mu.Lock()
	clock = clock.Add(smsnumbers.SettleSkew + time.Second)
	mu.Unlock()
	// A recent order for another product.
	_, err = other.BuyActivation(context.Background(), smsnumbers.BuyActivationParams{Country: "russia", Operator: "beeline", Product: "1688"})
	require.NoError(t, err)

	env.Faults.Add(simkittest.Fault{Provider: simkittest.ProviderSMS, Path: "/v1/user/buy/*", Times: 1, Kind: simkittest.Status, Status: 502})
	_, err = c.BuyActivation(context.Background(), telegramRU)
	require.ErrorIs(t, err, apierror.ErrOutcomeUnknown)
	var e *apierror.Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, "GET /v1/user/buy/activation/{country}/{operator}/{product}", e.Op)
	require.Equal(t, "GET /v1/user/buy/activation/russia/any/vkontakte", e.Reference)
	require.Equal(t, now(), e.Started)
	require.Equal(t, 502, e.StatusCode)
}

// TestReuseOutcomeUnknownMasksNumber: the number is customer data; the
// error shows its last 4 digits at most, in Reference only.
func TestReuseOutcomeUnknownMasksNumber(t *testing.T) {
	env := simkittest.New(t)
	c := replica(t, env, store.NewMemory(), nil)
	o, err := c.BuyActivation(context.Background(), smsnumbers.BuyActivationParams{Country: "russia", Operator: "beeline", Product: "vkontakte", Reuse: true})
	require.NoError(t, err)
	number := strings.TrimPrefix(o.Phone, "+")

	// The buy is dropped and the history refuses us: outcome unknown.
	env.Faults.Add(simkittest.Fault{Provider: simkittest.ProviderSMS, Path: "/v1/user/reuse/*", Times: 1, Kind: simkittest.DropAfterHandling})
	env.Faults.Add(simkittest.Fault{Provider: simkittest.ProviderSMS, Path: "/v1/user/orders", Times: 1, Kind: simkittest.Status, Status: 401, Body: " "})
	_, err = c.Reuse(context.Background(), smsnumbers.ReuseParams{Product: "vkontakte", Number: number})
	require.ErrorIs(t, err, apierror.ErrOutcomeUnknown)
	var e *apierror.Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, "GET /v1/user/reuse/{product}/{number}", e.Op)
	require.Equal(t, "GET /v1/user/reuse/vkontakte/"+strings.Repeat("*", len(number)-4)+number[len(number)-4:], e.Reference)
	require.NotContains(t, err.Error(), number)
	require.NotContains(t, err.Error(), number[:len(number)-4], "not even the start of the number")
}

// TestSettleAfterCallerGaveUp: the caller's context ends after the buy
// was made but before its answer came; the look-up still runs (detached,
// bounded) and finds the order.
func TestSettleAfterCallerGaveUp(t *testing.T) {
	fake := simkittest.NewSMSFake(simkittest.SMSFakeConfig{Token: matrixToken})
	faults := &simkittest.Faults{}
	faults.Add(simkittest.Fault{Path: "/v1/user/buy/*", Kind: simkittest.HangAfterHandling})
	srv := httptest.NewServer(faults.Wrap(simkittest.ProviderSMS, "", fake))
	defer srv.Close()
	c, err := smsnumbers.New(func(o *smsnumbers.Options) {
		o.BaseURL, o.Token, o.Limiter = srv.URL, signing.NewSecret(matrixToken), option.NoLimit
	})
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	o, err := c.BuyActivation(ctx, telegramRU)
	require.NoError(t, err)
	require.True(t, o.Recovered)
	require.Equal(t, fake.OrderIDs(), []int64{o.ID})

	// Already canceled: nothing is sent, nothing to settle.
	cancel()
	_, err = c.BuyActivation(ctx, telegramRU)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.NotErrorIs(t, err, apierror.ErrOutcomeUnknown)
	require.Len(t, fake.OrderIDs(), 1)
}

// TestLogsCarryRouteTemplatesOnly: every log line of a re-buy whose answer
// was lost names the route, never the number, at every level.
func TestLogsCarryRouteTemplatesOnly(t *testing.T) {
	env := simkittest.New(t)
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, err := smsnumbers.New(env.SMSOptions, func(o *smsnumbers.Options) {
		o.Logger = logger
		o.Limiter = option.NoLimit
	})
	require.NoError(t, err)
	o, err := c.BuyActivation(context.Background(), smsnumbers.BuyActivationParams{Country: "russia", Operator: "beeline", Product: "vkontakte", Reuse: true})
	require.NoError(t, err)
	number := strings.TrimPrefix(o.Phone, "+")
	env.Faults.Add(simkittest.Fault{Provider: simkittest.ProviderSMS, Path: "/v1/user/reuse/*", Times: 1, Kind: simkittest.DropAfterHandling})
	again, err := c.Reuse(context.Background(), smsnumbers.ReuseParams{Product: "vkontakte", Number: number})
	require.NoError(t, err)
	require.True(t, again.Recovered)
	logs := buf.String()
	require.Contains(t, logs, `"route":"GET /v1/user/reuse/{product}/{number}"`)
	require.Contains(t, logs, "settled from the history")
	require.NotContains(t, logs, number)
	require.NotContains(t, logs, "/russia/", "no country values either")
}

// TestSettleWithdrawClaimsEachPayout: two identical payouts whose answers
// were both lost get one history entry each, never the same one.
func TestSettleWithdrawClaimsEachPayout(t *testing.T) {
	env := simkittest.New(t)
	st := store.NewMemory()
	a, b := replica(t, env, st, nil), replica(t, env, st, nil)
	payout := smsnumbers.WithdrawParams{Receiver: "4111111111111111", Method: smsnumbers.MethodVisa, Amount: withdrawAmount, Fee: smsnumbers.FeePayeer}
	env.Faults.Add(simkittest.Fault{Provider: simkittest.ProviderSMS, Path: "/v1/vendor/withdraw", Times: 2, Kind: simkittest.DropAfterHandling})
	wa, err := a.Withdraw(context.Background(), payout)
	require.NoError(t, err)
	wb, err := b.Withdraw(context.Background(), payout)
	require.NoError(t, err)
	require.True(t, wa.Recovered)
	require.True(t, wb.Recovered)
	require.NotEqual(t, wa.Payment.ID, wb.Payment.ID)
	require.True(t, wa.Payment.Amount.Abs().Equal(withdrawAmount))

	// A third payout refused before anything happened finds nothing left.
	env.Faults.Add(simkittest.Fault{Provider: simkittest.ProviderSMS, Path: "/v1/vendor/withdraw", Times: 1, Kind: simkittest.Status, Status: 503})
	_, err = a.Withdraw(context.Background(), payout)
	require.ErrorIs(t, err, apierror.ErrOutcomeUnknown)
	var e *apierror.Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, "POST /v1/vendor/withdraw amount=10 method=visa fee=payeer", e.Reference)
	require.NotContains(t, err.Error()+e.Reference, "4111111111111111", "the receiver is customer data")
}

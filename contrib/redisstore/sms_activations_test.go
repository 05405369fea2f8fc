package redisstore

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/retry"
	"github.com/simkit/simkit/signing"
	"github.com/simkit/simkit/simkittest"
	"github.com/simkit/simkit/smsnumbers"
)

// TestReplicasSweepSMSActivationsOnce: a process that bought SMS numbers
// dies; replicas sharing one redis-server sweep its orphans at once. Each
// orphan is canceled (no code) or finished (code) by exactly one replica,
// one request on the wire each, and the spend limit counted in Redis holds
// for the fleet.
func TestReplicasSweepSMSActivationsOnce(t *testing.T) {
	srv := startRedis(t)
	clock := simkittest.NewClock(func() time.Time { return time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC) })
	fake := simkittest.NewSMSFake(simkittest.SMSFakeConfig{Token: "t", Now: clock.Now, Balance: decimal.NewFromInt(1000)})
	var mu sync.Mutex
	hits := map[string]int{}
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		for _, action := range []string{"/cancel/", "/finish/", "/buy/"} {
			if strings.Contains(r.URL.Path, action) {
				hits[action]++
			}
		}
		mu.Unlock()
		fake.ServeHTTP(w, r)
	}))
	defer api.Close()
	replica := func() *smsnumbers.Activations {
		st := New(srv.client(), func(o *Options) { o.Prefix = "simkit:sms-test:" })
		c, err := smsnumbers.New(func(o *smsnumbers.Options) {
			o.BaseURL, o.Token, o.Store, o.Now = api.URL, signing.NewSecret("t"), st, clock.Now
			o.Limiter = option.NoLimit
			o.Retry = retry.Policy{MaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond, RateLimitDelay: time.Millisecond}
		})
		require.NoError(t, err)
		return c.Activations(func(o *smsnumbers.ActivationsOptions) {
			o.Lease = time.Minute
			o.SpendLimit = decimal.NewFromInt(130) // six numbers at 21
		})
	}
	ctx := context.Background()
	crashed := replica()
	vk := smsnumbers.BuyActivationParams{Country: "russia", Operator: smsnumbers.Any, Product: "vkontakte"}
	const n = 6
	for i := range n {
		a, err := crashed.Activate(ctx, smsnumbers.ActivateParams{Buy: vk, ExpectedPrice: decimal.NewFromInt(21)})
		require.NoError(t, err)
		if i%2 == 1 {
			require.NoError(t, fake.DeliverSMS(a.ID(), "VK: 1", "1"))
		}
	}
	_, err := replica().Activate(ctx, smsnumbers.ActivateParams{Buy: vk, ExpectedPrice: decimal.NewFromInt(21)})
	require.ErrorIs(t, err, smsnumbers.ErrSpendLimit, "another replica sees the fleet's spending")

	clock.Advance(2 * time.Minute)
	const replicas = 3
	reps := make([]*smsnumbers.SweepReport, replicas)
	errs := make([]error, replicas)
	var wg sync.WaitGroup
	for i := range replicas {
		m := replica()
		wg.Add(1)
		go func() {
			defer wg.Done()
			reps[i], errs[i] = m.Sweep(ctx, smsnumbers.SweepParams{})
		}()
	}
	wg.Wait()
	closed := map[int64]int{}
	for i := range replicas {
		require.NoError(t, errs[i])
		require.Empty(t, reps[i].Failed)
		for _, id := range append(append([]int64(nil), reps[i].Canceled...), reps[i].Finished...) {
			closed[id]++
		}
	}
	require.Len(t, closed, n)
	for id, k := range closed {
		require.Equal(t, 1, k, "order %d closed by %d replicas", id, k)
	}
	mu.Lock()
	defer mu.Unlock()
	require.Equal(t, n/2, hits["/cancel/"])
	require.Equal(t, n/2, hits["/finish/"])
	require.Equal(t, n, hits["/buy/"])
}

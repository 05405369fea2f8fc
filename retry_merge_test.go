package simkit_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/partner"
	"github.com/simkit/simkit/retry"
	"github.com/simkit/simkit/signing"
)

// TestRetrySleeperAloneKeepsTheDefaultSchedule: a policy that sets only
// Sleep, at the root (simkit.WithRetry), per provider (Options.Retry) or
// per call (option.WithRetry), keeps the default schedule (3 attempts,
// backoff from 200 ms) and every wait goes through that sleeper: the call
// waits zero real time.
func TestRetrySleeperAloneKeepsTheDefaultSchedule(t *testing.T) {
	for _, where := range []string{"root", "provider", "call"} {
		t.Run(where, func(t *testing.T) {
			var sent atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				sent.Add(1)
				w.WriteHeader(http.StatusServiceUnavailable)
			}))
			defer srv.Close()
			var mu sync.Mutex
			var sleeps []time.Duration
			sleep := func(ctx context.Context, d time.Duration) error {
				mu.Lock()
				sleeps = append(sleeps, d)
				mu.Unlock()
				return ctx.Err() // no real wait
			}
			opts := []simkit.Option{
				simkit.WithLimiter(option.NoLimit),
				simkit.WithPartner(func(o *partner.Options) {
					o.BaseURL = srv.URL
					o.Token = signing.NewSecret(partnerToken)
					o.Secret = signing.NewSecret(partnerSecret)
					if where == "provider" {
						o.Retry = retry.Policy{Sleep: sleep}
					}
				}),
			}
			if where == "root" {
				opts = append(opts, simkit.WithRetry(retry.Policy{Sleep: sleep}))
			}
			var callOpts []option.CallOption
			if where == "call" {
				callOpts = append(callOpts, option.WithRetry(retry.Policy{Sleep: sleep}))
			}
			c, err := simkit.New(opts...)
			require.NoError(t, err)
			_, err = c.Partner.Balance(context.Background(), callOpts...)
			require.ErrorIs(t, err, simkit.ErrUnavailable)
			def := retry.Default()
			require.Equal(t, int32(def.MaxAttempts), sent.Load(), "the default attempts")
			mu.Lock()
			defer mu.Unlock()
			require.Len(t, sleeps, def.MaxAttempts-1, "every wait went through the injected sleeper")
			// 503 is rate limiting: the schedule starts at RateLimitDelay.
			require.GreaterOrEqual(t, sleeps[0], def.RateLimitDelay/2, "the default schedule, jittered over its upper half")
			require.LessOrEqual(t, sleeps[0], def.RateLimitDelay)
		})
	}
}

func TestPolicyOrMergesFieldByField(t *testing.T) {
	sleep := func(context.Context, time.Duration) error { return nil }
	def := retry.Default()
	got := retry.Policy{Sleep: sleep}.Or(def)
	require.Equal(t, def.MaxAttempts, got.MaxAttempts)
	require.Equal(t, def.BaseDelay, got.BaseDelay)
	require.Equal(t, def.MaxDelay, got.MaxDelay)
	require.Equal(t, def.RateLimitDelay, got.RateLimitDelay)
	require.Equal(t, def.MaxRetryAfter, got.MaxRetryAfter)
	require.NotNil(t, got.Sleep)

	got = retry.Policy{MaxAttempts: 5, BaseDelay: time.Millisecond}.Or(retry.Policy{Sleep: sleep, MaxDelay: time.Second, MaxAttempts: 2})
	require.Equal(t, 5, got.MaxAttempts)
	require.Equal(t, time.Millisecond, got.BaseDelay)
	require.Equal(t, time.Second, got.MaxDelay)
	require.NotNil(t, got.Sleep, "a zero field inherits, whatever else is set")
}

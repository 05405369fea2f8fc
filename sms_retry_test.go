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
	"github.com/simkit/simkit/retry"
	"github.com/simkit/simkit/signing"
	"github.com/simkit/simkit/smsnumbers"
)

// TestRootRetryKeepsSMSBanSafe: the SMS provider bans a key that hits its
// limit five times in ten minutes, so a policy set for every provider at
// once (simkit.WithRetry) is held to 2 attempts with at least 2 s before a
// rate-limited retry; a policy set on the SMS client itself is taken as
// given.
func TestRootRetryKeepsSMSBanSafe(t *testing.T) {
	for _, tc := range []struct {
		name       string
		root       *retry.Policy
		sms        *retry.Policy
		wantSent   int
		wantSleeps []time.Duration
	}{
		// Jitter spreads a wait over the upper half of its delay.
		{name: "root WithRetry MaxAttempts 5", root: &retry.Policy{MaxAttempts: 5}, wantSent: 2, wantSleeps: []time.Duration{time.Second}},
		{name: "root WithRetry with a short rate-limit delay", root: &retry.Policy{MaxAttempts: 5, RateLimitDelay: time.Millisecond, NoJitter: true},
			wantSent: 2, wantSleeps: []time.Duration{2 * time.Second}},
		{name: "no policy: the SMS default", wantSent: 2, wantSleeps: []time.Duration{time.Second}},
		{name: "explicit SMS policy wins", root: &retry.Policy{MaxAttempts: 2}, sms: &retry.Policy{MaxAttempts: 4, RateLimitDelay: time.Millisecond, NoJitter: true},
			wantSent: 4, wantSleeps: []time.Duration{time.Millisecond, 2 * time.Millisecond, 4 * time.Millisecond}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var sent atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				sent.Add(1)
				w.WriteHeader(http.StatusTooManyRequests)
			}))
			defer srv.Close()
			var mu sync.Mutex
			var sleeps []time.Duration
			sleep := func(ctx context.Context, d time.Duration) error {
				mu.Lock()
				sleeps = append(sleeps, d)
				mu.Unlock()
				return ctx.Err()
			}
			opts := []simkit.Option{
				simkit.WithLimiter(option.NoLimit),
				simkit.WithSMS(func(o *smsnumbers.Options) {
					o.BaseURL = srv.URL
					o.Token = signing.NewSecret(smsToken)
					// Only the sleeper: the schedule stays the default's.
					o.Retry.Sleep = sleep
					if tc.sms != nil {
						p := *tc.sms
						p.Sleep = sleep
						o.Retry = p
					}
				}),
			}
			if tc.root != nil {
				p := *tc.root
				p.Sleep = sleep
				opts = append(opts, simkit.WithRetry(p))
			}
			c, err := simkit.New(opts...)
			require.NoError(t, err)
			_, err = c.SMS.Profile(context.Background())
			require.ErrorIs(t, err, simkit.ErrRateLimited)
			require.Equal(t, int32(tc.wantSent), sent.Load(), "SMS requests sent for one rate-limited call")
			mu.Lock()
			defer mu.Unlock()
			require.Len(t, sleeps, len(tc.wantSleeps))
			for i, want := range tc.wantSleeps {
				require.GreaterOrEqual(t, sleeps[i], want, "wait before retry %d", i+1)
			}
		})
	}
}

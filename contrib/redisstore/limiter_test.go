package redisstore

import (
	"context"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestLimiterPacesFleetWide(t *testing.T) {
	srv := startRedis(t)
	// Two limiters with the same name over two clients are two replicas.
	replicas := []*Limiter{
		NewLimiter(srv.client(), "partner", 20, 1),
		NewLimiter(srv.client(), "partner", 20, 1),
	}
	ctx := context.Background()

	const perReplica = 10
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, 2*perReplica)
	for _, l := range replicas {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range perReplica {
				errs <- l.Wait(ctx)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err, "Wait paces, it does not fail")
	}
	// 20 admissions at 20/s with burst 1: the first is free, the other 19
	// are spaced 50 ms apart across both replicas together. Only a lower
	// bound is asserted: a slow machine may take longer, never shorter.
	require.GreaterOrEqual(t, time.Since(start), 19*50*time.Millisecond-50*time.Millisecond)
}

func TestLimiterBurst(t *testing.T) {
	srv := startRedis(t)
	l := NewLimiter(srv.client(), "burst", 1, 5)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for i := range 5 {
		require.NoError(t, l.Wait(ctx), "burst admission %d", i)
	}
	short, cancelShort := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancelShort()
	require.ErrorIs(t, l.Wait(short), context.DeadlineExceeded, "the sixth waits past the burst")
}

func TestLimiterHonoursContext(t *testing.T) {
	srv := startRedis(t)
	l := NewLimiter(srv.client(), "slow", 0.2, 1) // one per 5 s
	ctx := context.Background()
	require.NoError(t, l.Wait(ctx))

	tests := []struct {
		name string
		ctx  func() (context.Context, context.CancelFunc)
		want error
	}{
		{"deadline", func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(ctx, 50*time.Millisecond)
		}, context.DeadlineExceeded},
		{"cancel", func() (context.Context, context.CancelFunc) {
			c, cancel := context.WithCancel(ctx)
			time.AfterFunc(50*time.Millisecond, cancel)
			return c, cancel
		}, context.Canceled},
		{"already done", func() (context.Context, context.CancelFunc) {
			c, cancel := context.WithCancel(ctx)
			cancel()
			return c, cancel
		}, context.Canceled},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, cancel := tc.ctx()
			defer cancel()
			start := time.Now()
			require.ErrorIs(t, l.Wait(c), tc.want)
			// Cancel latency is what the caller relies on: it must not sit
			// out the 5 s retry-after.
			require.Less(t, time.Since(start), 2*time.Second)
		})
	}
}

func TestLimiterBadInput(t *testing.T) {
	srv := startRedis(t)
	ctx := context.Background()
	for _, r := range []float64{0, -1, math.NaN(), math.Inf(1)} {
		require.ErrorIs(t, NewLimiter(srv.client(), "x", r, 1).Wait(ctx), ErrBadLimit, "rate %v", r)
	}
	require.ErrorIs(t, NewLimiter(nil, "x", 1, 1).Wait(ctx), ErrNoClient)
	require.ErrorIs(t, (*Limiter)(nil).Wait(ctx), ErrNoClient)
	require.NoError(t, NewLimiter(srv.client(), "zero-burst", 1, 0).Wait(ctx), "burst below 1 means 1")
}

func TestLimitFor(t *testing.T) {
	tests := []struct {
		perSecond float64
		rate      int
		period    time.Duration
	}{
		{10, 10, time.Second},
		{1, 1, time.Second},
		{0.5, 1, 2 * time.Second},
		{2.5, 1, 400 * time.Millisecond},
	}
	for _, tc := range tests {
		l := limitFor(tc.perSecond, 3)
		require.Equal(t, tc.rate, l.Rate, "perSecond %v", tc.perSecond)
		require.Equal(t, tc.period, l.Period, "perSecond %v", tc.perSecond)
		require.Equal(t, 3, l.Burst)
	}
}

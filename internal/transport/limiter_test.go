package transport

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/option"
)

func TestLimiterBlocksAndHonoursContext(t *testing.T) {
	lim := rate.NewLimiter(rate.Every(time.Second), 1)
	f := newFixture(t, func(c *Config) { c.Shared.Limiter = lim })
	f.mt.RegisterResponder(http.MethodGet, base+"/x", httpmock.NewStringResponder(200, `{}`))

	_, err := f.c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x"}, nil)
	require.NoError(t, err, "the burst admits the first call")

	// With a deadline the limiter cannot meet, the call fails at once as
	// rate limited and is not retried.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = f.c.Do(ctx, &Request{Method: http.MethodGet, Path: "/x"}, nil)
	require.ErrorIs(t, err, apierror.ErrRateLimited)
	require.ErrorIs(t, err, context.DeadlineExceeded, "callers waiting on their deadline see it")
	require.Empty(t, f.sleeps.all())

	// Without a deadline it blocks until cancelled.
	ctx2, cancel2 := context.WithCancel(context.Background())
	time.AfterFunc(30*time.Millisecond, cancel2)
	_, err = f.c.Do(ctx2, &Request{Method: http.MethodGet, Path: "/x"}, nil)
	require.ErrorIs(t, err, context.Canceled)
	require.Equal(t, 1, f.mt.GetTotalCallCount(), "blocked calls never reached the server")
}

func TestDefaultLimiterPacesRequests(t *testing.T) {
	lim := rate.NewLimiter(rate.Every(time.Hour), 3)
	f := newFixture(t, func(c *Config) { c.DefaultLimiter = lim })
	f.mt.RegisterResponder(http.MethodGet, base+"/x", httpmock.NewStringResponder(200, `{}`))
	for i := 0; i < 3; i++ {
		_, err := f.c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x"}, nil)
		require.NoError(t, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := f.c.Do(ctx, &Request{Method: http.MethodGet, Path: "/x"}, nil)
	require.ErrorIs(t, err, apierror.ErrRateLimited, "the burst is spent: the fourth call is held back")
	require.Equal(t, 3, f.mt.GetTotalCallCount())
}

func TestNoLimitDisablesDefaultPacing(t *testing.T) {
	lim := rate.NewLimiter(rate.Every(time.Hour), 1)
	f := newFixture(t, func(c *Config) {
		c.DefaultLimiter = lim
		c.Shared.Limiter = option.NoLimit
	})
	f.mt.RegisterResponder(http.MethodGet, base+"/x", httpmock.NewStringResponder(200, `{}`))
	// With pacing on, the second call could not be admitted before this
	// deadline and would fail with ErrRateLimited instead of hanging.
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	for i := 0; i < 3; i++ {
		_, err := f.c.Do(ctx, &Request{Method: http.MethodGet, Path: "/x"}, nil)
		require.NoError(t, err, "call %d", i)
	}
	require.Equal(t, 3, f.mt.GetTotalCallCount())
}

package option

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/internal/callopt"
	"github.com/simkit/simkit/retry"
)

func TestCallOptions(t *testing.T) {
	var meta Response
	var c callopt.Call
	for _, o := range []CallOption{
		WithTimeout(3 * time.Second),
		WithRetry(retry.Never()),
		WithHeader("X-Trace", "a"),
		WithHeader("X-Trace", "b"),
		WithResponse(&meta),
	} {
		o(&c)
	}
	require.Equal(t, 3*time.Second, c.Timeout)
	require.Equal(t, 1, c.Retry.Attempts())
	require.Equal(t, []string{"a", "b"}, c.Header.Values("X-Trace"))
	require.Same(t, &meta, c.Response.(*Response))
}

func TestNoLimitNeverWaits(t *testing.T) {
	require.NoError(t, NoLimit.Wait(context.Background()))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	require.ErrorIs(t, NoLimit.Wait(ctx), context.Canceled)
}

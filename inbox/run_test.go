package inbox_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/inbox"
)

func TestNewNeedsAQueue(t *testing.T) {
	in, err := inbox.New(nil)
	require.Nil(t, in)
	require.Error(t, err)
}

// TestRunHandlesPanicsAndUnknownKinds: a panicking handler is a failed
// attempt, not a dead worker, and a kind nobody registered ends in the
// dead letters with ErrNoHandler; Run returns once ctx ends.
func TestRunHandlesPanicsAndUnknownKinds(t *testing.T) {
	q := inbox.NewMemory()
	in, err := inbox.New(q, func(o *inbox.Options) {
		o.Workers = 2
		o.MaxAttempts = 2
		o.Backoff = func(int) time.Duration { return 0 }
		o.Poll = time.Millisecond
	})
	require.NoError(t, err)
	var calls, ok atomic.Int32
	require.NoError(t, in.Handle("partner", func(_ context.Context, m inbox.Message) error {
		if calls.Add(1) == 1 {
			panic("bug")
		}
		ok.Add(1)
		return nil
	}))
	ctx := context.Background()
	_, err = in.Add(ctx, "partner", "p1", nil)
	require.NoError(t, err)
	_, err = in.Add(ctx, "unknown", "u1", nil)
	require.NoError(t, err)

	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error)
	go func() { done <- in.Run(runCtx) }()
	require.Eventually(t, func() bool {
		n := 0
		for range in.DeadLetters(ctx) {
			n++
		}
		return ok.Load() == 1 && n == 1
	}, 5*time.Second, time.Millisecond)
	cancel()
	require.NoError(t, <-done)
	for m := range in.DeadLetters(ctx) {
		require.Equal(t, "u1", m.ID)
		require.Equal(t, inbox.ErrNoHandler.Error(), m.LastError)
	}
	require.EqualValues(t, 2, calls.Load(), "the panic was one failed attempt, retried")
}

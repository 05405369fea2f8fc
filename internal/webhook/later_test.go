package webhook

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/internal/fakeclock"
	"github.com/simkit/simkit/observe"
)

// waitTape records follow-up waits.
type waitTape struct {
	observe.Base
	mu    sync.Mutex
	waits []observe.WaitProgress
}

func (w *waitTape) WaitProgress(_ context.Context, e observe.WaitProgress) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.waits = append(w.waits, e)
}

var errDown = errors.New("store down")

// TestLaterGivesUpOnItsClock: the horizon is judged by the injected clock,
// each try is a check and the end is reported with the error's class.
func TestLaterGivesUpOnItsClock(t *testing.T) {
	clock := fakeclock.At(time.Unix(1768478058, 0))
	tp := &waitTape{}
	tries := 0
	l := &Later{Provider: "partner", Now: clock.Now, Observer: tp, Sleep: func(context.Context, time.Duration) error {
		clock.Advance(time.Minute) // each backoff is a minute on the handler's clock
		return nil
	}}
	require.True(t, l.Go(context.Background(), "id", 3*time.Minute, func(context.Context) error { tries++; return errDown }))
	require.NoError(t, l.Shutdown(context.Background()))
	require.Equal(t, 3, tries, "gives up once the horizon has passed on the clock")
	require.Len(t, tp.waits, 4)
	require.Equal(t, observe.WaitWebhookFollowUp, tp.waits[0].Wait)
	require.Equal(t, 3, tp.waits[2].Check)
	require.True(t, tp.waits[3].Done)
	require.ErrorIs(t, tp.waits[3].Err, errDown)
}

// TestLaterCloseStopsAJobAndRefusesNewOnes: Close ends a job that would
// otherwise run for its whole horizon and waits for it; after it, Go runs
// nothing.
func TestLaterCloseStopsAJobAndRefusesNewOnes(t *testing.T) {
	tp := &waitTape{}
	l := &Later{Provider: "esimstory", Observer: tp}
	var tries atomic.Int32
	require.True(t, l.Go(context.Background(), "id", time.Hour, func(context.Context) error { tries.Add(1); return errDown }))
	require.Eventually(t, func() bool { return tries.Load() >= 1 }, 10*time.Second, time.Millisecond)
	l.Close()
	n := tries.Load()
	tp.mu.Lock()
	last := tp.waits[len(tp.waits)-1]
	tp.mu.Unlock()
	require.True(t, last.Done, "the job's end is reported")
	require.ErrorIs(t, last.Err, ErrClosed)
	require.False(t, l.Go(context.Background(), "id2", time.Hour, func(context.Context) error { return nil }))
	require.Equal(t, n, tries.Load(), "nothing runs after Close")
	l.Close() // twice is fine
}

// TestLaterShutdownLetsAJobFinish: Shutdown waits for a job that ends on
// its own, and reports success.
func TestLaterShutdownLetsAJobFinish(t *testing.T) {
	tp := &waitTape{}
	l := &Later{Observer: tp, Sleep: func(context.Context, time.Duration) error { return nil }}
	n := 0
	l.Go(context.Background(), "id", time.Hour, func(context.Context) error {
		n++
		if n < 3 {
			return errDown
		}
		return nil
	})
	require.NoError(t, l.Shutdown(context.Background()))
	require.Equal(t, 3, n)
	last := tp.waits[len(tp.waits)-1]
	require.True(t, last.Done)
	require.Equal(t, observe.WaitReceived, last.Outcome)
}

package webhook

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/observe"
)

// waits records follow-up progress: "retry" per try, then the outcome and
// the error's text.
type waits struct {
	observe.Base
	mu  sync.Mutex
	got []string
}

func (w *waits) WaitProgress(_ context.Context, e observe.WaitProgress) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !e.Done {
		w.got = append(w.got, e.Status)
		return
	}
	step := "done " + e.Outcome
	if e.Err != nil {
		step += " (" + e.Err.Error() + ")"
	}
	w.got = append(w.got, step)
}

func (w *waits) steps() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.got...)
}

// TestLaterBacksOffOnItsClock: a job retries with a delay doubling from
// 20 ms to at most 2 s, each try reported, until a try succeeds.
func TestLaterBacksOffOnItsClock(t *testing.T) {
	obs := &waits{}
	var slept []time.Duration
	l := &Later{Observer: obs, Sleep: func(_ context.Context, d time.Duration) error { slept = append(slept, d); return nil }}
	tries := 0
	require.True(t, l.Go(context.Background(), "a", time.Hour, func(context.Context) error {
		if tries++; tries < 10 {
			return errors.New("store down")
		}
		return nil
	}))
	require.NoError(t, l.Shutdown(context.Background()))
	ms := time.Millisecond
	require.Equal(t, []time.Duration{20 * ms, 40 * ms, 80 * ms, 160 * ms, 320 * ms, 640 * ms, 1280 * ms, 2 * time.Second, 2 * time.Second, 2 * time.Second}, slept)
	want := append(strings.Split(strings.Repeat("retry ", 10), " ")[:10], "done received")
	require.Equal(t, want, obs.steps())
}

// TestLaterGivesUpAtItsHorizon: a job that keeps failing stops once its
// horizon has passed on the handler's clock, and reports the last error.
func TestLaterGivesUpAtItsHorizon(t *testing.T) {
	obs := &waits{}
	clock := newClock()
	l := &Later{Observer: obs, Now: clock.now, Sleep: func(_ context.Context, d time.Duration) error { clock.advance(d); return nil }}
	tries := 0
	l.Go(context.Background(), "a", time.Second+200*time.Millisecond, func(context.Context) error { tries++; return errors.New("store down") })
	require.NoError(t, l.Shutdown(context.Background()))
	// Tries at 20, 60, 140, 300, 620 and 1260 ms: the last is the first at
	// or past the 1.2 s horizon.
	require.Equal(t, 6, tries)
	require.Equal(t, "done error (store down)", obs.steps()[len(obs.steps())-1])

	tries = 0
	l = &Later{Now: clock.now, Sleep: func(_ context.Context, d time.Duration) error { clock.advance(d); return nil }}
	l.Go(context.Background(), "b", 1260*time.Millisecond, func(context.Context) error { tries++; return errors.New("store down") })
	require.NoError(t, l.Shutdown(context.Background()))
	require.Equal(t, 6, tries, "a try exactly at the horizon is the last")

	tries = 0
	l = &Later{Sleep: func(context.Context, time.Duration) error { return nil }}
	l.Go(context.Background(), "c", time.Nanosecond, func(context.Context) error { tries++; return errors.New("store down") })
	require.NoError(t, l.Shutdown(context.Background()))
	require.Equal(t, 1, tries, "on the default clock too")
}

// TestLaterOutlivesTheRequest: the job runs on after the context of the
// request that started it ended (the answer went out).
func TestLaterOutlivesTheRequest(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var ran, sawEnded bool
	l := &Later{}
	l.Go(ctx, "a", time.Hour, func(ctx context.Context) error {
		ran, sawEnded = true, ctx.Err() != nil
		return nil
	})
	require.NoError(t, l.Shutdown(context.Background()))
	require.True(t, ran, "the job ran")
	require.False(t, sawEnded, "on a context that is not the request's")
}

// TestLaterShutdownDeadline: Shutdown starts no new job and waits for
// running ones; when its context ends first it stops them and returns that
// context's error.
func TestLaterShutdownDeadline(t *testing.T) {
	idle := &Later{}
	require.NoError(t, idle.Shutdown(context.Background()))
	require.False(t, idle.Go(context.Background(), "late", time.Hour, func(context.Context) error { return nil }), "no job starts after Shutdown")

	l := &Later{}
	l.Go(context.Background(), "a", time.Hour, func(context.Context) error { return errors.New("store down") })
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	require.ErrorIs(t, l.Shutdown(ctx), context.Canceled)
	require.False(t, l.Go(context.Background(), "b", time.Hour, func(context.Context) error { return nil }))
}

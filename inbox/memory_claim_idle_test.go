package inbox_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/inbox"
)

// watchedQueue counts a queue's claim extensions and acks, so a test waits
// for them instead of sleeping.
type watchedQueue struct {
	inbox.Queue
	extends, acks atomic.Int32
}

func (q *watchedQueue) Extend(ctx context.Context, consumer string, m inbox.Message) error {
	q.extends.Add(1)
	return q.Queue.Extend(ctx, consumer, m)
}

func (q *watchedQueue) Ack(ctx context.Context, m inbox.Message) error {
	q.acks.Add(1)
	return q.Queue.Ack(ctx, m)
}

// TestMemoryClaimIdleIgnoresTheRetryClock: Options.Now schedules retries
// (a test or the client may pass a fake clock), while Extend restarts a
// claim's idle time on the real clock. Measuring idle on Options.Now made
// a message whose claim was just extended look idle for as long as the
// two clocks differ, so a second worker took it over and ran the function
// a second time while the first still ran it.
func TestMemoryClaimIdleIgnoresTheRetryClock(t *testing.T) {
	ahead := func() time.Time { return time.Now().Add(time.Hour) }
	q := &watchedQueue{Queue: inbox.NewMemory()}
	in, err := inbox.New(q, func(o *inbox.Options) {
		o.Workers = 2
		o.ClaimIdle = 30 * time.Millisecond
		o.Poll = time.Millisecond
		o.Now = ahead
	})
	require.NoError(t, err)
	var calls atomic.Int32
	require.NoError(t, in.Handle("partner", func(ctx context.Context, _ inbox.Message) error {
		calls.Add(1)
		// Run through several renewals of the claim, each one a chance
		// for the second worker to take the message over.
		for q.extends.Load() < 4 && ctx.Err() == nil {
			time.Sleep(time.Millisecond)
		}
		return nil
	}))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	added, err := in.Add(ctx, "partner", "m1", []byte(`{}`))
	require.NoError(t, err)
	require.True(t, added)
	done := make(chan struct{})
	go func() { _ = in.Run(ctx); close(done) }()
	require.Eventually(t, func() bool { return q.acks.Load() >= 1 }, 10*time.Second, time.Millisecond, "the message is handled")
	cancel()
	<-done
	require.GreaterOrEqual(t, q.extends.Load(), int32(4), "the claim was renewed while the function ran")
	require.Equal(t, int32(1), calls.Load(), "a live claim was taken over")
}

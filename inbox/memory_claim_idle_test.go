package inbox_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/inbox"
)

// TestMemoryClaimIdleIgnoresTheRetryClock: Options.Now schedules retries
// (a test or the client may pass a fake clock), while Extend restarts a
// claim's idle time on the real clock. Measuring idle on Options.Now made
// a message whose claim was just extended look idle for as long as the
// two clocks differ, so a second worker took it over and ran the function
// a second time while the first still ran it.
func TestMemoryClaimIdleIgnoresTheRetryClock(t *testing.T) {
	ahead := func() time.Time { return time.Now().Add(time.Hour) }
	in, err := inbox.New(inbox.NewMemory(), func(o *inbox.Options) {
		o.Workers = 2
		o.ClaimIdle = 30 * time.Millisecond
		o.Poll = time.Millisecond
		o.Now = ahead
	})
	require.NoError(t, err)
	var calls atomic.Int32
	require.NoError(t, in.Handle("partner", func(ctx context.Context, _ inbox.Message) error {
		calls.Add(1)
		time.Sleep(120 * time.Millisecond) // several renewals of the claim
		return nil
	}))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	added, err := in.Add(ctx, "partner", "m1", []byte(`{}`))
	require.NoError(t, err)
	require.True(t, added)
	done := make(chan struct{})
	go func() { _ = in.Run(ctx); close(done) }()
	time.Sleep(250 * time.Millisecond)
	cancel()
	<-done
	require.Equal(t, int32(1), calls.Load(), "a live claim was taken over")
}

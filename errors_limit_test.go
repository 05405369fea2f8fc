package simkit_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/simkittest"
	"github.com/simkit/simkit/smsnumbers"
	"github.com/simkit/simkit/topups"
)

// Each error that a limit ended says which one: the per-attempt Timeout,
// or the caller's context (canceled, or its deadline). The activation's own
// deadline is pinned in smsnumbers.
func TestErrorsSayWhichLimitEndedTheCall(t *testing.T) {
	env := simkittest.New(t)
	env.Faults.Add(simkittest.Fault{Kind: simkittest.Latency, Delay: 10 * time.Second})
	deadline := func() (context.Context, context.CancelFunc) {
		return context.WithTimeout(context.Background(), 30*time.Millisecond)
	}
	canceled := func() (context.Context, context.CancelFunc) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		return ctx, cancel
	}
	live := func() (context.Context, context.CancelFunc) { return context.WithCancel(context.Background()) }
	tests := []struct {
		name    string
		ctx     func() (context.Context, context.CancelFunc)
		call    func(ctx context.Context) error
		want    string
		wantNot string
		is      error
	}{
		{"per-attempt timeout", live, func(ctx context.Context) error {
			_, err := env.Client.Partner.Balance(ctx, option.WithTimeout(20*time.Millisecond))
			return err
		}, "attempt timed out after 20ms (the per-attempt Timeout)", "caller's context", context.DeadlineExceeded},
		{"caller's deadline", deadline, func(ctx context.Context) error {
			_, err := env.Client.Partner.Balance(ctx)
			return err
		}, "call ended by the caller's context: context deadline exceeded", "per-attempt", context.DeadlineExceeded},
		{"caller canceled", canceled, func(ctx context.Context) error {
			_, err := env.Client.Topups.ListOrders(ctx, topups.ListOrdersParams{})
			return err
		}, "call ended by the caller's context: context canceled", "per-attempt", context.Canceled},
		{"wait for a code, caller canceled", canceled, func(ctx context.Context) error {
			_, err := env.Client.SMS.WaitForCode(ctx, 11631253, smsnumbers.WaitForCodeParams{})
			return err
		}, "ended by the caller's context", "per-attempt", context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := tt.ctx()
			defer cancel()
			err := tt.call(ctx)
			require.Error(t, err)
			require.ErrorIs(t, err, tt.is)
			require.Contains(t, err.Error(), tt.want)
			require.NotContains(t, err.Error(), tt.wantNot)
			require.NotContains(t, err.Error(), "\n")
			var e *simkit.Error
			require.ErrorAs(t, err, &e)
		})
	}
}

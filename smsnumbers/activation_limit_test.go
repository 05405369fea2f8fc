package smsnumbers_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/simkittest"
	"github.com/simkit/simkit/smsnumbers"
)

// An activation that got no code says, on one line, which limit ended the
// wait: the activation's own deadline, or the caller's context.
func TestActivationErrorNamesTheLimitOnOneLine(t *testing.T) {
	tests := []struct {
		name     string
		deadline time.Duration
		// wait is the caller's context for WaitForCode, made once the
		// number is bought.
		wait   func() (context.Context, context.CancelFunc)
		want   string
		wantIs error
	}{
		{
			name: "activation deadline", deadline: 20 * time.Millisecond,
			wait: func() (context.Context, context.CancelFunc) { return context.WithCancel(context.Background()) },
			want: "no code before the activation's deadline; the number was canceled and its money returned",
		},
		{
			name: "caller canceled", deadline: time.Minute,
			wait: func() (context.Context, context.CancelFunc) {
				ctx, cancel := context.WithCancel(context.Background())
				cancel()
				return ctx, cancel
			},
			want:   "no code before the caller's context ended (context canceled); the number was canceled and its money returned",
			wantIs: context.Canceled,
		},
		{
			name: "caller's own deadline", deadline: time.Minute,
			wait: func() (context.Context, context.CancelFunc) {
				return context.WithTimeout(context.Background(), 20*time.Millisecond)
			},
			want:   "no code before the caller's context ended (context deadline exceeded); the number was canceled and its money returned",
			wantIs: context.DeadlineExceeded,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newActEnv(t, simkittest.SMSFakeConfig{})
			a, err := e.manager(t).Activate(context.Background(), smsnumbers.ActivateParams{Buy: vk, Deadline: tt.deadline})
			require.NoError(t, err)
			ctx, cancel := tt.wait()
			defer cancel()
			_, err = a.WaitForCode(ctx)
			require.ErrorIs(t, err, smsnumbers.ErrNoCode)
			if tt.wantIs != nil {
				require.ErrorIs(t, err, tt.wantIs)
			}
			require.Contains(t, err.Error(), tt.want)
			require.NotContains(t, err.Error(), "\n")
			if tt.wantIs == nil {
				require.False(t, strings.Contains(err.Error(), "context"), "the deadline, not a context, ended it: %s", err)
			}
		})
	}
}

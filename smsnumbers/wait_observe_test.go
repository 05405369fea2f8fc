package smsnumbers

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/observe"
)

// waitTape records WaitProgress events as "check status [done outcome]".
type waitTape struct {
	observe.Base
	mu  sync.Mutex
	got []string
}

func (w *waitTape) WaitProgress(_ context.Context, e observe.WaitProgress) {
	w.mu.Lock()
	defer w.mu.Unlock()
	s := e.Provider + " " + e.Wait + " " + strconv.Itoa(e.Check) + " " + e.Status
	if e.Done {
		s += " done " + e.Outcome
	}
	w.got = append(w.got, s)
}

func TestWaitForCodeReportsEachCheckAndItsEnd(t *testing.T) {
	pending := text(http.StatusOK, fixture(t, "order_pending.json"))
	tests := []struct {
		name    string
		replies []func() *http.Response
		ctx     func() (context.Context, context.CancelFunc)
		want    []string
		checks  []Status
	}{
		{"received", []func() *http.Response{pending, pending, text(http.StatusOK, fixture(t, "order_received.json"))}, nil,
			[]string{"smsnumbers sms_code 1 PENDING", "smsnumbers sms_code 2 PENDING", "smsnumbers sms_code 3 RECEIVED", "smsnumbers sms_code 3 RECEIVED done received"},
			[]Status{StatusPending, StatusPending, StatusReceived}},
		{"ended", []func() *http.Response{pending, text(http.StatusOK, fixture(t, "order_timeout.json"))}, nil,
			[]string{"smsnumbers sms_code 1 PENDING", "smsnumbers sms_code 2 TIMEOUT", "smsnumbers sms_code 2 TIMEOUT done ended"},
			[]Status{StatusPending, StatusTimeout}},
		{"check failed", []func() *http.Response{text(http.StatusUnauthorized, `{"message":"bad token"}`)}, nil,
			[]string{"smsnumbers sms_code 0  done unauthorized"}, nil},
		{"deadline", []func() *http.Response{pending}, func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 20*time.Millisecond)
		}, []string{"smsnumbers sms_code 1 PENDING", "smsnumbers sms_code 1 PENDING done deadline"}, []Status{StatusPending}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tp := &waitTape{}
			h := newHarness(t, func(o *Options) { o.Observer = tp })
			h.reply(tt.replies...)
			ctx, cancel := context.Background(), context.CancelFunc(func() {})
			interval := time.Millisecond
			if tt.ctx != nil {
				ctx, cancel = tt.ctx()
				interval = time.Hour // the deadline ends the wait, not a check
			}
			defer cancel()
			var checks []Status
			var elapsed []time.Duration
			_, _ = h.c.WaitForCode(ctx, 11631253, WaitForCodeParams{PollInterval: interval, OnCheck: func(p WaitProgress) {
				require.Equal(t, len(checks)+1, p.Check)
				checks = append(checks, p.Status)
				elapsed = append(elapsed, p.Elapsed)
			}})
			require.Equal(t, tt.want, tp.got)
			require.Equal(t, tt.checks, checks)
			for i := 1; i < len(elapsed); i++ {
				require.GreaterOrEqual(t, elapsed[i], elapsed[i-1])
			}
		})
	}
}

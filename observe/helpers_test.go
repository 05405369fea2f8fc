package observe_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/observe"
)

// tape records webhook, dedupe and wait events.
type tape struct {
	observe.Base
	webhooks []observe.Webhook
	dedupes  []observe.Dedupe
	waits    []observe.WaitProgress
}

func (t *tape) Webhook(_ context.Context, e observe.Webhook) {
	e.Duration, e.Err = 0, nil
	t.webhooks = append(t.webhooks, e)
}
func (t *tape) Dedupe(_ context.Context, e observe.Dedupe) { t.dedupes = append(t.dedupes, e) }
func (t *tape) WaitProgress(_ context.Context, e observe.WaitProgress) {
	e.Elapsed, e.Err = 0, nil
	t.waits = append(t.waits, e)
}

func TestWaiterCountsChecksAndClassifiesTheEnd(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		outcome string
		err     error
		want    string
	}{
		{"received", observe.WaitReceived, nil, "received"},
		{"ended", observe.WaitEnded, &apierror.Error{Kind: apierror.ErrConflict}, "ended"},
		{"context", "", context.Canceled, "canceled"},
		{"check failed", "", &apierror.Error{Kind: apierror.ErrRateLimited}, "rate_limited"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tp := &tape{}
			w := observe.StartWait(tp, "smsnumbers", observe.WaitSMSCode)
			w.Check(ctx, "PENDING", 0, 0)
			w.Check(ctx, "PENDING", 0, 0)
			w.Done(ctx, tt.outcome, "X", tt.err)
			require.Equal(t, []observe.WaitProgress{
				{Provider: "smsnumbers", Wait: "sms_code", Check: 1, Status: "PENDING"},
				{Provider: "smsnumbers", Wait: "sms_code", Check: 2, Status: "PENDING"},
				{Provider: "smsnumbers", Wait: "sms_code", Check: 2, Status: "X", Done: true, Outcome: tt.want},
			}, tp.waits)
		})
	}
	w := observe.StartWait(nil, "smsnumbers", observe.WaitSMSCode)
	w.Check(ctx, "PENDING", 0, 0)
	w.Done(ctx, observe.WaitReceived, "RECEIVED", nil)
}

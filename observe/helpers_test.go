package observe_test

import (
	"context"
	"errors"
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

func TestDeliveryReportsEachStep(t *testing.T) {
	ctx := context.Background()
	tp := &tape{}
	d := observe.StartDelivery(tp, "partner")
	d.Event = "order.status_changed"
	d.Accepted(ctx)
	d.Handled(ctx, 200)
	observe.StartDelivery(tp, "partner").Refused(ctx, observe.ReasonSignature, 401)
	observe.StartDelivery(tp, "esimstory").Duplicate(ctx, true, 409)
	observe.StartDelivery(tp, "esimstory").Failed(ctx, 500, errors.New("boom"))
	require.Equal(t, []observe.Webhook{
		{Provider: "partner", Event: "order.status_changed", Outcome: observe.WebhookAccepted},
		{Provider: "partner", Event: "order.status_changed", Outcome: observe.WebhookHandled, Status: 200},
		{Provider: "partner", Outcome: observe.WebhookRefused, Reason: "signature", Status: 401},
		{Provider: "esimstory", Outcome: observe.WebhookDuplicate, Status: 409},
		{Provider: "esimstory", Outcome: observe.WebhookFailed, Status: 500},
	}, tp.webhooks)
	require.Equal(t, []observe.Dedupe{{Provider: "esimstory", Name: "webhook", InFlight: true}}, tp.dedupes)

	// No observer: nothing to call, nothing panics.
	nd := observe.StartDelivery(nil, "partner")
	nd.Accepted(ctx)
	nd.Duplicate(ctx, false, 200)
	var nilDelivery *observe.Delivery
	nilDelivery.Handled(ctx, 200)
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

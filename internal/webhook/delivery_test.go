package webhook

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/observe"
)

// deliveryTape records webhook and dedupe events.
type deliveryTape struct {
	observe.Base
	webhooks []observe.Webhook
	dedupes  []observe.Dedupe
}

func (t *deliveryTape) Webhook(_ context.Context, e observe.Webhook) {
	e.Duration, e.Err = 0, nil
	t.webhooks = append(t.webhooks, e)
}
func (t *deliveryTape) Dedupe(_ context.Context, e observe.Dedupe) { t.dedupes = append(t.dedupes, e) }

func TestDeliveryReportsEachStep(t *testing.T) {
	ctx := context.Background()
	tp := &deliveryTape{}
	d := StartDelivery(tp, "partner")
	d.Event = "order.status_changed"
	d.Accepted(ctx)
	d.Handled(ctx, 200)
	StartDelivery(tp, "partner").Refused(ctx, observe.ReasonSignature, 401)
	StartDelivery(tp, "esimstory").Duplicate(ctx, true, 409)
	StartDelivery(tp, "esimstory").Failed(ctx, 500, errors.New("boom"))
	require.Equal(t, []observe.Webhook{
		{Provider: "partner", Event: "order.status_changed", Outcome: observe.WebhookAccepted},
		{Provider: "partner", Event: "order.status_changed", Outcome: observe.WebhookHandled, Status: 200},
		{Provider: "partner", Outcome: observe.WebhookRefused, Reason: "signature", Status: 401},
		{Provider: "esimstory", Outcome: observe.WebhookDuplicate, Status: 409},
		{Provider: "esimstory", Outcome: observe.WebhookFailed, Status: 500},
	}, tp.webhooks)
	require.Equal(t, []observe.Dedupe{{Provider: "esimstory", Name: "webhook", InFlight: true}}, tp.dedupes)

	// No observer: nothing to call, nothing panics.
	nd := StartDelivery(nil, "partner")
	nd.Accepted(ctx)
	nd.Duplicate(ctx, false, 200)
	var nilDelivery *Delivery
	nilDelivery.Handled(ctx, 200)
}

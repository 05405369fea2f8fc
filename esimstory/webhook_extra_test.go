package esimstory_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/esimstory"
	"github.com/simkit/simkit/store"
)

// A delivery keeps what simkit does not model, from the webhook and
// through the tracker's store.
func TestDeliveryKeepsUnknownFields(t *testing.T) {
	var m map[string]any
	require.NoError(t, json.Unmarshal(deliveryBody(t, "20250129123456123456789012", "ORDER-X1"), &m))
	m["apn"] = map[string]any{"name": "internet"}
	body, err := json.Marshal(m)
	require.NoError(t, err)

	tr := esimstory.NewTracker(store.NewMemory())
	ctx := context.Background()
	require.NoError(t, tr.Track(ctx, &esimstory.Order{ExternalOrderID: "ORDER-X1",
		Units: []esimstory.OrderedUnit{{TopupID: "20250129123456123456789012", OptionID: optionA}}}))
	var got *esimstory.Delivery
	h, err := esimstory.NewWebhookHandler(func(_ context.Context, d *esimstory.Delivery) error {
		got = d
		return nil
	}, withToken, func(o *esimstory.WebhookOptions) { o.Tracker = tr })
	require.NoError(t, err)
	rec := post(h, "/hook?token="+hookToken.Reveal(), body)
	require.Equal(t, 200, rec.Code)
	want := map[string]json.RawMessage{"apn": json.RawMessage(`{"name":"internet"}`)}
	require.Equal(t, want, got.Extra)

	ds, err := tr.Wait(ctx, "ORDER-X1")
	require.NoError(t, err)
	require.Len(t, ds, 1)
	require.Equal(t, want, ds[0].Extra, "kept through the tracker's store")
}

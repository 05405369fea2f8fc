package partner

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// A webhook's order keeps what simkit does not model, at every depth,
// like an order read with GetOrder.
func TestWebhookOrderKeepsUnknownFields(t *testing.T) {
	var body map[string]any
	require.NoError(t, json.Unmarshal(fixture(t, "webhook_order_status_changed.json"), &body))
	order := body["data"].(map[string]any)["order"].(map[string]any)
	order["loyalty_tier"] = "gold"
	item := order["items"].([]any)[0].(map[string]any)
	item["warehouse"] = map[string]any{"id": 7}
	b, err := json.Marshal(body)
	require.NoError(t, err)

	rec := &hookRecorder{}
	res := serve(newHook(t, rec), signedRequest(t, b, hookClock()))
	require.Equal(t, http.StatusOK, res.Code)
	require.Equal(t, 1, rec.calls())
	o := rec.events[0].Order
	require.Equal(t, map[string]json.RawMessage{"loyalty_tier": json.RawMessage(`"gold"`)}, o.Extra)
	require.Equal(t, map[string]json.RawMessage{"warehouse": json.RawMessage(`{"id":7}`)}, o.Items[0].Extra)
	require.Equal(t, "ORD-12345", o.ExternalID, "the modelled fields decode as before")
}

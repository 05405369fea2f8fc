package partner

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestOrderJSONMatchesUnmarshalJSON: the webhook's one-pass order decoding
// (orderJSON) must give exactly what Order.UnmarshalJSON gives, for every
// created_at layout and for malformed orders alike.
func TestOrderJSONMatchesUnmarshalJSON(t *testing.T) {
	var env struct {
		Data json.RawMessage `json:"data"`
	}
	require.NoError(t, json.Unmarshal(fixture(t, "order.json"), &env))
	tests := []struct {
		name string
		in   string
	}{
		{"fixture", string(env.Data)},
		{"laravel time", `{"id":"o1","created_at":"2026-01-15 12:54:18","total_amount":1}`},
		{"plain date", `{"id":"o1","created_at":"2026-01-15"}`},
		{"null time and price", `{"id":"o1","created_at":null,"items":[{"price":null,"amount":"2.5"}]}`},
		{"no fields", `{}`},
		{"bad time", `{"created_at":"yesterday"}`},
		{"bad amount", `{"total_amount":"lots"}`},
		{"wrong type", `{"items":"none"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var want struct {
				Order *Order `json:"order"`
			}
			wantErr := json.Unmarshal([]byte(`{"order":`+tc.in+`}`), &want)
			var got struct {
				Order *orderJSON `json:"order"`
			}
			err := json.Unmarshal([]byte(`{"order":`+tc.in+`}`), &got)
			require.Equal(t, wantErr != nil, err != nil, "error: %v vs %v", err, wantErr)
			if wantErr == nil {
				require.NotNil(t, got.Order)
				require.Equal(t, want.Order, got.Order.order())
			}
		})
	}
}

package partner

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestWebhookTimestampISO8601Variants: the body's timestamp is documented
// only as ISO 8601 and is not signed. A correctly signed delivery whose
// timestamp uses another ISO 8601 spelling than RFC 3339 must not be
// refused: a 400 is answered to every retry too, so the event would be
// lost.
func TestWebhookTimestampISO8601Variants(t *testing.T) {
	want := time.Date(2026, 1, 15, 12, 58, 23, 0, time.UTC)
	tests := []struct{ name, ts string }{
		{"documented", "2026-01-15T12:58:23+00:00"},
		{"Z", "2026-01-15T12:58:23Z"},
		{"microseconds", "2026-01-15T12:58:23.000000Z"},
		{"offset without colon", "2026-01-15T12:58:23+0000"},
		{"offset without colon, fraction", "2026-01-15T14:58:23.000+0200"},
		{"no zone (UTC)", "2026-01-15T12:58:23"},
		{"space separator", "2026-01-15 12:58:23"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, err := json.Marshal(map[string]any{
				"event": EventOrderStatusChanged, "idempotency_key": capturedKey, "timestamp": tt.ts,
				"data": map[string]any{"order": map[string]any{"id": "ord-1", "status": "completed"}},
			})
			require.NoError(t, err)
			rec := &hookRecorder{}
			res := serve(newHook(t, rec), signedRequest(t, body, hookClock()))
			require.Equal(t, http.StatusOK, res.Code, res.Body.String())
			require.Equal(t, 1, rec.calls())
			require.True(t, want.Equal(rec.events[0].Timestamp), "got %s", rec.events[0].Timestamp)
		})
	}
}

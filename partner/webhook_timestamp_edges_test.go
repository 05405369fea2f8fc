package partner

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/signing"
)

// TestWebhookTimestampEdges: X-Timestamp is signed as sent, so every
// spelling is checked against the HMAC of exactly that text; the window is
// closed at ±5 minutes, and nothing but an integer is accepted.
func TestWebhookTimestampEdges(t *testing.T) {
	signer := signing.NewSigner([]byte(testSecret))
	now := hookClock()
	sec := func(d time.Duration) string { return itoa(now.Add(d).Unix()) }
	tests := []struct {
		name, ts string
		want     int
	}{
		{"exactly 5 minutes old", sec(-5 * time.Minute), http.StatusOK},
		{"exactly 5 minutes ahead", sec(5 * time.Minute), http.StatusOK},
		{"5 minutes 1 s old", sec(-5*time.Minute - time.Second), http.StatusUnauthorized},
		{"5 minutes 1 s ahead", sec(5*time.Minute + time.Second), http.StatusUnauthorized},
		{"leading plus", "+" + sec(0), http.StatusOK}, // signed as sent
		{"leading zero", "0" + sec(0), http.StatusOK},
		{"space", " " + sec(0), http.StatusUnauthorized},
		{"milliseconds", itoa(now.UnixMilli()), http.StatusUnauthorized},
		{"fraction", sec(0) + ".5", http.StatusUnauthorized},
		{"huge", "99999999999999999999999", http.StatusUnauthorized},
		{"min int64", "-9223372036854775808", http.StatusUnauthorized},
		{"empty", "", http.StatusUnauthorized},
		{"ISO", now.Format(time.RFC3339), http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &hookRecorder{}
			req := signedRequest(t, eventBody(t, EventOrderStatusChanged, capturedKey), now)
			req.Header.Set(signing.HeaderTimestamp, tt.ts)
			req.Header.Set(signing.HeaderSignature, signer.Sign(tt.ts, EventOrderStatusChanged, capturedKey))
			require.Equal(t, tt.want, serve(newHook(t, rec), req).Code)
			want := 0
			if tt.want == http.StatusOK {
				want = 1
			}
			require.Equal(t, want, rec.calls())
		})
	}

	// A captured delivery's signature does not follow its timestamp to
	// another spelling of the same instant.
	rec := &hookRecorder{}
	h := newHook(t, rec)
	captured := signedRequest(t, eventBody(t, EventOrderStatusChanged, capturedKey), now)
	require.Equal(t, http.StatusOK, serve(h, captured).Code)
	for _, ts := range []string{"+" + sec(0), "0" + sec(0), sec(time.Second)} {
		forged := signedRequest(t, eventBody(t, EventOrderStatusChanged, capturedKey), now)
		forged.Header.Set(signing.HeaderTimestamp, ts)
		require.Equal(t, http.StatusUnauthorized, serve(h, forged).Code, ts)
	}
	require.Equal(t, 1, rec.calls())
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

package partner

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
)

// The partner API trims surrounding white space from every input
// (Laravel's TrimStrings middleware), so an order placed with external_id
// "ORD-1 " is stored as "ORD-1". The exact-match look-up by the id as
// given never found it: after a lost answer the retry met "the external id
// has already been taken" and the caller got ErrConflict for the order it
// had just bought. An id the provider would alter is refused up front.
func TestCreateOrderExternalIDTheProviderWouldTrim(t *testing.T) {
	tests := []struct {
		name string
		id   string
	}{
		{"trailing space", "ORD-1 "},
		{"leading space", " ORD-1"},
		{"zero-width space", "ORD-1\u200b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			var mu sync.Mutex
			stored := map[string]bool{}
			trim := func(s string) string { return strings.Trim(strings.TrimSpace(s), "\u200b") }
			h.onFunc(http.MethodPost, "/orders", func(r *http.Request) (*http.Response, error) {
				var in struct {
					ExternalID string `json:"external_id"`
				}
				b := h.requests()[len(h.requests())-1].Body
				_ = json.Unmarshal(b, &in)
				id := trim(in.ExternalID)
				mu.Lock()
				defer mu.Unlock()
				if stored[id] {
					return jsonResponse(422, []byte(`{"success":false,"message":"The external id has already been taken."}`)), nil
				}
				stored[id] = true
				return jsonResponse(500, []byte(`{"success":false,"message":"Server Error"}`)), nil
			})
			h.onFunc(http.MethodGet, "/orders", func(r *http.Request) (*http.Response, error) {
				id := trim(r.URL.Query().Get("external_id"))
				mu.Lock()
				defer mu.Unlock()
				data := `[]`
				if stored[id] {
					data = `[{"id":"` + orderUUID + `","external_id":"` + id + `","status":"completed","items":[]}]`
				}
				return jsonResponse(200, []byte(`{"success":true,"data":`+data+`,"meta":{"next_cursor":null}}`)), nil
			})
			o, err := h.c.CreateOrder(context.Background(), CreateOrderParams{ExternalID: tt.id, Item: OrderItemParams{SKUID: seedSKU}})
			if err == nil {
				require.Equal(t, orderUUID, o.ID)
				return
			}
			require.NotErrorIs(t, err, apierror.ErrConflict, "an error for the order that exists")
			require.ErrorIs(t, err, apierror.ErrValidation)
			require.Empty(t, h.requests(), "refused before sending")
		})
	}
}

// Package webhooktest builds provider webhook requests for tests: the one
// implementation behind simkittest.NewPartnerWebhookRequest, importable by
// the provider packages' own tests (which cannot import simkittest).
package webhooktest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"time"

	"github.com/simkit/simkit/signing"
)

// PartnerRequest is a POST of body to url as the Partner provider sends it
// at time t, signed by s over the body's event and idempotency_key.
func PartnerRequest(s *signing.Signer, url string, body []byte, t time.Time) (*http.Request, error) {
	var head struct {
		Event          string `json:"event"`
		IdempotencyKey string `json:"idempotency_key"`
	}
	if err := json.Unmarshal(body, &head); err != nil {
		return nil, err
	}
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header = s.PartnerWebhookHeaders(t, head.Event, head.IdempotencyKey)
	return req, nil
}

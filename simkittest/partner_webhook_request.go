package simkittest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"time"

	"github.com/simkit/simkit/signing"
)

// NewPartnerWebhookRequest builds a signed POST of body to url as the
// Partner provider would send it at time t, signed by s (built with
// signing.NewSigner from the partner_secret), for your own handler tests;
// event and idempotency_key are read from body, which must be a JSON
// object holding them.
func NewPartnerWebhookRequest(s *signing.Signer, url string, body []byte, t time.Time) (*http.Request, error) {
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

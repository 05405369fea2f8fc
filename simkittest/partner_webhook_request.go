package simkittest

import (
	"net/http"
	"time"

	"github.com/simkit/simkit/internal/webhooktest"
	"github.com/simkit/simkit/signing"
)

// NewPartnerWebhookRequest builds a signed POST of body to url as the
// Partner provider would send it at time t, signed by s (built with
// signing.NewSigner from the partner_secret), for your own handler tests;
// event and idempotency_key are read from body, which must be a JSON
// object holding them.
func NewPartnerWebhookRequest(s *signing.Signer, url string, body []byte, t time.Time) (*http.Request, error) {
	return webhooktest.PartnerRequest(s, url, body, t)
}

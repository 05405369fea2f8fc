package signing

import (
	"net/http"
	"strconv"
	"time"
)

// Header names the providers sign with.
const (
	HeaderTimestamp          = "X-Timestamp"
	HeaderSignature          = "X-Signature"
	HeaderESIMStoryAccessKey = "X-Esim-Story-Access-Key"
	HeaderESIMStoryTimestamp = "X-Esim-Story-Timestamp"
	HeaderESIMStorySignature = "X-Esim-Story-Signature"
)

// PartnerWebhookHeaders returns the X-Timestamp and X-Signature a Partner
// webhook for event and idempotencyKey would carry at time t. Users' tests
// and simkit's fakes use it to send webhooks the handler accepts.
func (s *Signer) PartnerWebhookHeaders(t time.Time, event, idempotencyKey string) http.Header {
	ts := strconv.FormatInt(t.Unix(), 10)
	h := make(http.Header, 3)
	h.Set(HeaderTimestamp, ts)
	h.Set(HeaderSignature, s.PartnerWebhook(ts, event, idempotencyKey))
	h.Set("Content-Type", "application/json")
	return h
}

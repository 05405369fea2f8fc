package signing

import (
	"bytes"
	"encoding/json"
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

// NewPartnerWebhookRequest builds a signed POST of body to url as the
// provider would send it at time t; event and idempotency_key are read from
// body, which must be a JSON object holding them.
func (s *Signer) NewPartnerWebhookRequest(url string, body []byte, t time.Time) (*http.Request, error) {
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

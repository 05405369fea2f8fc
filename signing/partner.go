package signing

import (
	"strconv"
	"time"
)

// PartnerOrder returns the X-Signature for a Partner create-order request:
// HMAC(timestamp + item.sku_id + external_id) keyed with partner_secret.
func (s *Signer) PartnerOrder(ts int64, skuID, externalID string) string {
	return s.Sign(strconv.FormatInt(ts, 10), skuID, externalID)
}

// PartnerTopup returns the X-Signature for a Partner eSIM top-up request:
// HMAC(timestamp + iccid + external_id); it uses the ICCID from the path,
// not a SKU.
func (s *Signer) PartnerTopup(ts int64, iccid, externalID string) string {
	return s.Sign(strconv.FormatInt(ts, 10), iccid, externalID)
}

// PartnerWebhook returns the X-Signature of a Partner webhook:
// HMAC(X-Timestamp + event + idempotency_key). The timestamp is the header
// text exactly as sent, so verification signs what was received.
func (s *Signer) PartnerWebhook(timestampHeader, event, idempotencyKey string) string {
	return s.Sign(timestampHeader, event, idempotencyKey)
}

// PartnerWebhookTolerance is the provider's documented clock window for
// webhooks, applied in both directions.
const PartnerWebhookTolerance = 5 * time.Minute

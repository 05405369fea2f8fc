package signing

import (
	"strconv"
	"time"

	"github.com/simkit/simkit/apierror"
)

// CheckTimestamp parses a Unix-seconds timestamp header and refuses it when
// it lies more than tolerance before or after now. Both directions matter: a
// future timestamp would let a captured request be replayed later.
func CheckTimestamp(header string, now time.Time, tolerance time.Duration) (int64, error) {
	ts, err := strconv.ParseInt(header, 10, 64)
	if err != nil || header == "" {
		return 0, &apierror.Error{Message: "missing or malformed timestamp", Kind: apierror.ErrSignature}
	}
	const maxSkewSecs = int64(1) << 40 // far beyond any real clock; avoids overflow below
	if ts < -maxSkewSecs || ts > maxSkewSecs {
		return 0, &apierror.Error{Message: "timestamp outside tolerance", Kind: apierror.ErrTimestampOutOfRange}
	}
	diff := now.Sub(time.Unix(ts, 0))
	if diff > tolerance || diff < -tolerance {
		return 0, &apierror.Error{Message: "timestamp outside tolerance", Kind: apierror.ErrTimestampOutOfRange}
	}
	return ts, nil
}

// VerifyPartnerWebhook checks a Partner webhook's X-Timestamp and
// X-Signature against its body's event and idempotency_key: the timestamp
// must be within tolerance of now (both ways) and the signature must match
// in constant time. It returns an error classified as ErrSignature or
// ErrTimestampOutOfRange.
func (s *Signer) VerifyPartnerWebhook(timestampHeader, signatureHeader, event, idempotencyKey string, now time.Time, tolerance time.Duration) error {
	if signatureHeader == "" {
		return &apierror.Error{Provider: "partner", Message: "missing X-Signature", Kind: apierror.ErrSignature}
	}
	if _, err := CheckTimestamp(timestampHeader, now, tolerance); err != nil {
		e := err.(*apierror.Error)
		e.Provider = "partner"
		return e
	}
	if !s.Equal(signatureHeader, timestampHeader, event, idempotencyKey) {
		return &apierror.Error{Provider: "partner", Message: "signature mismatch", Kind: apierror.ErrSignature}
	}
	return nil
}

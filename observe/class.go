package observe

import (
	"context"
	"errors"

	"github.com/simkit/simkit/apierror"
)

// Outcome classes Class returns besides the sentinels'.
const (
	// OutcomeOK is a success.
	OutcomeOK = "ok"
	// OutcomeCanceled is a call the caller cancelled.
	OutcomeCanceled = "canceled"
	// OutcomeDeadline is a call whose context deadline passed (with no
	// sentinel: the transport classifies its own timeouts "unavailable").
	OutcomeDeadline = "deadline"
	// OutcomeError is an error matching no sentinel.
	OutcomeError = "error"
)

// Class names err's class for metrics and spans: "ok" for nil, the
// sentinel it matches ("rate_limited", "unavailable", "insufficient_funds",
// ... the sentinel's name in snake case without Err), "canceled" or
// "deadline" for a bare context end, "error" otherwise. The class of an
// *apierror.Error is its Kind's when it has one.
func Class(err error) string {
	if err == nil {
		return OutcomeOK
	}
	var e *apierror.Error
	if errors.As(err, &e) && e.Kind != nil {
		if c := sentinelClass(e.Kind); c != "" {
			return c
		}
	}
	if c := sentinelClass(err); c != "" {
		return c
	}
	switch {
	case errors.Is(err, context.Canceled):
		return OutcomeCanceled
	case errors.Is(err, context.DeadlineExceeded):
		return OutcomeDeadline
	}
	return OutcomeError
}

// StatusClass names the class a non-2xx status implies ("ok" for 2xx),
// for an answer not yet turned into an error.
func StatusClass(status int) string {
	if status >= 200 && status < 300 {
		return OutcomeOK
	}
	if c := sentinelClass(apierror.KindForStatus(status)); c != "" {
		return c
	}
	return OutcomeError
}

// sentinelClass names the first sentinel err matches. The order settles
// errors matching two: an unknown outcome wins over the failure behind it,
// and a client-side refusal (rate limited) over the deadline it joins.
func sentinelClass(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, apierror.ErrOutcomeUnknown):
		return "outcome_unknown"
	case errors.Is(err, apierror.ErrNotConfigured):
		return "not_configured"
	case errors.Is(err, apierror.ErrValidation):
		return "validation"
	case errors.Is(err, apierror.ErrUnauthorized):
		return "unauthorized"
	case errors.Is(err, apierror.ErrNotFound):
		return "not_found"
	case errors.Is(err, apierror.ErrInsufficientFunds):
		return "insufficient_funds"
	case errors.Is(err, apierror.ErrOutOfStock):
		return "out_of_stock"
	case errors.Is(err, apierror.ErrRateLimited):
		return "rate_limited"
	case errors.Is(err, apierror.ErrConflict):
		return "conflict"
	case errors.Is(err, apierror.ErrSignature):
		return "signature"
	case errors.Is(err, apierror.ErrTimestampOutOfRange):
		return "timestamp_out_of_range"
	case errors.Is(err, apierror.ErrTooLarge):
		return "too_large"
	case errors.Is(err, apierror.ErrBadResponse):
		return "bad_response"
	case errors.Is(err, apierror.ErrServer):
		return "server"
	case errors.Is(err, apierror.ErrUnavailable):
		return "unavailable"
	}
	return ""
}

// Package apierr defines the one error type every simkit provider returns and
// the sentinels callers classify it with. It lives below every provider
// package so they can create these errors without importing the root package;
// the root package re-exports all of it.
package apierr

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Sentinels classify failures for errors.Is. They are shared by all
// providers so that a caller can handle, say, an empty balance the same way
// whichever provider reported it.
var (
	ErrNotConfigured       = errors.New("simkit: provider not configured")
	ErrUnauthorized        = errors.New("simkit: unauthorized")
	ErrNotFound            = errors.New("simkit: not found")
	ErrValidation          = errors.New("simkit: invalid request")
	ErrInsufficientFunds   = errors.New("simkit: insufficient funds")
	ErrOutOfStock          = errors.New("simkit: out of stock")
	ErrRateLimited         = errors.New("simkit: rate limited")
	ErrConflict            = errors.New("simkit: conflict")
	ErrUnavailable         = errors.New("simkit: provider unavailable")
	ErrSignature           = errors.New("simkit: bad signature")
	ErrTimestampOutOfRange = errors.New("simkit: timestamp out of range")
	ErrTooLarge            = errors.New("simkit: body too large")
	ErrServer              = errors.New("simkit: provider server error")
)

// MaxRawBody caps how much of a provider's answer an Error keeps, so that an
// error value never pins a large body in memory or floods a log line.
const MaxRawBody = 2048

// Error is the one error type a provider call returns once a request was
// sent (or refused by validation). Use errors.As to read its fields and
// errors.Is with the sentinels to classify it.
type Error struct {
	Provider   string        // "partner", "smsnumbers", "esimstory", "topups"
	Op         string        // method and path, e.g. "POST /orders"
	StatusCode int           // HTTP status; 0 when no answer was received
	Code       string        // provider's own error code, when it sends one
	Message    string        // provider's message, or ours for validation errors
	RequestID  string        // provider's request id header, when present
	RetryAfter time.Duration // how long to wait before retrying, when known
	Raw        []byte        // the provider's body, capped at MaxRawBody
	Kind       error         // the sentinel this error classifies as (may be nil)
	Err        error         // the underlying cause (transport error, decode error)
}

// Error renders a one-line description; it never includes request headers,
// so tokens and signatures cannot leak through it.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("simkit")
	if e.Provider != "" {
		b.WriteString(" ")
		b.WriteString(e.Provider)
	}
	if e.Op != "" {
		b.WriteString(" ")
		b.WriteString(e.Op)
	}
	sep := ": "
	if e.StatusCode != 0 {
		b.WriteString(": HTTP ")
		b.WriteString(strconv.Itoa(e.StatusCode))
		sep = " "
	}
	if e.Code != "" {
		b.WriteString(sep)
		b.WriteString("code ")
		b.WriteString(e.Code)
		sep = " "
	}
	msg := e.Message
	if msg == "" && e.Kind != nil {
		msg = strings.TrimPrefix(e.Kind.Error(), "simkit: ")
	}
	if msg != "" {
		if sep == " " {
			sep = ": "
		}
		b.WriteString(sep)
		b.WriteString(msg)
	}
	if e.RetryAfter > 0 {
		b.WriteString(" (retry after ")
		b.WriteString(e.RetryAfter.String())
		b.WriteString(")")
	}
	if e.RequestID != "" {
		b.WriteString(" [request ")
		b.WriteString(e.RequestID)
		b.WriteString("]")
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap exposes both the classifying sentinel and the cause, so errors.Is
// matches either (for example ErrUnavailable and context.DeadlineExceeded).
func (e *Error) Unwrap() []error {
	out := make([]error, 0, 2)
	if e.Kind != nil {
		out = append(out, e.Kind)
	}
	if e.Err != nil {
		out = append(out, e.Err)
	}
	return out
}

// Validation returns the error for bad caller input detected before any
// request is sent.
func Validation(provider, op, format string, args ...any) *Error {
	return &Error{Provider: provider, Op: op, Message: fmt.Sprintf(format, args...), Kind: ErrValidation}
}

// NotConfigured returns the error every call of an unconfigured provider
// answers with.
func NotConfigured(provider string) *Error {
	return &Error{Provider: provider, Message: "provider not configured: set its credentials in the options", Kind: ErrNotConfigured}
}

// KindForStatus maps an HTTP status to the sentinel it implies when the
// provider's body says nothing more specific.
func KindForStatus(status int) error {
	switch {
	case status == 400 || status == 422:
		return ErrValidation
	case status == 401 || status == 403:
		return ErrUnauthorized
	case status == 402:
		return ErrInsufficientFunds
	case status == 404:
		return ErrNotFound
	case status == 409:
		return ErrConflict
	case status == 413:
		return ErrTooLarge
	case status == 429:
		return ErrRateLimited
	case status == 502 || status == 503 || status == 504:
		return ErrUnavailable
	case status >= 500:
		return ErrServer
	}
	return nil
}

// CapBody copies at most MaxRawBody bytes of b, so an Error never aliases a
// pooled buffer or keeps a large answer alive.
func CapBody(b []byte) []byte {
	if len(b) > MaxRawBody {
		b = b[:MaxRawBody]
	}
	return append([]byte(nil), b...)
}

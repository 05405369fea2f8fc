// Package apierror defines the one error type every simkit provider returns
// and the sentinels callers classify it with. It is a leaf package: a program
// that uses only one provider package imports this one to write errors.Is
// and errors.As, without pulling in the other providers. The root simkit
// package re-exports everything here under the same names.
package apierror

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Sentinels classify failures for errors.Is. They are shared by all
// providers so that a caller can handle, say, an empty balance the same way
// whichever provider reported it.
var (
	// ErrNotConfigured: the provider's credentials were not given to New.
	ErrNotConfigured = errors.New("simkit: provider not configured")
	// ErrUnauthorized: the token, key or signature was refused.
	ErrUnauthorized = errors.New("simkit: unauthorized")
	// ErrNotFound: the order, product or eSIM does not exist.
	ErrNotFound = errors.New("simkit: not found")
	// ErrValidation: the request was refused as malformed, by simkit before
	// sending anything or by the provider.
	ErrValidation = errors.New("simkit: invalid request")
	// ErrInsufficientFunds: the account balance (and overdraft) cannot pay.
	ErrInsufficientFunds = errors.New("simkit: insufficient funds")
	// ErrOutOfStock: the provider has nothing left to sell for this item.
	ErrOutOfStock = errors.New("simkit: out of stock")
	// ErrRateLimited: a rate limit was hit; Error.RetryAfter says how long
	// to wait.
	ErrRateLimited = errors.New("simkit: rate limited")
	// ErrConflict: the external id was already used for another order.
	ErrConflict = errors.New("simkit: conflict")
	// ErrUnavailable: the provider is down, in maintenance, or unreachable.
	ErrUnavailable = errors.New("simkit: provider unavailable")
	// ErrSignature: a webhook's signature did not verify.
	ErrSignature = errors.New("simkit: bad signature")
	// ErrTimestampOutOfRange: a webhook's timestamp is outside the tolerance.
	ErrTimestampOutOfRange = errors.New("simkit: timestamp out of range")
	// ErrTooLarge: a request or response body exceeded simkit's cap.
	ErrTooLarge = errors.New("simkit: body too large")
	// ErrServer: the provider answered with an unexpected 5xx.
	ErrServer = errors.New("simkit: provider server error")
	// ErrBadResponse: the provider answered 2xx with a body simkit could not
	// read. For a call that moves money this is an ambiguous outcome: the
	// provider may have acted on it.
	ErrBadResponse = errors.New("simkit: malformed response from provider")
	// ErrOutcomeUnknown: a money-moving call (a buy, top-up, renewal or
	// withdrawal) may or may not have been carried out, and simkit could not
	// find out which. Do not repeat the call blindly: the provider does not
	// deduplicate it, so a repeat can charge twice. Error.Reference names
	// what identifies the attempt and Error.Started when the call began;
	// look for it in the provider's history (or its dashboard) from that
	// time on, and only then decide whether to buy again.
	ErrOutcomeUnknown = errors.New("simkit: outcome unknown")
)

// MaxRawBody caps how much of a provider's answer an Error keeps, so that an
// error value never pins a large body in memory or floods a log line.
const MaxRawBody = 2048

// MaxMessage caps Error.Message for the same reason: a provider that answers
// with megabytes of text still yields a one-line error.
const MaxMessage = 512

// Error is the one error type a provider call returns once a request was
// sent (or refused by validation). Use errors.As to read its fields and
// errors.Is with the sentinels to classify it.
type Error struct {
	// Provider is the provider package that failed: "partner",
	// "smsnumbers", "esimstory" or "topups".
	Provider string
	// Op is the call's label: its HTTP method and route template, such as
	// "GET /v1/user/check/{id}". It never holds customer data or ids.
	Op string
	// StatusCode is the HTTP status of the last answer; 0 when none was
	// received (a timeout, a reset, a refusal before sending).
	StatusCode int
	// Code is the provider's own error code, when it sends one.
	Code string
	// Message is the provider's message, or simkit's for errors it raises
	// itself (validation, decoding); capped at MaxMessage bytes.
	Message string
	// RequestID is the provider's request id header of the last answer.
	RequestID string
	// RetryAfter is how long to wait before trying again, when known.
	RetryAfter time.Duration
	// Raw is the start of the provider's body, capped at MaxRawBody.
	Raw []byte
	// Kind is the sentinel this error classifies as (may be nil); errors.Is
	// matches it.
	Kind error
	// Err is the underlying cause (a transport or decoding error);
	// errors.Is and errors.As see through it.
	Err error
	// Ambiguous reports that at least one attempt of the call may have
	// reached the provider and been acted on without simkit seeing a
	// readable answer (no answer, a reset, a timeout after sending, a 5xx,
	// a 2xx it could not read). For a money-moving call it is the reason
	// simkit looked the outcome up, or answered ErrOutcomeUnknown.
	Ambiguous bool
	// Reference identifies the attempt of a money-moving call for a manual
	// look-up when the outcome is unknown: your external id or reference,
	// or the query that was sent (customer data such as phone numbers is
	// masked). Error() does not print it.
	Reference string
	// Started is when the call began, by the client's clock; set on
	// ErrOutcomeUnknown so the provider's history can be searched from then.
	Started time.Time
	// MayHaveActed answers the first half of "may I call again?": the
	// provider may have carried the call out (created the order, moved the
	// money) although it failed. False means it certainly did not: nothing
	// was sent, or the provider refused it. Read it with the MayHaveActed
	// function, which also answers for errors of other types.
	MayHaveActed bool
	// SafeToRetry answers the second half: calling again with the same
	// arguments (for an order, the same external id; for a top-up, the
	// same reference) cannot act twice. It says nothing about whether the
	// repeat will succeed: a refused order is refused again. False after an
	// ambiguous SMS buy, withdrawal or renewal, whose provider has no
	// idempotency key: check the history (Reference, Started) first. Read
	// it with the SafeToRetry function.
	SafeToRetry bool
}

// MayHaveActed reports whether the call that returned err may have been
// carried out by the provider (an order created, money moved) although it
// failed: an ambiguous failure, or an outcome simkit could not settle. It
// is false for nil, for errors raised before anything was sent, and for
// refusals. An error that is not an *Error (a context error, a store
// error) answers true: nothing proves the provider did not act.
func MayHaveActed(err error) bool {
	if err == nil {
		return false
	}
	var e *Error
	if errors.As(err, &e) {
		return e.MayHaveActed
	}
	return true
}

// SafeToRetry reports whether the call that returned err may be called
// again with the same arguments (the same external id or reference)
// without acting twice, as aws-sdk-go-v2's retry.IsErrorRetryable answers
// for its own retries. It is false for nil (a call that succeeded is not
// repeated), for errors that are not an *Error, and after an ambiguous
// failure of a call the provider cannot deduplicate (SMS buys, withdraw,
// renewal).
func SafeToRetry(err error) bool {
	var e *Error
	if err == nil || !errors.As(err, &e) {
		return false
	}
	return e.SafeToRetry
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
	if len(msg) > MaxMessage {
		msg = CapMessage(msg)
	}
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
	return oneLine(b.String())
}

// oneLine keeps an error on one line: errors.Join separates its errors
// with newlines, and a provider's message may hold some, either of which
// would split a log line in two.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' }), "; ")
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
	return &Error{Provider: provider, Op: op, Message: fmt.Sprintf(format, args...), Kind: ErrValidation, SafeToRetry: true}
}

// NotConfigured returns the error every call of an unconfigured provider
// answers with.
func NotConfigured(provider string) *Error {
	return &Error{Provider: provider, Message: "provider not configured: set its credentials in the options", Kind: ErrNotConfigured, SafeToRetry: true}
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

// CapMessage shortens a provider's message to MaxMessage bytes without
// splitting a UTF-8 sequence, marking the cut.
func CapMessage(s string) string {
	if len(s) <= MaxMessage {
		return s
	}
	cut := MaxMessage
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

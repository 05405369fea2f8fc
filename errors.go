package simkit

import "github.com/simkit/simkit/apierror"

// Error is the error type every simkit call returns once it has failed for a
// reason the provider or the SDK can name; read it with errors.As and
// classify it with errors.Is and this package's Err sentinels. It is
// apierror.Error, which a program using a single provider package can
// import instead of this package. Its fields:
//
//   - Provider: "partner", "smsnumbers", "esimstory" or "topups".
//   - Op: the call's method and route template, e.g. "GET /v1/user/check/{id}";
//     never customer data or ids.
//   - StatusCode: the HTTP status of the last answer; 0 when none came.
//   - Code, Message: the provider's error code and message (Message capped
//     at apierror.MaxMessage bytes), or simkit's own for errors it raises.
//   - RequestID: the provider's request id of the last answer.
//   - RetryAfter: how long to wait before trying again, when known.
//   - Raw: the start of the provider's body (apierror.MaxRawBody bytes).
//   - Kind: the sentinel it classifies as; Err: the underlying cause.
//   - Ambiguous: some attempt may have been acted on without a readable
//     answer (the reason a money call settled its outcome by look-up).
//   - Reference, Started: for a money call whose outcome is unknown, what
//     identifies the attempt and when the call began.
type Error = apierror.Error

// Sentinels for errors.Is. They are the values of package apierror, so a
// check against simkit.ErrRateLimited matches an error from any provider
// package; see apierror for what each one means.
var (
	ErrNotConfigured       = apierror.ErrNotConfigured
	ErrUnauthorized        = apierror.ErrUnauthorized
	ErrNotFound            = apierror.ErrNotFound
	ErrValidation          = apierror.ErrValidation
	ErrInsufficientFunds   = apierror.ErrInsufficientFunds
	ErrOutOfStock          = apierror.ErrOutOfStock
	ErrRateLimited         = apierror.ErrRateLimited
	ErrConflict            = apierror.ErrConflict
	ErrUnavailable         = apierror.ErrUnavailable
	ErrSignature           = apierror.ErrSignature
	ErrTimestampOutOfRange = apierror.ErrTimestampOutOfRange
	ErrTooLarge            = apierror.ErrTooLarge
	ErrServer              = apierror.ErrServer
	ErrBadResponse         = apierror.ErrBadResponse
	ErrOutcomeUnknown      = apierror.ErrOutcomeUnknown
)

// MayHaveActed reports whether the call that returned err may have been
// carried out by the provider although it failed (see Error.MayHaveActed).
func MayHaveActed(err error) bool { return apierror.MayHaveActed(err) }

// SafeToRetry reports whether the call that returned err may be repeated
// with the same arguments (external id, reference) without acting twice
// (see Error.SafeToRetry).
func SafeToRetry(err error) bool { return apierror.SafeToRetry(err) }

package simkit

import "github.com/simkit/simkit/internal/apierr"

// Error is the error type every simkit call returns once it has failed for a
// reason the provider or the SDK can name; read it with errors.As.
type Error = apierr.Error

// Sentinels for errors.Is. Provider packages create the errors; these are the
// same values, so a check against simkit.ErrRateLimited matches an error from
// any provider package.
var (
	// ErrNotConfigured: the provider's credentials were not given to New.
	ErrNotConfigured = apierr.ErrNotConfigured
	// ErrUnauthorized: the token, key or signature was refused.
	ErrUnauthorized = apierr.ErrUnauthorized
	// ErrNotFound: the order, product or eSIM does not exist.
	ErrNotFound = apierr.ErrNotFound
	// ErrValidation: the request was refused as malformed, by simkit before
	// sending or by the provider.
	ErrValidation = apierr.ErrValidation
	// ErrInsufficientFunds: the account balance (and overdraft) cannot pay.
	ErrInsufficientFunds = apierr.ErrInsufficientFunds
	// ErrOutOfStock: the provider has nothing left to sell for this item.
	ErrOutOfStock = apierr.ErrOutOfStock
	// ErrRateLimited: a rate limit was hit; Error.RetryAfter says how long to wait.
	ErrRateLimited = apierr.ErrRateLimited
	// ErrConflict: the external id was already used for another order.
	ErrConflict = apierr.ErrConflict
	// ErrUnavailable: the provider is down, in maintenance, or unreachable.
	ErrUnavailable = apierr.ErrUnavailable
	// ErrSignature: a webhook's signature did not verify.
	ErrSignature = apierr.ErrSignature
	// ErrTimestampOutOfRange: a webhook's timestamp is outside the tolerance.
	ErrTimestampOutOfRange = apierr.ErrTimestampOutOfRange
	// ErrTooLarge: a request or response body exceeded simkit's cap.
	ErrTooLarge = apierr.ErrTooLarge
	// ErrServer: the provider answered with an unexpected 5xx.
	ErrServer = apierr.ErrServer
)

package simkit

import "github.com/simkit/simkit/apierror"

// Error is the error type every simkit call returns once it has failed for a
// reason the provider or the SDK can name; read it with errors.As. Its
// fields are documented in package apierror, which a program using a single
// provider package can import instead of this one.
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

package observe

import "time"

// CallStart opens one SDK call (all its attempts and waits).
type CallStart struct {
	// Provider is the provider package: "partner", "smsnumbers",
	// "esimstory" or "topups".
	Provider string
	// Method is the HTTP method.
	Method string
	// Route is the call's label as errors and logs show it: method and
	// route template, such as "GET /v1/user/check/{id}".
	Route string
	// Start is when the call began.
	Start time.Time
}

// CallEnd closes a call.
type CallEnd struct {
	Provider, Method, Route string
	Start, End              time.Time
	// Attempts is how many attempts were sent (0 when the call ended
	// before the first one, e.g. bad input or an ended context).
	Attempts int
	// StatusCode and RequestID are the last answer's; zero when none came.
	StatusCode int
	RequestID  string
	// Outcome is "ok" or the error's class (see Class).
	Outcome string
	// Err is the call's error, nil on success.
	Err error
}

// AttemptStart opens one HTTP attempt.
type AttemptStart struct {
	Provider, Method, Route string
	// Attempt counts from 1.
	Attempt int
	Start   time.Time
	// Waited is how long the call backed off before this attempt (0 for
	// the first).
	Waited time.Duration
	// ServerAddress and ServerPort are the provider's host and port, from
	// the client's base URL (the port is 443 or 80 when the URL has none).
	ServerAddress string
	ServerPort    int
}

// RateLimit is the provider's rate-limit state as its answer's headers
// reported it; zero fields were not sent.
type RateLimit struct {
	Limit      int
	Remaining  int
	Reset      time.Time
	RetryAfter time.Duration
}

// Reasons an attempt is retried (AttemptEnd.RetryReason).
const (
	// RetryNetwork: no answer (connection reset, timeout, refused).
	RetryNetwork = "network"
	// RetryRateLimited: the provider answered 429.
	RetryRateLimited = "rate_limited"
	// RetryUnavailable: the provider answered 503.
	RetryUnavailable = "unavailable"
	// RetryServerError: the provider answered another 5xx.
	RetryServerError = "server_error"
	// RetryStatus: a custom retry policy chose to retry another status.
	RetryStatus = "status"
)

// AttemptEnd closes an attempt.
type AttemptEnd struct {
	Provider, Method, Route string
	Attempt                 int
	Start                   time.Time
	Duration                time.Duration
	// StatusCode is the answer's status; 0 when none came.
	StatusCode int
	// RequestID is the provider's request id header of the answer.
	RequestID string
	RateLimit RateLimit
	// Outcome is "ok" for a 2xx, else the class of what this attempt got
	// (see Class): "rate_limited" for a 429, "unavailable" for no answer.
	Outcome string
	// Err is the transport error when no answer came.
	Err error
	// RetryReason says why the call sends another attempt (one of the
	// Retry* constants); empty when this attempt is the last.
	RetryReason string
	// RetryWait is how long the call backs off before the next attempt
	// (the provider's Retry-After when it sent one).
	RetryWait time.Duration
}

// Limiters named in LimiterWait.Limiter.
const (
	// LimiterPace is the client-side pacer every attempt passes.
	LimiterPace = "pace"
)

// LimiterWait reports a client-side rate limit.
type LimiterWait struct {
	Provider string
	// Route and Attempt name the call waiting, when known.
	Route   string
	Attempt int
	// Limiter names the limit: LimiterPace, or a gate's name such as
	// "package_history".
	Limiter string
	// Waited is how long the caller was held.
	Waited time.Duration
	// Admitted is false when the call was refused (its wait would outlast
	// the deadline, or a gate's window is taken).
	Admitted bool
	// RetryAfter is, for a refusing gate, when its window reopens.
	RetryAfter time.Duration
	// Err is the limiter's error when it refused.
	Err error
}

// Cache reports one cache look-up.
type Cache struct {
	Provider string
	// Name is the cache: "token", "package_history", ...
	Name string
	// Hit reports whether the value was served from the cache.
	Hit bool
}

// Dedupe reports work a dedupe record made simkit skip.
type Dedupe struct {
	Provider string
	// Name is what was deduplicated: "webhook", "order", ...
	Name string
	// InFlight is true when another handler holds the work right now,
	// false when it was already done.
	InFlight bool
}

// FlightJoin reports a caller that shared another caller's load.
type FlightJoin struct {
	Provider string
	// Name is the value loaded: "token", "package_history", ...
	Name string
	// Waited is how long the caller waited for the leader.
	Waited time.Duration
	// Replica is true when the leader was another replica (seen through
	// the shared store's lock), false for a goroutine of this process.
	Replica bool
	// Err is the error the caller got, nil on success.
	Err error
}

// WebhookOutcome is one step of a webhook delivery.
type WebhookOutcome string

// Webhook delivery steps. A delivery reports Accepted then Handled or
// Failed; or Duplicate; or Refused.
const (
	// WebhookAccepted: verified, parsed and claimed; your function runs.
	WebhookAccepted WebhookOutcome = "accepted"
	// WebhookDuplicate: already handled (or being handled); answered
	// without running your function.
	WebhookDuplicate WebhookOutcome = "duplicate"
	// WebhookRefused: rejected before your function (see Reason).
	WebhookRefused WebhookOutcome = "refused"
	// WebhookHandled: your function succeeded.
	WebhookHandled WebhookOutcome = "handled"
	// WebhookFailed: your function or the dedupe store failed; the sender
	// is told to retry.
	WebhookFailed WebhookOutcome = "failed"
)

// Reasons a webhook is refused (Webhook.Reason).
const (
	ReasonSignature = "signature"
	ReasonTimestamp = "timestamp"
	ReasonTooLarge  = "too_large"
	ReasonMalformed = "malformed"
	ReasonMethod    = "method"
	// ReasonAuth: the request's credentials (a token in the URL, Basic
	// auth) were missing or wrong, for providers that sign nothing.
	ReasonAuth = "auth"
	// ReasonUnknown: the delivery names nothing this client expects.
	ReasonUnknown = "unknown"
)

// Webhook reports one step of a webhook delivery.
type Webhook struct {
	Provider string
	// Event is the provider's event type, when it has one
	// ("order.status_changed").
	Event   string
	Outcome WebhookOutcome
	// Reason says why a delivery was refused (one of the Reason*
	// constants).
	Reason string
	// Status is the HTTP status answered to the sender (0 for Accepted,
	// and for the Handled or Failed an inbox worker reports after the 202).
	Status int
	// Duration is how long the delivery took so far.
	Duration time.Duration
	// Err is the failure, for Failed.
	Err error
}

// Waits named in WaitProgress.Wait.
const (
	// WaitSMSCode is smsnumbers' WaitForCode.
	WaitSMSCode = "sms_code"
	// WaitESIMDelivery is the eSIM Story tracker's Wait.
	WaitESIMDelivery = "esim_delivery"
	// WaitWebhookFollowUp is a webhook handler's work after it answered: a
	// write (a dedupe done mark, a tracker record) retried until the Store
	// is back. Each try is a check with Status "retry"; the end is
	// WaitReceived when the write went through, else the error's class.
	WaitWebhookFollowUp = "webhook_follow_up"
)

// Outcomes of a finished wait (WaitProgress.Outcome, with Done set), next
// to the error classes of Class.
const (
	// WaitReceived: what was waited for arrived.
	WaitReceived = "received"
	// WaitEnded: the order ended without it (an SMS order timed out or
	// was cancelled).
	WaitEnded = "ended"
)

// WaitProgress reports one check of a long wait, or its end, or progress
// seen outside any wait (an eSIM Story delivery recorded, Check 0).
type WaitProgress struct {
	Provider string
	// Wait names the wait: WaitSMSCode or WaitESIMDelivery.
	Wait string
	// Check counts the checks from 1; 0 for progress outside a wait.
	Check int
	// Status is the provider's status at this check ("PENDING",
	// "RECEIVED").
	Status string
	// Delivered and Expected count units, for waits on deliveries.
	Delivered, Expected int
	// Elapsed is the time since the wait began.
	Elapsed time.Duration
	// Done marks the wait's last event; Outcome then says how it ended:
	// WaitReceived, WaitEnded, or an error class ("canceled", ...).
	Done    bool
	Outcome string
	Err     error
}

package partner

import (
	"log/slog"
	"time"

	"github.com/simkit/simkit/inbox"
	"github.com/simkit/simkit/observe"
	"github.com/simkit/simkit/store"
)

// The provider's webhook schedule: a delivery not answered 2xx within
// WebhookProviderDeadline is retried WebhookRetryDelays later (up to 3
// attempts in all). The defaults below are derived from it.
const (
	// WebhookProviderDeadline is how long the provider waits for the 2xx.
	WebhookProviderDeadline = 10 * time.Second
	// DefaultWebhookDeadline is when the function's context ends: the
	// provider's 10 s minus 2 s to release or commit and write the answer.
	DefaultWebhookDeadline = 8 * time.Second
	// DefaultWebhookLease is how long a delivery in progress stays claimed
	// without a renewal: half of the 10 s before the first retry, so the
	// lease of a replica that died mid-delivery is gone before the retry
	// arrives, with 5 s left for clock skew between replicas.
	DefaultWebhookLease = 5 * time.Second
	// DefaultWebhookDedupeTTL is how long a handled idempotency_key is
	// remembered. The retry horizon is about 2 minutes (+10 s, +100 s, 10 s
	// each to answer) and a captured delivery could be replayed within the
	// 5-minute signature window after it; a day covers both with room for
	// a manual resend.
	DefaultWebhookDedupeTTL = 24 * time.Hour
	// DefaultWebhookDedupePrefix namespaces dedupe keys in a shared store.
	// It does not repeat "simkit:": the Store owns that namespace (see
	// redisstore.Options.Prefix).
	DefaultWebhookDedupePrefix = "partner:webhook:"
)

// WebhookRetryDelays are the provider's documented waits between delivery
// attempts.
func WebhookRetryDelays() []time.Duration {
	return []time.Duration{10 * time.Second, 100 * time.Second}
}

// WebhookOptions tunes a webhook handler; zero fields take the defaults
// named on them.
type WebhookOptions struct {
	// Store keeps the dedupe keys and leases; share one among replicas.
	// Default: the client's Store (Client.WebhookHandler), else a
	// process-local memory store.
	Store store.Store
	// Now is the clock the X-Timestamp and leases are checked against.
	// Default time.Now (the client's clock for Client.WebhookHandler).
	Now func() time.Time
	// Tolerance is how far X-Timestamp may lie from Now, both ways.
	// Default 5 minutes (the provider's documented window).
	Tolerance time.Duration
	// MaxBody caps the request body. Default 1 MiB.
	MaxBody int64
	// Logger receives one line per refused or failed delivery. Default:
	// discard (the client's logger for Client.WebhookHandler).
	Logger *slog.Logger
	// DedupeTTL is how long a handled idempotency_key is remembered; it
	// must outlast the provider's retries and the signature window after
	// them (twice Tolerance plus about 2 minutes of retries; a shorter one
	// is refused). Default DefaultWebhookDedupeTTL.
	DedupeTTL time.Duration
	// DedupePrefix namespaces the keys. Default DefaultWebhookDedupePrefix.
	DedupePrefix string
	// Lease is how long a delivery in progress stays claimed without a
	// renewal (renewed every third of it while the function runs). It must
	// be shorter than the 10 s before the provider's first retry. Default
	// DefaultWebhookLease.
	Lease time.Duration
	// Deadline is when the function's context ends, counted from the
	// request's arrival; keep it under the provider's 10 s. Default
	// DefaultWebhookDeadline.
	Deadline time.Duration
	// Events are event names accepted besides EventOrderStatusChanged (for
	// events the provider adds later). Any other name is refused with 400.
	Events []string
	// Inbox, when set, makes the handler persist each verified, first-time
	// delivery and answer 202 at once; the inbox's workers (Inbox.Run) then
	// call the function, with retries and dead letters. Deadline then
	// bounds nothing: the inbox's Timeout does.
	Inbox *inbox.Inbox
	// Observer receives each delivery's steps: accepted, handled, failed,
	// duplicate, or refused with its reason. Default: none (the client's
	// Observer for Client.WebhookHandler).
	Observer observe.Observer
}

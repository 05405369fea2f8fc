// Package inbox is simkit's durable webhook inbox: a webhook handler given
// an Inbox verifies and dedupes each delivery, persists its raw body and
// answers 2xx at once; workers (Inbox.Run) then hand it to your function,
// retry failures with backoff and move a delivery that keeps failing to the
// dead letters, which you can list and replay.
//
// Use it when your function may take longer than the provider's deadline
// (the Partner API waits 10 s) or when accepted work must survive a crash.
// The in-memory queue (NewMemory) keeps everything in the process: what it
// holds is lost when the process stops, so it only suits one process that
// can afford that. For a fleet, use a shared durable queue such as
// contrib/redisstore's StreamQueue (Redis Streams with a consumer group).
//
// Delivery to your function is at least once: a worker that dies mid-call
// leaves the delivery to be claimed by another worker after ClaimIdle, so
// make the function idempotent (keyed by Message.ID) where running it twice
// would harm.
package inbox

import (
	"context"
	"errors"
	"iter"
	"time"
)

// Message is one persisted delivery.
type Message struct {
	// ID is the provider's idempotency id (Partner idempotency_key, eSIM
	// Story topup_id); the inbox keeps one message per Kind and ID.
	ID string
	// Kind names the handler that decodes Body, e.g. "partner".
	Kind string
	// Body is the raw request body, as verified.
	Body []byte
	// Received is when the delivery was accepted.
	Received time.Time
	// Attempts counts the calls of your function so far.
	Attempts int
	// LastError is the error of the latest failed call.
	LastError string
	// Ref is the queue's handle on this message (a stream entry id);
	// Replay takes the Ref of a dead letter.
	Ref string
}

// Queue is the storage behind an Inbox. Implementations must be safe for
// concurrent use by many workers, in one process or many.
type Queue interface {
	// Add stores m unless a message with the same Kind and ID was added in
	// the last dedupe, and reports whether it stored it. Once Add returns
	// true the message must survive whatever the queue promises to survive.
	Add(ctx context.Context, m Message, dedupe time.Duration) (bool, error)
	// Claim hands consumer up to n messages: retries whose time has come,
	// messages another consumer has held for idle or longer without
	// Extend (it died), and new ones.
	Claim(ctx context.Context, consumer string, n int, now time.Time, idle time.Duration) ([]Message, error)
	// Extend tells the queue consumer still works on m, restarting its
	// idle time.
	Extend(ctx context.Context, consumer string, m Message) error
	// Ack removes a message that was handled.
	Ack(ctx context.Context, m Message) error
	// Retry puts m (with Attempts and LastError updated) back, to be
	// claimed again no earlier than at.
	Retry(ctx context.Context, m Message, at time.Time) error
	// Bury moves m to the dead letters.
	Bury(ctx context.Context, m Message) error
	// DeadLetters lists the dead letters, oldest first.
	DeadLetters(ctx context.Context) iter.Seq2[Message, error]
	// Replay moves the dead letter ref back to the queue with Attempts
	// reset; ErrNotFound when there is no such dead letter.
	Replay(ctx context.Context, ref string) error
}

// ErrNotFound is returned by Replay for a ref that is not a dead letter.
var ErrNotFound = errors.New("inbox: no such dead letter")

// ErrNoHandler is the LastError of a message whose Kind no handler was
// registered for in this process.
var ErrNoHandler = errors.New("inbox: no handler registered for this kind")

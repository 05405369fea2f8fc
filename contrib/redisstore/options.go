package redisstore

import (
	"log/slog"
	"time"

	"github.com/simkit/simkit/store"
)

// DefaultPrefix namespaces simkit's keys when Options.Prefix is empty, so
// they never collide with an application's own keys in a shared Redis.
const DefaultPrefix = "simkit:"

// DefaultRetryEvery is how long a Store or Limiter that saw Redis fail waits
// before trying Redis again, so an outage costs one failed round trip per
// interval instead of one (possibly a dial timeout) per call.
const DefaultRetryEvery = time.Second

// FailureMode says what a call does while Redis cannot be reached.
type FailureMode int

const (
	// FailClosed returns an error matching ErrUnavailable. Choose it when a
	// duplicate webhook or an extra request is worse than a failed one.
	FailClosed FailureMode = iota
	// FailOpen falls back to a process-local store (or limiter), so the
	// service keeps working; dedupe, caches and pacing then hold per replica
	// rather than per fleet until Redis is back.
	FailOpen
)

// String names the mode for logs.
func (m FailureMode) String() string {
	if m == FailOpen {
		return "fail-open"
	}
	return "fail-closed"
}

// Options configures a Store or a Limiter; pass functions that set its
// fields to New or NewLimiter.
type Options struct {
	// Prefix is put before every key. Default DefaultPrefix. Use one per
	// deployment when several share a Redis.
	Prefix string
	// Failure chooses the behaviour while Redis is unreachable. Default
	// FailClosed.
	Failure FailureMode
	// Logger receives one line when Redis becomes unreachable, one when it is
	// back, and one the first time a value of an unknown version is read.
	// Default: discard.
	Logger *slog.Logger
	// Fallback is the store used while failing open. Default a new
	// store.Memory.
	Fallback store.Store
	// RetryEvery is how long to skip Redis after a failure before probing it
	// again. Default DefaultRetryEvery.
	RetryEvery time.Duration
}

func buildOptions(optFns []func(*Options)) Options {
	var o Options
	for _, fn := range optFns {
		if fn != nil {
			fn(&o)
		}
	}
	if o.Prefix == "" {
		o.Prefix = DefaultPrefix
	}
	if o.Logger == nil {
		o.Logger = slog.New(discardHandler{})
	}
	if o.RetryEvery <= 0 {
		o.RetryEvery = DefaultRetryEvery
	}
	return o
}

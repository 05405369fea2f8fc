package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/redis/go-redis/v9"
)

// ErrUnavailable is matched (errors.Is) by every error a FailClosed Store or
// Limiter returns because Redis could not be reached; the underlying cause
// is wrapped too.
var ErrUnavailable = errors.New("redisstore: redis unavailable")

// ErrNoClient is returned by a Store or Limiter built without a Redis client
// (or a nil one), instead of a panic.
var ErrNoClient = errors.New("redisstore: no redis client")

// ErrBadLimit is returned by Wait on a Limiter built with a rate that is not
// a positive finite number.
var ErrBadLimit = errors.New("redisstore: rate must be positive")

// outageReplies are Redis error replies that mean "not serving right now"
// rather than "your command is wrong", so they count as an outage.
var outageReplies = []string{"LOADING", "READONLY", "MASTERDOWN", "CLUSTERDOWN", "TRYAGAIN", "BUSY", "NOREPLICAS"}

// isOutage reports whether err means Redis cannot serve us, as opposed to the
// caller's context ending or Redis refusing the command itself.
func isOutage(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	var reply redis.Error
	if errors.As(err, &reply) {
		msg := reply.Error()
		for _, p := range outageReplies {
			if strings.HasPrefix(msg, p) {
				return true
			}
		}
		return false
	}
	return true
}

// unavailable builds the FailClosed error for op; cause is nil when Redis
// was skipped because it failed moments ago.
func unavailable(op string, cause error) error {
	if cause == nil {
		return fmt.Errorf("redisstore: %s: %w (skipped until the next probe)", op, ErrUnavailable)
	}
	return fmt.Errorf("redisstore: %s: %w: %w", op, ErrUnavailable, cause)
}

// callerErr returns what a caller sees for a non-outage failure: its own
// context's error when that ended the call, so errors.Is(err,
// context.Canceled) works, else the Redis error labelled with op.
func callerErr(ctx context.Context, op string, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		return cerr
	}
	return fmt.Errorf("redisstore: %s: %w", op, err)
}

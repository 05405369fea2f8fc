package simkittest

import (
	"time"

	"github.com/simkit/simkit/internal/fakeclock"
)

// Clock is a fake clock for fakes that serve real clients: it runs with the
// wall clock, shifted by however far Advance has moved it. Unlike a frozen
// clock, it keeps a long-running fakes server usable by applications that
// sign requests with their own time.Now, while Advance still lets a test
// jump past an order's expiry or a token's lifetime. Its methods: Now
// (pass the method value as a fake's or Config's Now), Advance(d) (moves
// it forward; a negative d is ignored, and timers it passes fire), After(d)
// (a channel that fires after d of this clock's time: the fakes' webhook
// retries and automatic deliveries wait on it) and Offset (how far
// Advance has moved it). It is safe for concurrent use; the zero value
// runs at wall time.
type Clock = fakeclock.Clock

// NewClock returns a clock at wall time over the time source wall (nil:
// time.Now); tests pass a fixed source to get a deterministic clock.
func NewClock(wall func() time.Time) *Clock {
	return fakeclock.New(wall)
}

package redisstore

import (
	"log/slog"
	"sync/atomic"
	"time"
)

// health tracks whether Redis is reachable, so that the failure mode is
// logged once per outage rather than once per call, and so that calls made
// while Redis is known to be down skip it until the next probe instead of
// each paying a failed round trip.
type health struct {
	what       string
	mode       FailureMode
	log        *slog.Logger
	retryEvery time.Duration

	down    atomic.Bool
	probeAt atomic.Int64 // UnixNano after which a call tries Redis again
}

func newHealth(what string, o Options) *health {
	return &health{what: what, mode: o.Failure, log: o.Logger, retryEvery: o.RetryEvery}
}

// skip reports whether Redis failed recently enough that this call should
// go straight to the failure mode.
func (h *health) skip() bool {
	return h.down.Load() && time.Now().UnixNano() < h.probeAt.Load()
}

// failed records that op could not reach Redis; only the call that flips the
// state from up to down logs.
func (h *health) failed(op string, err error) {
	h.probeAt.Store(time.Now().Add(h.retryEvery).UnixNano())
	if h.down.CompareAndSwap(false, true) {
		h.log.Warn("redisstore: redis unreachable; "+h.outcome(),
			"component", h.what, "mode", h.mode.String(), "op", op, "err", err)
	}
}

// ok records a successful round trip; only the call that ends an outage
// logs.
func (h *health) ok() {
	if h.down.CompareAndSwap(true, false) {
		h.log.Info("redisstore: redis reachable again", "component", h.what, "mode", h.mode.String())
	}
}

func (h *health) outcome() string {
	if h.mode == FailOpen {
		return "falling back to process-local state until it is back"
	}
	return "calls fail until it is back"
}

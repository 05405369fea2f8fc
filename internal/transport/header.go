package transport

import (
	"net/http"
	"strconv"
	"time"

	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/retry"
)

// parseRateLimit reads the rate-limit headers. A Retry-After date counts
// from now, the attempt's clock reading, or from clock when the attempt
// took none (an unsigned request).
func parseRateLimit(h http.Header, now time.Time, clock func() time.Time) option.RateLimit {
	var rl option.RateLimit
	if v := h.Get("Retry-After"); v != "" {
		if now.IsZero() {
			now = clock()
		}
		rl.RetryAfter, _ = retry.ParseRetryAfter(v, now)
	}
	if v := h.Get("X-Ratelimit-Limit"); v != "" {
		rl.Limit, _ = strconv.Atoi(v)
	}
	if v := h.Get("X-Ratelimit-Remaining"); v != "" {
		rl.Remaining, _ = strconv.Atoi(v)
	}
	if v := h.Get("X-Ratelimit-Reset"); v != "" {
		if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
			rl.Reset = time.Unix(secs, 0)
		}
	}
	return rl
}

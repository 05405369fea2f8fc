package transport

import (
	"net/http"
	"strconv"
	"time"

	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/retry"
)

// canonicalGet is h.Get(key) for a key already in canonical form: Get
// canonicalizes its key on every call, five times per answer.
func canonicalGet(h http.Header, key string) string {
	if v := h[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// parseRateLimit reads the rate-limit headers. A Retry-After date counts
// from now, the attempt's clock reading, or from clock when the attempt
// took none (an unsigned request).
func parseRateLimit(h http.Header, now time.Time, clock func() time.Time) option.RateLimit {
	var rl option.RateLimit
	if v := canonicalGet(h, "Retry-After"); v != "" {
		if now.IsZero() {
			now = clock()
		}
		rl.RetryAfter, _ = retry.ParseRetryAfter(v, now)
	}
	if v := canonicalGet(h, "X-Ratelimit-Limit"); v != "" {
		rl.Limit, _ = strconv.Atoi(v)
	}
	if v := canonicalGet(h, "X-Ratelimit-Remaining"); v != "" {
		rl.Remaining, _ = strconv.Atoi(v)
	}
	if v := canonicalGet(h, "X-Ratelimit-Reset"); v != "" {
		if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
			rl.Reset = time.Unix(secs, 0)
		}
	}
	return rl
}

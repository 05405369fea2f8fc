// Package retry holds the retry policy simkit's transport applies to every
// call. A Policy is a plain value: copy Default, change what you need, and
// pass it per client or per call.
package retry

import (
	"context"
	"math/rand/v2"
	"net/http"
	"time"
)

// Policy says how many times and how long apart a failed call is retried.
// Which calls are eligible is not the policy's choice: only safe calls and
// calls the provider deduplicates (an order with its external id) are
// retried, so a retry can never buy twice.
type Policy struct {
	// MaxAttempts counts the first attempt too; 1 disables retries.
	MaxAttempts int
	// BaseDelay is the wait before the first retry; it doubles per retry.
	BaseDelay time.Duration
	// MaxDelay caps the computed backoff.
	MaxDelay time.Duration
	// RateLimitDelay is the first wait after a 429 or 503 that carries no
	// Retry-After; it doubles per retry, because some providers ban a key
	// that keeps hitting the limit.
	RateLimitDelay time.Duration
	// MaxRetryAfter caps a server's Retry-After; a longer demand is not
	// waited out but returned to the caller as ErrRateLimited.
	MaxRetryAfter time.Duration
	// NoJitter disables the random spread of waits (full jitter over the
	// upper half of the delay); tests use it for exact waits.
	NoJitter bool
	// Retryable decides whether an attempt's outcome is worth retrying. resp
	// is nil when err is a transport error. Nil means DefaultRetryable.
	Retryable func(resp *http.Response, err error) bool
	// Sleep waits for d or until ctx ends. Nil means a real timer; tests
	// inject one that records the wait and returns at once.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Default is the policy every client starts with: 3 attempts, 200 ms doubling
// to at most 5 s, rate-limit waits from 1 s, Retry-After honoured up to 30 s.
func Default() Policy {
	return Policy{
		MaxAttempts:    3,
		BaseDelay:      200 * time.Millisecond,
		MaxDelay:       5 * time.Second,
		RateLimitDelay: time.Second,
		MaxRetryAfter:  30 * time.Second,
	}
}

// Never is a policy that sends each call once.
func Never() Policy {
	p := Default()
	p.MaxAttempts = 1
	return p
}

// DefaultRetryable retries transport errors and 429, 502, 503 and 504: the
// answers that mean "not processed, try later". A 500 is not retried here,
// since for a non-idempotent call it may mean "processed, then failed".
func DefaultRetryable(resp *http.Response, err error) bool {
	if err != nil {
		return true
	}
	if resp == nil {
		return false
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// ShouldRetry applies p.Retryable (or DefaultRetryable).
func (p Policy) ShouldRetry(resp *http.Response, err error) bool {
	if p.Retryable != nil {
		return p.Retryable(resp, err)
	}
	return DefaultRetryable(resp, err)
}

// Attempts returns MaxAttempts, treating zero or less as one attempt.
func (p Policy) Attempts() int {
	if p.MaxAttempts < 1 {
		return 1
	}
	return p.MaxAttempts
}

// Backoff returns the wait before retry number n (1 for the first retry).
// rateLimited selects the slower rate-limit schedule.
func (p Policy) Backoff(n int, rateLimited bool) time.Duration {
	base := p.BaseDelay
	if rateLimited && p.RateLimitDelay > base {
		base = p.RateLimitDelay
	}
	if base <= 0 {
		return 0
	}
	d := base
	for i := 1; i < n; i++ {
		d *= 2
		if p.MaxDelay > 0 && d >= p.MaxDelay {
			d = p.MaxDelay
			break
		}
	}
	if p.NoJitter || d <= 1 {
		return d
	}
	half := d / 2
	return half + rand.N(d-half+1)
}

// Wait sleeps for d through p.Sleep, returning early with ctx's error when
// ctx ends first.
func (p Policy) Wait(ctx context.Context, d time.Duration) error {
	if p.Sleep != nil {
		return p.Sleep(ctx, d)
	}
	return SleepContext(ctx, d)
}

// SleepContext waits for d or until ctx is done, whichever is first.
func SleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// maxRetryAfterSecs bounds a parsed Retry-After (34 years) so the
// conversion to time.Duration cannot overflow.
const maxRetryAfterSecs = 1 << 30

// ParseRetryAfter reads a Retry-After header in seconds or as an HTTP date
// (relative to now). ok is false when the header is absent or unreadable.
func ParseRetryAfter(v string, now time.Time) (d time.Duration, ok bool) {
	if v == "" {
		return 0, false
	}
	secs := 0
	digits := true
	for _, c := range v {
		if c < '0' || c > '9' {
			digits = false
			break
		}
		secs = secs*10 + int(c-'0')
		if secs > maxRetryAfterSecs { // clamp absurd values instead of overflowing
			secs = maxRetryAfterSecs
		}
	}
	if digits {
		return time.Duration(secs) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	d = t.Sub(now)
	if d < 0 {
		d = 0
	}
	return d, true
}

// Or merges p over def field by field: each field p leaves zero (a nil
// func, a zero count or duration) is taken from def, NoJitter is set when
// either sets it. A policy that sets only Sleep therefore keeps def's whole
// schedule with that sleeper (tests inject one and wait zero real time),
// and one that sets only MaxAttempts keeps def's delays.
func (p Policy) Or(def Policy) Policy {
	if p.MaxAttempts == 0 {
		p.MaxAttempts = def.MaxAttempts
	}
	if p.BaseDelay == 0 {
		p.BaseDelay = def.BaseDelay
	}
	if p.MaxDelay == 0 {
		p.MaxDelay = def.MaxDelay
	}
	if p.RateLimitDelay == 0 {
		p.RateLimitDelay = def.RateLimitDelay
	}
	if p.MaxRetryAfter == 0 {
		p.MaxRetryAfter = def.MaxRetryAfter
	}
	if p.Retryable == nil {
		p.Retryable = def.Retryable
	}
	if p.Sleep == nil {
		p.Sleep = def.Sleep
	}
	p.NoJitter = p.NoJitter || def.NoJitter
	return p
}

// IsZero reports whether p sets nothing, so it inherits every field.
func (p Policy) IsZero() bool {
	return p.MaxAttempts == 0 && p.BaseDelay == 0 && p.MaxDelay == 0 && p.RateLimitDelay == 0 &&
		p.MaxRetryAfter == 0 && !p.NoJitter && p.Retryable == nil && p.Sleep == nil
}

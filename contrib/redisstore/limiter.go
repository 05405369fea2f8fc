package redisstore

import (
	"context"
	"math"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
	"github.com/simkit/simkit/retry"
	"github.com/simkit/simkit/store"
	"golang.org/x/time/rate"
)

// Limiter is a store.Limiter shared by every replica using the same Redis,
// prefix and name: together they send at most the configured rate. Pass it
// as option.Shared.Limiter (or a provider's limiter option). Build it with
// NewLimiter.
type Limiter struct {
	rl     *redis_rate.Limiter
	key    string
	limit  redis_rate.Limit
	local  *rate.Limiter
	mode   FailureMode
	health *health
	err    error
}

var _ store.Limiter = (*Limiter)(nil)

// NewLimiter returns a fleet-wide limiter named name that admits perSecond
// requests per second with bursts of up to burst (at least 1). While failing
// open each replica paces itself locally at the same rate, so the fleet may
// briefly send up to replicas times the rate.
func NewLimiter(rdb redis.UniversalClient, name string, perSecond float64, burst int, optFns ...func(*Options)) *Limiter {
	o := buildOptions(optFns)
	if burst < 1 {
		burst = 1
	}
	l := &Limiter{key: o.Prefix + name, mode: o.Failure, health: newHealth("limiter", o)}
	if rdb != nil {
		l.rl = redis_rate.NewLimiter(rdb)
	}
	if perSecond <= 0 || math.IsNaN(perSecond) || math.IsInf(perSecond, 0) {
		l.err = ErrBadLimit
		return l
	}
	l.limit = limitFor(perSecond, burst)
	l.local = rate.NewLimiter(rate.Limit(perSecond), burst)
	return l
}

// limitFor expresses perSecond as redis_rate's integer Rate per Period: a
// whole rate keeps Period at a second; a fractional one (0.5/s) becomes one
// request per 1/perSecond, which the GCRA treats identically.
func limitFor(perSecond float64, burst int) redis_rate.Limit {
	if perSecond == math.Trunc(perSecond) && perSecond <= math.MaxInt32 {
		return redis_rate.Limit{Rate: int(perSecond), Burst: burst, Period: time.Second}
	}
	return redis_rate.Limit{Rate: 1, Burst: burst, Period: time.Duration(float64(time.Second) / perSecond)}
}

// Wait blocks until the fleet may send one more request or ctx ends. It
// sleeps for the retry-after Redis computes rather than failing, so callers
// see pacing, not errors.
func (l *Limiter) Wait(ctx context.Context) error {
	if l == nil || l.rl == nil {
		return ErrNoClient
	}
	if l.err != nil {
		return l.err
	}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		if l.health.skip() {
			return l.fallback(ctx, nil)
		}
		res, err := l.rl.Allow(ctx, l.key, l.limit)
		if err != nil {
			if !isOutage(ctx, err) {
				return callerErr(ctx, "wait", err)
			}
			l.health.failed("wait", err)
			return l.fallback(ctx, err)
		}
		l.health.ok()
		if res.Allowed > 0 {
			return nil
		}
		if err := retry.SleepContext(ctx, res.RetryAfter); err != nil {
			return err
		}
	}
}

func (l *Limiter) fallback(ctx context.Context, cause error) error {
	if l.mode == FailOpen {
		return l.local.Wait(ctx)
	}
	return unavailable("wait", cause)
}

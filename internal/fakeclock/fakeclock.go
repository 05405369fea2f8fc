// Package fakeclock is simkit's one fake clock, for the fakes
// (simkittest.Clock is this type) and for every test, the provider
// packages' own included (they cannot import simkittest).
package fakeclock

import (
	"sync"
	"time"
)

// Clock is a fake clock for fakes that serve real clients: it runs with the
// wall clock, shifted by however far Advance has moved it. Unlike a frozen
// clock, it keeps a long-running fakes server usable by applications that
// sign requests with their own time.Now, while Advance still lets a test
// jump past an order's expiry or a token's lifetime. It is safe for
// concurrent use; the zero value runs at wall time.
type Clock struct {
	mu     sync.Mutex
	offset time.Duration
	// wall is the underlying time source; nil means time.Now.
	wall func() time.Time
	// timers wait for a time on this clock (After); Advance fires the
	// ones it moves past, the wall clock the rest.
	timers []*timer
}

// timer is one After channel and the clock time it fires at.
type timer struct {
	at   time.Time
	ch   chan time.Time
	wall *time.Timer
}

// New returns a clock at wall time over the time source wall (nil:
// time.Now); tests pass a fixed source to get a deterministic clock.
func New(wall func() time.Time) *Clock {
	return &Clock{wall: wall}
}

// At returns a clock that stands at t until Advance moves it.
func At(t time.Time) *Clock {
	return New(func() time.Time { return t })
}

// Now returns the clock's current time. Pass the method value (c.Now) as a
// fake's or Config's Now.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.wallNow().Add(c.offset)
}

// Advance moves the clock forward by d (a negative d is ignored: fake time
// never runs backwards, as real time does not) and returns the new time.
func (c *Clock) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d > 0 {
		c.offset += d
	}
	now := c.wallNow().Add(c.offset)
	c.fireLocked(now)
	return now
}

// After returns a channel that receives the clock's time once d has
// passed on this clock: by waiting, or at once when Advance moves past
// it. The fakes schedule webhook retries and automatic deliveries with
// it, so a test that advances the clock makes them fire.
func (c *Clock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &timer{at: c.wallNow().Add(c.offset).Add(d), ch: make(chan time.Time, 1)}
	if d <= 0 {
		t.ch <- t.at
		return t.ch
	}
	c.timers = append(c.timers, t)
	t.wall = time.AfterFunc(d, func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.fireLocked(c.wallNow().Add(c.offset))
	})
	return t.ch
}

// fireLocked sends on every timer due at now and forgets it.
func (c *Clock) fireLocked(now time.Time) {
	keep := c.timers[:0]
	for _, t := range c.timers {
		if now.Before(t.at) {
			keep = append(keep, t)
			continue
		}
		t.wall.Stop()
		t.ch <- now
	}
	clear(c.timers[len(keep):])
	c.timers = keep
}

// Offset returns how far Advance has moved the clock ahead of wall time.
func (c *Clock) Offset() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.offset
}

func (c *Clock) wallNow() time.Time {
	if c.wall == nil {
		return time.Now()
	}
	return c.wall()
}

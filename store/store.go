// Package store holds the one small interface through which simkit keeps
// every piece of state that must survive a restart or be shared by replicas:
// webhook dedupe keys, 15-minute caches, per-key gates and OAuth tokens.
//
// The in-memory Memory store is the default. A fleet of replicas plugs in a
// shared implementation (see contrib/redisstore) and gets dedupe, caches and
// token sharing across the fleet without further changes.
package store

import (
	"context"
	"errors"
	"time"
)

// ErrNoTTL is returned for a write without a positive TTL: every key simkit
// writes must expire, so a store never grows without bound.
var ErrNoTTL = errors.New("store: ttl must be positive")

// Store is a key/value store with expiry. Implementations must be safe for
// concurrent use; values are opaque bytes owned by the caller after Get.
type Store interface {
	// Get returns the value for key and whether it exists (and has not expired).
	Get(ctx context.Context, key string) (value []byte, ok bool, err error)
	// Set stores value under key for ttl, replacing any existing value.
	Set(ctx context.Context, key string, value []byte, ttl time.Duration) error
	// SetNX stores value only if key is absent, atomically, and reports
	// whether it did. It is the building block for dedupe, locks and gates.
	SetNX(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error)
	// Delete removes key; deleting a missing key is not an error.
	Delete(ctx context.Context, key string) error
}

// Limiter paces requests. *rate.Limiter from golang.org/x/time/rate
// satisfies it; a fleet can supply a cluster-wide one.
type Limiter interface {
	// Wait blocks until a request may be sent or ctx ends.
	Wait(ctx context.Context) error
}

// CompareAndDeleter is an optional Store capability: delete key only while
// it still holds value, atomically. Locks use it so a holder whose lock
// expired cannot release the lock a newer holder took meanwhile. Stores
// without it fall back to a plain Delete.
type CompareAndDeleter interface {
	CompareAndDelete(ctx context.Context, key string, value []byte) (bool, error)
}

// CompareAndSwapper is an optional Store capability: replace key's value
// with new (and its TTL with ttl) only while it still holds old,
// atomically. Webhook leases renew and take over expired leases with it, so
// a replica can never overwrite a lease another replica holds now. Stores
// without it renew with a read then a write, and wait for an abandoned
// lease's TTL instead of taking it over.
type CompareAndSwapper interface {
	CompareAndSwap(ctx context.Context, key string, old, new []byte, ttl time.Duration) (bool, error)
}

// SetNXGetter is an optional Store capability: SetNX that, when key is
// taken, returns what it holds, in one atomic step. Webhook dedupe claims
// deliveries with it, so a provider's retry of a handled delivery costs one
// round trip to a shared store instead of a SetNX and then a Get. Stores
// without it are used with SetNX, then Get.
type SetNXGetter interface {
	// SetNXGet stores value under key for ttl only if key is absent, and
	// reports whether it did; when it did not, held is key's value.
	SetNXGet(ctx context.Context, key string, value []byte, ttl time.Duration) (held []byte, set bool, err error)
}

package redisstore

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/simkit/simkit/store"
)

// Store is a store.Store kept in Redis, for replicas that must share
// webhook dedupe, caches, per-key gates and OAuth tokens. It is safe for
// concurrent use. Build it with New.
type Store struct {
	rdb      redis.UniversalClient
	opts     Options
	fallback store.Store
	health   *health
	// journal records FailOpen's local writes during an outage, to replay
	// them into Redis when it is back; nil for FailClosed.
	journal *journal
	// unknownLogged makes the "unknown value version" warning a one-off: in a
	// mixed-version rollout every read of a newer value would otherwise log.
	unknownLogged atomic.Bool
	// noSetGet is set once Redis refused SET NX GET (before 7.0):
	// SetNXGet then runs setNXGet instead.
	noSetGet atomic.Bool
}

var (
	_ store.Store             = (*Store)(nil)
	_ store.CompareAndDeleter = (*Store)(nil)
	_ store.CompareAndSwapper = (*Store)(nil)
	_ store.SetNXGetter       = (*Store)(nil)
)

// New returns a Store over rdb, which may be a *redis.Client, a
// *redis.ClusterClient or a Sentinel-backed failover client. The caller owns
// rdb and closes it.
func New(rdb redis.UniversalClient, optFns ...func(*Options)) *Store {
	o := buildOptions(optFns)
	s := &Store{rdb: rdb, opts: o, fallback: o.Fallback, health: newHealth("store", o)}
	if s.fallback == nil {
		s.fallback = store.NewMemory()
	}
	if o.Failure == FailOpen {
		s.journal = newJournal()
	}
	return s
}

// Prefix returns the prefix put before every key, for operators who inspect
// or flush simkit's keys.
func (s *Store) Prefix() string {
	if s == nil {
		return ""
	}
	return s.opts.Prefix
}

// Get implements store.Store. A value of an unknown version reads as absent.
func (s *Store) Get(ctx context.Context, key string) ([]byte, bool, error) {
	var (
		val []byte
		ok  bool
	)
	err := s.do(ctx, "get",
		func() error {
			raw, err := s.rdb.Get(ctx, s.opts.Prefix+key).Bytes()
			if errors.Is(err, redis.Nil) {
				return nil
			}
			if err != nil {
				return err
			}
			val, ok = s.decodeLogged(s.opts.Prefix+key, raw)
			return nil
		},
		func() (err error) {
			val, ok, err = s.fallback.Get(ctx, key)
			return err
		})
	if err != nil {
		return nil, false, err
	}
	return val, ok, nil
}

// decodeLogged decodes a stored value; one of an unknown version reads as
// absent, with a warning the first time.
func (s *Store) decodeLogged(key string, raw []byte) ([]byte, bool) {
	val, ok := decode(raw)
	if !ok && s.unknownLogged.CompareAndSwap(false, true) {
		s.opts.Logger.Warn("redisstore: value of an unknown version read as absent; a newer release may have written it",
			"key", key, "version", versionOf(raw))
	}
	return val, ok
}

// Set implements store.Store; ttl must be positive.
func (s *Store) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	if ttl <= 0 {
		return store.ErrNoTTL
	}
	return s.do(ctx, "set",
		func() error { return s.rdb.Set(ctx, s.opts.Prefix+key, encode(value), redisTTL(ttl)).Err() },
		func() error {
			if err := s.fallback.Set(ctx, key, value, ttl); err != nil {
				return err
			}
			s.record(key, value, ttl, false)
			return nil
		})
}

// SetNX implements store.Store with one SET NX PX command, so exactly one
// of any number of concurrent callers across the fleet wins; ttl must be
// positive.
func (s *Store) SetNX(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error) {
	if ttl <= 0 {
		return false, store.ErrNoTTL
	}
	var won bool
	err := s.do(ctx, "setnx",
		func() (err error) {
			won, err = s.rdb.SetNX(ctx, s.opts.Prefix+key, encode(value), redisTTL(ttl)).Result()
			return err
		},
		func() (err error) {
			won, err = s.fallback.SetNX(ctx, key, value, ttl)
			if won {
				s.record(key, value, ttl, true)
			}
			return err
		})
	if err != nil {
		return false, err
	}
	return won, nil
}

// setNXGet is SET NX that returns what a taken key holds, for Redis
// before 7.0, where SET cannot combine NX with GET. KEYS key; ARGV value,
// ttl ms.
var setNXGet = redis.NewScript(`local v = redis.call("GET", KEYS[1]) if v then return v end redis.call("SET", KEYS[1], ARGV[1], "PX", ARGV[2]) return false`)

// SetNXGet implements store.SetNXGetter with one SET NX GET command (one
// script before Redis 7.0): webhook dedupe learns in one round trip that
// a delivery is new, or what holds it. A value of an unknown version is
// returned as nil, held.
func (s *Store) SetNXGet(ctx context.Context, key string, value []byte, ttl time.Duration) ([]byte, bool, error) {
	if ttl <= 0 {
		return nil, false, store.ErrNoTTL
	}
	var (
		held []byte
		set  bool
	)
	err := s.do(ctx, "setnxget",
		func() error {
			k, v, px := s.opts.Prefix+key, encode(value), redisTTL(ttl)
			var raw []byte
			var err error
			if !s.noSetGet.Load() {
				raw, err = s.rdb.SetArgs(ctx, k, v, redis.SetArgs{Mode: "NX", TTL: px, Get: true}).Bytes()
				if err != nil && strings.Contains(err.Error(), "syntax error") {
					s.noSetGet.Store(true)
				}
			}
			if s.noSetGet.Load() {
				var str string
				str, err = setNXGet.Run(ctx, s.rdb, []string{k}, v, px.Milliseconds()).Text()
				raw = []byte(str)
			}
			if errors.Is(err, redis.Nil) {
				set = true
				return nil
			}
			if err != nil {
				return err
			}
			held, _ = s.decodeLogged(k, raw)
			return nil
		},
		func() (err error) {
			if sg, ok := s.fallback.(store.SetNXGetter); ok {
				held, set, err = sg.SetNXGet(ctx, key, value, ttl)
			} else if set, err = s.fallback.SetNX(ctx, key, value, ttl); err == nil && !set {
				held, _, err = s.fallback.Get(ctx, key)
			}
			if set {
				s.record(key, value, ttl, true)
			}
			return err
		})
	if err != nil {
		return nil, false, err
	}
	return held, set, nil
}

// Delete implements store.Store; deleting a missing key is not an error.
func (s *Store) Delete(ctx context.Context, key string) error {
	return s.do(ctx, "delete",
		func() error { return s.rdb.Del(ctx, s.opts.Prefix+key).Err() },
		func() error {
			if s.journal != nil {
				s.journal.drop(key)
			}
			return s.fallback.Delete(ctx, key)
		})
}

// compareAndDelete deletes KEYS[1] only while it holds ARGV[1]: a GET and a
// DEL in one script, so no other client can take the key in between.
var compareAndDelete = redis.NewScript(`if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end return 0`)

// CompareAndDelete implements store.CompareAndDeleter: simkit's fleet-wide
// locks release with it, so a replica whose lock expired mid-fetch cannot
// delete the lock another replica holds now.
func (s *Store) CompareAndDelete(ctx context.Context, key string, value []byte) (bool, error) {
	var deleted bool
	err := s.do(ctx, "compare-and-delete",
		func() error {
			n, err := compareAndDelete.Run(ctx, s.rdb, []string{s.opts.Prefix + key}, encode(value)).Int()
			deleted = n == 1
			return err
		},
		func() (err error) {
			if cad, ok := s.fallback.(store.CompareAndDeleter); ok {
				deleted, err = cad.CompareAndDelete(ctx, key, value)
			} else {
				deleted, err = false, s.fallback.Delete(ctx, key)
			}
			if deleted && s.journal != nil {
				s.journal.drop(key)
			}
			return err
		})
	if err != nil {
		return false, err
	}
	return deleted, nil
}

// compareAndSwap replaces KEYS[1]'s value ARGV[1] with ARGV[2] for ARGV[3]
// milliseconds, in one script so no other client can write in between.
var compareAndSwap = redis.NewScript(`if redis.call("GET", KEYS[1]) == ARGV[1] then redis.call("SET", KEYS[1], ARGV[2], "PX", ARGV[3]) return 1 end return 0`)

// CompareAndSwap implements store.CompareAndSwapper: webhook leases renew
// and take over expired leases with it, so a replica never overwrites a
// lease another replica holds now.
func (s *Store) CompareAndSwap(ctx context.Context, key string, old, new []byte, ttl time.Duration) (bool, error) {
	if ttl <= 0 {
		return false, store.ErrNoTTL
	}
	var swapped bool
	err := s.do(ctx, "compare-and-swap",
		func() error {
			n, err := compareAndSwap.Run(ctx, s.rdb, []string{s.opts.Prefix + key}, encode(old), encode(new), redisTTL(ttl).Milliseconds()).Int()
			swapped = n == 1
			return err
		},
		func() (err error) {
			cas, ok := s.fallback.(store.CompareAndSwapper)
			if !ok {
				return nil
			}
			swapped, err = cas.CompareAndSwap(ctx, key, old, new, ttl)
			if swapped {
				s.record(key, new, ttl, true)
			}
			return err
		})
	if err != nil {
		return false, err
	}
	return swapped, nil
}

// record journals a FailOpen local write and starts the flusher that
// replays it once Redis answers again.
func (s *Store) record(key string, value []byte, ttl time.Duration, nx bool) {
	if s.journal != nil && s.journal.put(key, value, ttl, nx) {
		go s.flushWhenBack()
	}
}

// do runs remote against Redis and applies the failure mode when Redis
// cannot serve it: local runs instead (FailOpen) or an ErrUnavailable error
// comes back (FailClosed).
func (s *Store) do(ctx context.Context, op string, remote, local func() error) error {
	if s == nil || s.rdb == nil {
		return ErrNoClient
	}
	var cause error
	if !s.health.skip() {
		// The outage's local writes go first, so that no call (here or on
		// another replica) reads Redis without them.
		err := s.replayLocal(ctx)
		if err == nil {
			err = remote()
		}
		if err == nil {
			s.health.ok()
			return nil
		}
		if !isOutage(ctx, err) {
			return callerErr(ctx, op, err)
		}
		s.health.failed(op, err)
		cause = err
	}
	if s.opts.Failure == FailOpen {
		return local()
	}
	return unavailable(op, cause)
}

// redisTTL keeps a sub-millisecond TTL from being sent as PX 0, which Redis
// rejects; the smallest expiry Redis keeps is one millisecond.
func redisTTL(ttl time.Duration) time.Duration {
	if ttl < time.Millisecond {
		return time.Millisecond
	}
	return ttl
}

func versionOf(raw []byte) int {
	if len(raw) == 0 {
		return -1
	}
	return int(raw[0])
}

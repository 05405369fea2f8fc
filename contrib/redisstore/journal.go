package redisstore

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// journal remembers what a FailOpen Store wrote to its local fallback
// while Redis was unreachable, so the writes can be replayed into Redis
// when it is back. Without it a webhook handled during the outage was
// marked done on one replica only, and the provider's retry reaching
// another replica after the outage ran the user's function again.
type journal struct {
	mu      sync.Mutex
	entries map[string]*journalEntry
	running bool // a background flusher is waiting for Redis
	flushMu sync.Mutex
}

type journalEntry struct {
	value   []byte
	expires time.Time
	// nx replays the write only where Redis holds nothing: a lease or a
	// gate taken locally must not override one taken in Redis.
	nx bool
}

func newJournal() *journal { return &journal{entries: map[string]*journalEntry{}} }

// put records a local write of key.
func (j *journal) put(key string, value []byte, ttl time.Duration, nx bool) (start bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.entries[key] = &journalEntry{value: append([]byte(nil), value...), expires: time.Now().Add(ttl), nx: nx}
	if !j.running {
		j.running = true
		return true
	}
	return false
}

// drop forgets key: it was deleted locally, so there is nothing to replay.
func (j *journal) drop(key string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	delete(j.entries, key)
}

func (j *journal) pending() bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	return len(j.entries) > 0
}

// flush replays every live entry into Redis (prefix applied) in one
// pipeline and forgets the ones it wrote. Done marks (plain writes)
// overwrite what Redis holds; leases and gates (nx) only fill a gap.
func (j *journal) flush(ctx context.Context, rdb redis.UniversalClient, prefix string) (int, error) {
	j.flushMu.Lock()
	defer j.flushMu.Unlock()
	j.mu.Lock()
	snap := make(map[string]*journalEntry, len(j.entries))
	for k, e := range j.entries {
		snap[k] = e
	}
	j.mu.Unlock()
	if len(snap) == 0 {
		return 0, nil
	}
	now := time.Now()
	_, err := rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for k, e := range snap {
			left := e.expires.Sub(now)
			if left <= 0 {
				continue
			}
			if e.nx {
				p.SetNX(ctx, prefix+k, encode(e.value), redisTTL(left))
			} else {
				p.Set(ctx, prefix+k, encode(e.value), redisTTL(left))
			}
		}
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return 0, err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	for k, e := range snap {
		if j.entries[k] == e { // not rewritten meanwhile
			delete(j.entries, k)
		}
	}
	return len(snap), nil
}

// replayLocal makes sure the outage's local writes reach Redis before any
// new call does; it runs on every call while the journal is not empty.
func (s *Store) replayLocal(ctx context.Context) error {
	if s.journal == nil || !s.journal.pending() {
		return nil
	}
	n, err := s.journal.flush(ctx, s.rdb, s.opts.Prefix)
	if err == nil && n > 0 {
		s.opts.Logger.Info("redisstore: replayed writes made during the outage into redis", "keys", n)
	}
	return err
}

// flushWhenBack probes Redis every RetryEvery and replays the journal as
// soon as it answers, so a replica that gets no traffic still hands its
// outage's done marks to the fleet. It ends once the journal is empty or
// the client is closed.
func (s *Store) flushWhenBack() {
	j := s.journal
	for {
		time.Sleep(s.opts.RetryEvery)
		ctx, cancel := context.WithTimeout(context.Background(), 5*s.opts.RetryEvery+time.Second)
		err := s.rdb.Ping(ctx).Err()
		if err == nil {
			err = s.replayLocal(ctx)
		}
		cancel()
		if err == nil {
			s.health.ok()
		}
		j.mu.Lock()
		if errors.Is(err, redis.ErrClosed) || err == nil && len(j.entries) == 0 {
			j.running = false
			j.mu.Unlock()
			return
		}
		j.mu.Unlock()
	}
}

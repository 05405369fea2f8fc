package inbox

import (
	"context"
	"iter"
	"strconv"
	"sync"
	"time"
)

// Memory is a Queue kept in this process's memory. Everything it holds,
// accepted deliveries included, is lost when the process stops: the
// provider was already answered 2xx, so it will not send them again. Use it
// for a single process that can afford that, or in tests; use a durable
// Queue (contrib/redisstore) otherwise.
type Memory struct {
	mu      sync.Mutex
	seq     int
	seen    map[string]time.Time // Kind+ID -> when the dedupe mark ends
	ready   []*memEntry
	held    map[string]*memEntry
	delayed []*memEntry
	dead    []*memEntry
}

type memEntry struct {
	m       Message
	owner   string
	touched time.Time
	due     time.Time
}

var _ Queue = (*Memory)(nil)

// NewMemory returns an empty in-memory Queue.
func NewMemory() *Memory {
	return &Memory{seen: map[string]time.Time{}, held: map[string]*memEntry{}}
}

func (q *Memory) ref() string {
	q.seq++
	return strconv.Itoa(q.seq)
}

// Add implements Queue.
func (q *Memory) Add(_ context.Context, m Message, dedupe time.Duration) (bool, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	now := time.Now()
	for k, until := range q.seen {
		if !now.Before(until) {
			delete(q.seen, k)
		}
	}
	key := m.Kind + "\x00" + m.ID
	if _, dup := q.seen[key]; dup {
		return false, nil
	}
	q.seen[key] = now.Add(dedupe)
	m.Ref = q.ref()
	m.Body = append([]byte(nil), m.Body...)
	q.ready = append(q.ready, &memEntry{m: m})
	return true, nil
}

// Claim implements Queue. now decides which retries are due; idle is
// measured on the real clock, as Extend restarts it (and as Redis measures
// it), so a fake retry clock never makes a live claim look idle.
func (q *Memory) Claim(_ context.Context, consumer string, n int, now time.Time, idle time.Duration) ([]Message, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	wall := time.Now()
	kept := q.delayed[:0]
	for _, e := range q.delayed {
		if !now.Before(e.due) {
			q.ready = append(q.ready, e)
		} else {
			kept = append(kept, e)
		}
	}
	q.delayed = kept
	var out []Message
	for _, e := range q.held {
		if len(out) == n {
			break
		}
		if e.owner != consumer && wall.Sub(e.touched) >= idle {
			e.owner, e.touched = consumer, wall
			out = append(out, e.m)
		}
	}
	for len(out) < n && len(q.ready) > 0 {
		e := q.ready[0]
		q.ready = q.ready[1:]
		e.owner, e.touched = consumer, wall
		q.held[e.m.Ref] = e
		out = append(out, e.m)
	}
	return out, nil
}

// Extend implements Queue.
func (q *Memory) Extend(_ context.Context, consumer string, m Message) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if e, ok := q.held[m.Ref]; ok && e.owner == consumer {
		e.touched = time.Now()
	}
	return nil
}

// Ack implements Queue.
func (q *Memory) Ack(_ context.Context, m Message) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	delete(q.held, m.Ref)
	return nil
}

// Retry implements Queue.
func (q *Memory) Retry(_ context.Context, m Message, at time.Time) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if _, ok := q.held[m.Ref]; !ok {
		return nil // acked or buried meanwhile by the consumer that claimed it after us
	}
	delete(q.held, m.Ref)
	m.Ref = q.ref()
	q.delayed = append(q.delayed, &memEntry{m: m, due: at})
	return nil
}

// Bury implements Queue.
func (q *Memory) Bury(_ context.Context, m Message) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if _, ok := q.held[m.Ref]; !ok {
		return nil
	}
	delete(q.held, m.Ref)
	m.Ref = q.ref()
	q.dead = append(q.dead, &memEntry{m: m})
	return nil
}

// DeadLetters implements Queue.
func (q *Memory) DeadLetters(context.Context) iter.Seq2[Message, error] {
	q.mu.Lock()
	list := make([]Message, len(q.dead))
	for i, e := range q.dead {
		list[i] = e.m
	}
	q.mu.Unlock()
	return func(yield func(Message, error) bool) {
		for _, m := range list {
			if !yield(m, nil) {
				return
			}
		}
	}
}

// Replay implements Queue.
func (q *Memory) Replay(_ context.Context, ref string) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	for i, e := range q.dead {
		if e.m.Ref == ref {
			q.dead = append(q.dead[:i], q.dead[i+1:]...)
			e.m.Attempts, e.m.LastError = 0, ""
			e.m.Ref = q.ref()
			q.ready = append(q.ready, e)
			return nil
		}
	}
	return ErrNotFound
}

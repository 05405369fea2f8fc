package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/simkit/simkit/inbox"
)

// StreamQueue is an inbox.Queue on Redis Streams, for a fleet: every
// replica's webhook handler adds to one stream, and the replicas' inbox
// workers share it through one consumer group, so each message goes to one
// worker; a worker that dies leaves its messages pending, and another
// worker claims them (XAUTOCLAIM) once they sat idle for the inbox's
// ClaimIdle. Retries wait in a sorted set until due; dead letters go to a
// second stream.
//
// Every key of one queue shares a hash tag ({name}), so the scripts that
// move a message between them run on one Redis Cluster node; spread load
// over several queues (names) rather than expecting one queue to span the
// cluster. The messages are only as durable as Redis: run it with the
// append-only file (appendonly yes) so an accepted delivery survives a
// Redis restart. There is no fail-open mode: while Redis is unreachable,
// Add fails, the webhook handler answers 500 and the provider retries.
type StreamQueue struct {
	rdb         redis.UniversalClient
	stream      string
	delayed     string
	dead        string
	seen        string
	group       string
	groupExists atomic.Bool
	// lastTakeover is when a claim of this process last looked for idle
	// messages to take over (UnixNano, real clock); see claim.
	lastTakeover atomic.Int64
}

var _ inbox.Queue = (*StreamQueue)(nil)

// StreamGroup is the consumer group every simkit inbox worker joins.
const StreamGroup = "simkit"

// NewStreamQueue returns the queue name over rdb (a *redis.Client, a
// *redis.ClusterClient or a failover client). Only Options.Prefix is used.
func NewStreamQueue(rdb redis.UniversalClient, name string, optFns ...func(*Options)) *StreamQueue {
	o := buildOptions(optFns)
	base := o.Prefix + "inbox:{" + name + "}:"
	return &StreamQueue{
		rdb: rdb, stream: base + "stream", delayed: base + "delayed", dead: base + "dead",
		seen: base + "seen:", group: StreamGroup,
	}
}

// Keys returns the queue's stream, retry and dead-letter keys, for
// operators who inspect them (XINFO, XPENDING, ZRANGE).
func (q *StreamQueue) Keys() (stream, delayed, dead string) { return q.stream, q.delayed, q.dead }

func (q *StreamQueue) wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("redisstore: inbox %s: %w", op, err)
}

// addScript stores a message unless its dedupe mark exists, in one step
// (a new message has no attempts and no error: those fields are left out):
// KEYS seen mark, stream; ARGV ttl ms, then the fields.
var addScript = redis.NewScript(`
if redis.call("SET", KEYS[1], "1", "NX", "PX", ARGV[1]) then
  return redis.call("XADD", KEYS[2], "*", "id", ARGV[2], "kind", ARGV[3], "body", ARGV[4], "received", ARGV[5])
end
return false`)

// Add implements inbox.Queue.
func (q *StreamQueue) Add(ctx context.Context, m inbox.Message, dedupe time.Duration) (bool, error) {
	if q == nil || q.rdb == nil {
		return false, ErrNoClient
	}
	err := addScript.Run(ctx, q.rdb, []string{q.seen + m.Kind + ":" + m.ID, q.stream},
		redisTTL(dedupe).Milliseconds(), m.ID, m.Kind, m.Body, m.Received.UnixMilli()).Err()
	if errors.Is(err, redis.Nil) {
		return false, nil
	}
	if err != nil {
		return false, q.wrap("add", err)
	}
	return true, nil
}

func (q *StreamQueue) ensureGroup(ctx context.Context) error {
	if q.groupExists.Load() {
		return nil
	}
	err := q.rdb.XGroupCreateMkStream(ctx, q.stream, q.group, "0").Err()
	if err != nil && !strings.HasPrefix(err.Error(), "BUSYGROUP") {
		return err
	}
	q.groupExists.Store(true)
	return nil
}

// promoteScript moves one due retry to the stream, once: only the caller
// whose ZREM removed it adds it. KEYS delayed, stream; ARGV member, fields.
var promoteScript = redis.NewScript(`
if redis.call("ZREM", KEYS[1], ARGV[1]) == 1 then
  redis.call("XADD", KEYS[2], "*", "id", ARGV[2], "kind", ARGV[3], "body", ARGV[4], "received", ARGV[5], "attempts", ARGV[6], "error", ARGV[7])
  return 1
end
return 0`)

// retryMember is a message waiting in the sorted set.
type retryMember struct {
	ID       string `json:"id"`
	Kind     string `json:"kind"`
	Body     []byte `json:"body"`
	Received int64  `json:"received"`
	Attempts int    `json:"attempts"`
	Error    string `json:"error"`
	Nonce    string `json:"nonce"`
}

// Claim implements inbox.Queue.
func (q *StreamQueue) Claim(ctx context.Context, consumer string, n int, now time.Time, idle time.Duration) ([]inbox.Message, error) {
	if q == nil || q.rdb == nil {
		return nil, ErrNoClient
	}
	if err := q.ensureGroup(ctx); err != nil {
		return nil, q.wrap("claim", err)
	}
	msgs, err := q.claim(ctx, consumer, n, now, idle)
	if err != nil && strings.Contains(err.Error(), "NOGROUP") {
		// The stream was lost (a Redis without persistence restarted):
		// recreate the group and try once more.
		q.groupExists.Store(false)
		if err := q.ensureGroup(ctx); err != nil {
			return nil, q.wrap("claim", err)
		}
		msgs, err = q.claim(ctx, consumer, n, now, idle)
	}
	return msgs, q.wrap("claim", err)
}

// claimScript hands a consumer up to n messages in one round trip: idle
// ones another consumer stopped renewing (XAUTOCLAIM), then new ones
// (XREADGROUP). Due retries come first: while any is due it returns them
// instead ({0, members}), the caller moves them to the stream and runs the
// script again with the check off. KEYS delayed, stream; ARGV now ms, n,
// group, consumer, idle ms, check due ("1" or "0"). Returns {1, entries}.
//
// It also deletes what was acked (Ack only acks, so an ack is one plain
// command): every entry older than the oldest pending one, or up to the
// last one delivered when none is pending, was read and acked. XTRIM
// MINID ~ frees whole nodes of the stream at once, which per-entry XDEL
// never does.
var claimScript = redis.NewScript(`
local n = tonumber(ARGV[2])
if ARGV[6] == "1" then
  local due = redis.call("ZRANGEBYSCORE", KEYS[1], "-inf", ARGV[1], "LIMIT", 0, n)
  if #due > 0 then return {0, due} end
end
local p = redis.call("XPENDING", KEYS[2], ARGV[3])
local floor = p[2]
if p[1] == 0 then
  local groups = redis.call("XINFO", "GROUPS", KEYS[2])
  for _, g in ipairs(groups) do
    local name, last
    for i = 1, #g, 2 do
      if g[i] == "name" then name = g[i + 1] elseif g[i] == "last-delivered-id" then last = g[i + 1] end
    end
    if name == ARGV[3] and last then
      local ms, seq = string.match(last, "^(%d+)-(%d+)$")
      if ms then floor = ms .. "-" .. string.format("%.0f", tonumber(seq) + 1) end
    end
  end
end
if floor then redis.call("XTRIM", KEYS[2], "MINID", "~", floor) end
local out = {}
local stale = redis.call("XAUTOCLAIM", KEYS[2], ARGV[3], ARGV[4], ARGV[5], "0-0", "COUNT", n)
for _, e in ipairs(stale[2]) do
  if e and e[2] then out[#out + 1] = e end
end
if #out < n then
  local r = redis.call("XREADGROUP", "GROUP", ARGV[3], ARGV[4], "COUNT", n - #out, "STREAMS", KEYS[2], ">")
  if r then
    for _, e in ipairs(r[1][2]) do out[#out + 1] = e end
  end
end
return {1, out}`)

// claim is one round trip. Looking for idle messages runs in a script
// (XAUTOCLAIM, then XREADGROUP for the rest), whose reply Redis converts
// to Lua and back: about four times what the read alone costs it. A
// holder's claim only turns idle after idle, so looking more often than
// every quarter of it finds nothing new: the claims in between read new
// messages and due retries in one pipeline, no script, and a dead
// worker's message is taken over between idle and 1.25 times idle after
// its last renewal.
func (q *StreamQueue) claim(ctx context.Context, consumer string, n int, now time.Time, idle time.Duration) ([]inbox.Message, error) {
	if q.takeoverDue(idle) {
		return q.claimWithTakeover(ctx, consumer, n, now, idle)
	}
	var due *redis.StringSliceCmd
	var fresh *redis.XStreamSliceCmd
	_, _ = q.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		due = p.ZRangeArgs(ctx, redis.ZRangeArgs{Key: q.delayed, ByScore: true, Start: "-inf",
			Stop: strconv.FormatInt(now.UnixMilli(), 10), Count: int64(n)})
		fresh = p.XReadGroup(ctx, &redis.XReadGroupArgs{Group: q.group, Consumer: consumer,
			Streams: []string{q.stream, ">"}, Count: int64(n), Block: -1})
		return nil
	})
	members, err := due.Result()
	if err != nil {
		return nil, err
	}
	out, err := streamMessages(fresh, nil)
	if err != nil {
		return nil, err
	}
	if len(members) == 0 {
		return out, nil
	}
	// Due retries: move them to the stream and read them now if there is
	// room (they queue behind the stream's unread messages either way).
	if err := q.promote(ctx, members); err != nil {
		return nil, err
	}
	if len(out) >= n {
		return out, nil
	}
	return streamMessages(q.rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: q.group, Consumer: consumer,
		Streams: []string{q.stream, ">"}, Count: int64(n - len(out)), Block: -1}), out)
}

// takeoverDue reports whether this claim should look for idle messages:
// once per quarter of idle per process, whichever worker comes first.
func (q *StreamQueue) takeoverDue(idle time.Duration) bool {
	now := time.Now().UnixNano()
	last := q.lastTakeover.Load()
	if now-last < int64(idle/4) {
		return false
	}
	return q.lastTakeover.CompareAndSwap(last, now)
}

// streamMessages appends the messages of an XREADGROUP answer to out; no
// message (redis.Nil) is not an error.
func streamMessages(cmd *redis.XStreamSliceCmd, out []inbox.Message) ([]inbox.Message, error) {
	streams, err := cmd.Result()
	if errors.Is(err, redis.Nil) {
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	for _, s := range streams {
		for _, x := range s.Messages {
			if m, ok := decodeEntry(x); ok {
				out = append(out, m)
			}
		}
	}
	return out, nil
}

// promote moves due retries to the stream, each once, whichever consumer
// gets there first.
func (q *StreamQueue) promote(ctx context.Context, members []string) error {
	for _, member := range members {
		var r retryMember
		if json.Unmarshal([]byte(member), &r) != nil {
			_ = q.rdb.ZRem(ctx, q.delayed, member).Err() // not ours to read; drop it
			continue
		}
		if err := promoteScript.Run(ctx, q.rdb, []string{q.delayed, q.stream}, member,
			r.ID, r.Kind, r.Body, r.Received, r.Attempts, r.Error).Err(); err != nil {
			return err
		}
	}
	return nil
}

// claimWithTakeover is claim with idle messages taken over, in one
// script.
func (q *StreamQueue) claimWithTakeover(ctx context.Context, consumer string, n int, now time.Time, idle time.Duration) ([]inbox.Message, error) {
	checkDue := "1"
	for {
		res, err := claimScript.Run(ctx, q.rdb, []string{q.delayed, q.stream},
			now.UnixMilli(), n, q.group, consumer, idle.Milliseconds(), checkDue).Slice()
		if err != nil {
			return nil, err
		}
		if len(res) != 2 {
			return nil, fmt.Errorf("claim script answered %d values", len(res))
		}
		items, _ := res[1].([]any)
		if kind, _ := res[0].(int64); kind == 1 {
			out := make([]inbox.Message, 0, len(items))
			for _, it := range items {
				if m, ok := decodeEntry(scriptEntry(it)); ok {
					out = append(out, m)
				}
			}
			return out, nil
		}
		// Due retries: move them to the stream, then claim with them in it.
		members := make([]string, 0, len(items))
		for _, it := range items {
			member, _ := it.(string)
			members = append(members, member)
		}
		if err := q.promote(ctx, members); err != nil {
			return nil, err
		}
		checkDue = "0"
	}
}

// scriptEntry reads a stream entry as a script returns it: {id, {field,
// value, ...}}.
func scriptEntry(v any) redis.XMessage {
	e, _ := v.([]any)
	if len(e) != 2 {
		return redis.XMessage{}
	}
	id, _ := e[0].(string)
	fields, _ := e[1].([]any)
	values := make(map[string]any, len(fields)/2)
	for i := 0; i+1 < len(fields); i += 2 {
		if k, ok := fields[i].(string); ok {
			values[k] = fields[i+1]
		}
	}
	return redis.XMessage{ID: id, Values: values}
}

func decodeEntry(x redis.XMessage) (inbox.Message, bool) {
	str := func(k string) string { s, _ := x.Values[k].(string); return s }
	if str("id") == "" {
		return inbox.Message{}, false // deleted while pending
	}
	received, _ := strconv.ParseInt(str("received"), 10, 64)
	attempts, _ := strconv.Atoi(str("attempts"))
	return inbox.Message{
		ID: str("id"), Kind: str("kind"), Body: []byte(str("body")), Received: time.UnixMilli(received),
		Attempts: attempts, LastError: str("error"), Ref: x.ID,
	}, true
}

// extendScript resets the idle time of an entry consumer still owns; a
// plain XCLAIM would take it back from a worker that claimed it meanwhile.
// KEYS stream; ARGV group, consumer, ref.
var extendScript = redis.NewScript(`
local p = redis.call("XPENDING", KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1, ARGV[2])
if #p == 1 then
  redis.call("XCLAIM", KEYS[1], ARGV[1], ARGV[2], 0, ARGV[3], "JUSTID")
  return 1
end
return 0`)

// Extend implements inbox.Queue.
func (q *StreamQueue) Extend(ctx context.Context, consumer string, m inbox.Message) error {
	return q.wrap("extend", extendScript.Run(ctx, q.rdb, []string{q.stream}, q.group, consumer, m.Ref).Err())
}

// Ack implements inbox.Queue with one XACK. The entry is deleted later,
// with every other acked one, by the claim that next looks for idle
// messages (see claimScript): an acked entry is no longer pending, so no
// consumer reads or claims it again meanwhile.
func (q *StreamQueue) Ack(ctx context.Context, m inbox.Message) error {
	return q.wrap("ack", q.rdb.XAck(ctx, q.stream, q.group, m.Ref).Err())
}

// retryScript moves an entry from the stream to the retry set, unless it
// was acked meanwhile. KEYS stream, delayed; ARGV group, ref, due, member.
var retryScript = redis.NewScript(`
if redis.call("XACK", KEYS[1], ARGV[1], ARGV[2]) == 1 then
  redis.call("XDEL", KEYS[1], ARGV[2])
  redis.call("ZADD", KEYS[2], ARGV[3], ARGV[4])
  return 1
end
return 0`)

// Retry implements inbox.Queue.
func (q *StreamQueue) Retry(ctx context.Context, m inbox.Message, at time.Time) error {
	member, err := json.Marshal(retryMember{ID: m.ID, Kind: m.Kind, Body: m.Body, Received: m.Received.UnixMilli(),
		Attempts: m.Attempts, Error: m.LastError, Nonce: m.Ref})
	if err != nil {
		return q.wrap("retry", err)
	}
	return q.wrap("retry", retryScript.Run(ctx, q.rdb, []string{q.stream, q.delayed}, q.group, m.Ref, at.UnixMilli(), member).Err())
}

// buryScript moves an entry to the dead letters, unless it was acked
// meanwhile. KEYS stream, dead; ARGV group, ref, fields.
var buryScript = redis.NewScript(`
if redis.call("XACK", KEYS[1], ARGV[1], ARGV[2]) == 1 then
  redis.call("XDEL", KEYS[1], ARGV[2])
  redis.call("XADD", KEYS[2], "*", "id", ARGV[3], "kind", ARGV[4], "body", ARGV[5], "received", ARGV[6], "attempts", ARGV[7], "error", ARGV[8])
  return 1
end
return 0`)

// Bury implements inbox.Queue.
func (q *StreamQueue) Bury(ctx context.Context, m inbox.Message) error {
	return q.wrap("bury", buryScript.Run(ctx, q.rdb, []string{q.stream, q.dead}, q.group, m.Ref,
		m.ID, m.Kind, m.Body, m.Received.UnixMilli(), m.Attempts, m.LastError).Err())
}

// DeadLetters implements inbox.Queue, reading the dead-letter stream 100
// entries at a time.
func (q *StreamQueue) DeadLetters(ctx context.Context) iter.Seq2[inbox.Message, error] {
	return func(yield func(inbox.Message, error) bool) {
		start := "-"
		for {
			page, err := q.rdb.XRangeN(ctx, q.dead, start, "+", 100).Result()
			if err != nil {
				yield(inbox.Message{}, q.wrap("dead letters", err))
				return
			}
			for _, x := range page {
				m, ok := decodeEntry(x)
				if ok && !yield(m, nil) {
					return
				}
			}
			if len(page) < 100 {
				return
			}
			start = "(" + page[len(page)-1].ID
		}
	}
}

// replayScript moves a dead letter back to the stream with its attempts
// reset. KEYS dead, stream; ARGV ref.
var replayScript = redis.NewScript(`
local e = redis.call("XRANGE", KEYS[1], ARGV[1], ARGV[1])
if #e == 0 then return 0 end
local f = e[1][2]
local out = {}
for i = 1, #f, 2 do
  local k, v = f[i], f[i + 1]
  if k == "attempts" then v = "0" elseif k == "error" then v = "" end
  out[#out + 1] = k
  out[#out + 1] = v
end
redis.call("XADD", KEYS[2], "*", unpack(out))
redis.call("XDEL", KEYS[1], ARGV[1])
return 1`)

// Replay implements inbox.Queue.
func (q *StreamQueue) Replay(ctx context.Context, ref string) error {
	n, err := replayScript.Run(ctx, q.rdb, []string{q.dead, q.stream}, ref).Int()
	if err != nil {
		if strings.Contains(err.Error(), "Invalid stream ID") {
			return inbox.ErrNotFound
		}
		return q.wrap("replay", err)
	}
	if n == 0 {
		return inbox.ErrNotFound
	}
	return nil
}

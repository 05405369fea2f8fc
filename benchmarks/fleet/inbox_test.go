package fleet

import (
	"context"
	"fmt"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/simkit/simkit/benchmarks/internal/pair"
	"github.com/simkit/simkit/contrib/redisstore"
	"github.com/simkit/simkit/inbox"
)

// inboxBody is the event both sides carry: a Partner delivery's size.
var inboxBody = []byte(`{"event":"order.status_changed","timestamp":"2026-01-15T12:58:23Z","idempotency_key":"550e8400-e29b-41d4-a716-446655440000","data":{"order":{"id":"ord_123","status":"completed"}}}`)

// BenchmarkRedisInbox measures the inbox on Redis Streams (StreamQueue:
// Add, then a worker's Work: claim, call, ack) against a hand-written
// go-redis loop that moves the same events: XADD each, XREADGROUP in
// batches of the same size, call, XACK each. A block enqueues n events,
// then drains them. The inbox does more per event than the loop: it
// dedupes each delivery (a SET NX in the add script), deletes acked
// entries (XDEL in the ack script) and renews a claim while the function
// runs; the ratio is what that costs. Both sides are judged by this
// process's CPU time plus the redis-server's.
func BenchmarkRedisInbox(b *testing.B) {
	srv := startRedis(b)
	rdb := srv.client(b)
	ctx := context.Background()
	var seq atomic.Int64
	id := func() string { return "evt-" + strconv.FormatInt(seq.Add(1), 10) }

	in, err := inbox.New(redisstore.NewStreamQueue(rdb, "bench"), func(o *inbox.Options) {
		o.Workers = inboxBatch
		o.Consumer = "bench"
	})
	if err != nil {
		b.Fatal(err)
	}
	var handled atomic.Int64
	if err := in.Handle("partner", func(context.Context, inbox.Message) error { handled.Add(1); return nil }); err != nil {
		b.Fatal(err)
	}
	sdk := pair.Side{Name: "inbox", CPU: srv.cpu(), Block: func(n int) error {
		for range n {
			if _, err := in.Add(ctx, "partner", id(), inboxBody); err != nil {
				return err
			}
		}
		handled.Store(0)
		for handled.Load() < int64(n) {
			got, err := in.Work(ctx)
			if err != nil {
				return err
			}
			if got == 0 {
				return fmt.Errorf("inbox: %d of %d handled, then nothing to claim", handled.Load(), n)
			}
		}
		return nil
	}}

	const stream, group = "hand:stream", "hand"
	if err := rdb.XGroupCreateMkStream(ctx, stream, group, "0").Err(); err != nil {
		b.Fatal(err)
	}
	var calls int
	fn := func(context.Context, []byte) error { calls++; return nil }
	raw := pair.Side{Name: "loop", CPU: srv.cpu(), Block: func(n int) error {
		for range n {
			err := rdb.XAdd(ctx, &redis.XAddArgs{Stream: stream, Values: []any{
				"id", id(), "kind", "partner", "body", inboxBody, "received", time.Now().UnixMilli(),
			}}).Err()
			if err != nil {
				return err
			}
		}
		calls = 0
		for calls < n {
			res, err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: group, Consumer: "bench",
				Streams: []string{stream, ">"}, Count: inboxBatch, Block: -1}).Result()
			if err != nil {
				return fmt.Errorf("loop: %d of %d handled: %w", calls, n, err)
			}
			for _, x := range res[0].Messages {
				body, _ := x.Values["body"].(string)
				if err := fn(ctx, []byte(body)); err != nil {
					return err
				}
				if err := rdb.XAck(ctx, stream, group, x.ID).Err(); err != nil {
					return err
				}
			}
		}
		return nil
	}}
	// The loop goes first: loop/inbox of CPU per event is the inbox's
	// events/s as a share of the loop's.
	pair.Run(b, pair.Config{Procs: 1, MinOps: inboxBatch, Block: 10 * time.Millisecond}, raw, sdk)
}

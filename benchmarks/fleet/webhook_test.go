package fleet

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/simkit/simkit/benchmarks/internal/pair"
	"github.com/simkit/simkit/contrib/redisstore"
	"github.com/simkit/simkit/partner"
	"github.com/simkit/simkit/signing"
	"github.com/simkit/simkit/store"
)

// BenchmarkRedisWebhook measures the Partner webhook handler with its
// dedupe in Redis against the same handler on the memory Store: what a
// fleet pays per event for sharing dedupe. Every delivery is new, so each
// reaches the function (the fast path: lease, function, done mark). Both
// sides are judged by this process's CPU time plus the redis-server's.
func BenchmarkRedisWebhook(b *testing.B) {
	srv := startRedis(b)
	rdb := srv.client(b)
	prefix, suffix := webhookBody(b)
	signer := signing.NewSigner([]byte(webhookSecret))
	now := func() time.Time { return time.Unix(webhookNow, 0) }
	next := 0 // one key sequence for every side and mode: every delivery is new
	for _, mode := range []struct {
		name    string
		senders int
	}{{"serial", 1}, {"parallel64", 64}} {
		b.Run(mode.name, func(b *testing.B) {
			side := func(name string, st store.Store) pair.Side {
				var calls atomic.Int64
				h, err := partner.NewWebhookHandler(signing.NewSecret(webhookSecret),
					func(context.Context, *partner.WebhookEvent) error { calls.Add(1); return nil },
					func(o *partner.WebhookOptions) { o.Store = st; o.Now = now })
				if err != nil {
					b.Fatal(err)
				}
				var ds []delivery
				s := pair.Parallel(name, mode.senders, func() func(int) error {
					snd := newSender(prefix, suffix)
					return func(i int) error {
						if st := snd.send(h, ds[i]); st != http.StatusOK {
							return fmt.Errorf("status %d", st)
						}
						return nil
					}
				})
				run := s.Block
				s.Prep = func(n int) { ds = presign(signer, &next, n); calls.Store(0) }
				s.Block = func(n int) error {
					if err := run(n); err != nil {
						return err
					}
					if got := calls.Load(); got != int64(n) {
						return fmt.Errorf("function called %d times for %d deliveries", got, n)
					}
					return nil
				}
				s.CPU = srv.cpu()
				return s
			}
			// The baseline goes first: the ratio memory/redis of CPU per
			// event is the Redis Store's events/s as a share of memory's.
			pair.Run(b, pair.Config{Procs: 1, MinOps: 4 * mode.senders, Block: 10 * time.Millisecond},
				side("memory", store.NewMemory()), side("redis", redisstore.New(rdb)))
		})
	}
}

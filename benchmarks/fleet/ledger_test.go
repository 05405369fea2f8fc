package fleet

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/simkit/simkit/benchmarks/internal/pair"
	"github.com/simkit/simkit/contrib/redisstore"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/partner"
	"github.com/simkit/simkit/signing"
	"github.com/simkit/simkit/store"
)

// ledgerKey reports whether key is one of the money ledger's.
func ledgerKey(key string) bool { return strings.Contains(key, "ledger:{") }

// noLedger is a Store that drops the ledger's writes and keeps every other
// call: the same money call on the same Redis, without its ledger.
type noLedger struct {
	*redisstore.Store
}

func (s noLedger) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	if ledgerKey(key) {
		return nil
	}
	return s.Store.Set(ctx, key, value, ttl)
}

func (s noLedger) Apply(ctx context.Context, w store.IndexWrite) error {
	if ledgerKey(w.Key) {
		return nil
	}
	return s.Store.Apply(ctx, w)
}

// orderRT answers every partner order in memory with the SDK's fixture,
// its external_id replaced by the request's, after delay: the provider
// costs nothing, so a pair measures the client and its Store.
type orderRT struct {
	body  []byte
	delay time.Duration
}

func (rt orderRT) RoundTrip(r *http.Request) (*http.Response, error) {
	var req struct {
		ExternalID string `json:"external_id"`
	}
	if r.Body != nil {
		b, _ := io.ReadAll(r.Body)
		_ = r.Body.Close()
		_ = json.Unmarshal(b, &req)
	}
	if rt.delay > 0 {
		time.Sleep(rt.delay)
	}
	body := bytes.Replace(rt.body, []byte(`"ORD-12345"`), []byte(`"`+req.ExternalID+`"`), 1)
	return &http.Response{
		StatusCode: http.StatusCreated, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), Request: r,
	}, nil
}

// BenchmarkRedisLedger measures a partner CreateOrder with its ledger in
// Redis against the same call on the same Redis Store with the ledger's
// writes dropped: what the ledger costs a money call. "cpu": the provider
// answers in memory at once, judged by this process's CPU time plus the
// redis-server's (the ledger's whole cost against the client's alone);
// "wall-1ms" and "wall-20ms": the provider answers after 1 or 20 ms,
// judged by wall time, what a caller waits (a real provider is never
// nearer than the first). "floor-1ms" is wall-1ms with the baseline
// making two bare round trips (PING) around its call, one where each
// ledger write goes: what any ledger written before and after the order
// costs at the least. On a machine whose cores idle while the provider
// waits, a round trip after a millisecond of quiet costs two to four
// times one made back to back (waking both processes), so at 1 ms two
// trips alone exceed a tenth of the call.
func BenchmarkRedisLedger(b *testing.B) {
	srv := startRedis(b)
	rdb := srv.client(b)
	body, err := os.ReadFile(filepath.Join("..", "..", "testdata", "partner", "order_created.json"))
	if err != nil {
		b.Fatal(err)
	}
	var seq atomic.Int64
	run := time.Now().UnixNano()
	for _, mode := range []struct {
		name  string
		delay time.Duration
		wall  bool
		floor bool
	}{{"cpu", 0, false, false}, {"wall-1ms", time.Millisecond, true, false}, {"floor-1ms", time.Millisecond, true, true}, {"wall-20ms", 20 * time.Millisecond, true, false}} {
		b.Run(mode.name, func(b *testing.B) {
			side := func(name string, st store.Store) pair.Side {
				c, err := partner.New(func(o *partner.Options) {
					o.BaseURL = "https://partner.invalid/v1/partner"
					o.Token = signing.NewSecret("bench-token")
					o.Secret = signing.NewSecret(webhookSecret)
					o.Transport = orderRT{body: body, delay: mode.delay}
					o.Store = st
					o.Limiter = option.NoLimit
				})
				if err != nil {
					b.Fatal(err)
				}
				trips := mode.floor && name != "ledger"
				s := pair.Serial(name, func(ctx context.Context) error {
					if trips {
						if err := rdb.Ping(ctx).Err(); err != nil {
							return err
						}
					}
					_, err := c.CreateOrder(ctx, partner.CreateOrderParams{
						ExternalID: fmt.Sprintf("bench-%x-%d", run, seq.Add(1)),
						Item:       partner.OrderItemParams{SKUID: "019bc0dd-8562-7173-afd9-a5cc534fafb7", Quantity: 1},
					})
					if err == nil && trips {
						err = rdb.Ping(ctx).Err()
					}
					return err
				})
				s.CPU = srv.cpu()
				return s
			}
			st := redisstore.New(rdb)
			pair.Run(b, pair.Config{Procs: 1, Wall: mode.wall, Block: 10 * time.Millisecond},
				side(map[bool]string{false: "no-ledger", true: "two-trips"}[mode.floor], noLedger{st}), side("ledger", st))
		})
	}
}

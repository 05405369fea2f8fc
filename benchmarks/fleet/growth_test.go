package fleet

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/shopspring/decimal"

	"github.com/simkit/simkit/contrib/redisstore"
	"github.com/simkit/simkit/esimstory"
	"github.com/simkit/simkit/ledger"
	"github.com/simkit/simkit/store"
)

// growthSizes are the entry counts every record kind is measured at.
var growthSizes = []struct {
	name string
	n    int
}{{"1k", 1_000}, {"10k", 10_000}, {"100k", 100_000}}

// growthKind is one kind of record simkit keeps in the Store.
type growthKind struct {
	name string
	// fill writes entry i through the public API.
	fill func(ctx context.Context, st store.Store, i int) error
	// pass, when set, walks every entry and calls page after each page
	// (the peak heap is read there); it returns how many it saw.
	pass func(ctx context.Context, st store.Store, page func()) (int, error)
}

// BenchmarkGrowth fills each kind of record to 1k, 10k and 100k entries
// in a real redis-server and reports bytes per entry (MEMORY USAGE of
// every key the records use), keys per entry, and for records that are
// walked (the ledger, by a reconcile pass) the CPU time per entry (this
// process and the redis-server) and the peak live heap of one walk.
func BenchmarkGrowth(b *testing.B) {
	for _, k := range growthKinds() {
		b.Run(k.name, func(b *testing.B) {
			srv := startRedis(b)
			rdb := srv.client(b)
			st := redisstore.New(rdb)
			ctx := context.Background()
			filled := 0
			for _, size := range growthSizes {
				b.Run("entries="+size.name, func(b *testing.B) {
					if err := fillParallel(ctx, filled, size.n, func(i int) error { return k.fill(ctx, st, i) }); err != nil {
						b.Fatal(err)
					}
					filled = size.n
					bytes, keys, err := memoryUsage(ctx, rdb)
					if err != nil {
						b.Fatal(err)
					}
					b.ReportMetric(float64(bytes)/float64(size.n), "bytes/entry")
					b.ReportMetric(float64(keys)/float64(size.n), "keys/entry")
					if k.pass != nil {
						passMetrics(b, ctx, st, k, size.n, srv.cpu())
					}
					b.ReportMetric(0, "ns/op")
				})
			}
		})
	}
}

// passMetrics walks the records four times: three timed by the CPU time
// of this process and the redis-server (the median is reported: wall time
// on a shared machine moved one pass threefold), then once reading the
// live heap after a collection at every page.
func passMetrics(b *testing.B, ctx context.Context, st store.Store, k growthKind, n int, cpu func() time.Duration) {
	b.Helper()
	var took []time.Duration
	for range 3 {
		runtime.GC()
		start := cpu()
		seen, err := k.pass(ctx, st, func() {})
		took = append(took, cpu()-start)
		if err != nil {
			b.Fatal(err)
		}
		if seen != n {
			b.Fatalf("the pass saw %d entries of %d", seen, n)
		}
	}
	slices.Sort(took)
	var peak uint64
	var ms runtime.MemStats
	if _, err := k.pass(ctx, st, func() {
		runtime.GC()
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapAlloc)
	}); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(took[1].Nanoseconds())/float64(n), "pass-ns/entry")
	b.ReportMetric(float64(peak)/(1<<20), "pass-peak-heap-MiB")
}

// fillParallel runs fill(i) for i in [from, to) on 32 goroutines.
func fillParallel(ctx context.Context, from, to int, fill func(i int) error) error {
	var next atomic.Int64
	next.Store(int64(from))
	var wg sync.WaitGroup
	var first error
	var once sync.Once
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= to || ctx.Err() != nil {
					return
				}
				if err := fill(i); err != nil {
					once.Do(func() { first = fmt.Errorf("entry %d: %w", i, err) })
					return
				}
			}
		}()
	}
	wg.Wait()
	return first
}

// memoryUsage sums MEMORY USAGE over every key of the server, which holds
// one kind of record only.
func memoryUsage(ctx context.Context, rdb *redis.Client) (bytes, keys int64, err error) {
	var cursor uint64
	for {
		var batch []string
		batch, cursor, err = rdb.Scan(ctx, cursor, "", 1000).Result()
		if err != nil {
			return 0, 0, err
		}
		if len(batch) > 0 {
			cmds, err := rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
				for _, k := range batch {
					p.MemoryUsage(ctx, k, 0)
				}
				return nil
			})
			if err != nil && err != redis.Nil {
				return 0, 0, err
			}
			for _, c := range cmds {
				if n, err := c.(*redis.IntCmd).Result(); err == nil {
					bytes += n
					keys++
				}
			}
		}
		if cursor == 0 {
			return bytes, keys, nil
		}
	}
}

func growthKinds() []growthKind {
	// The ledger of one partner account: each entry one order, begun and
	// finished as CreateOrder writes it, on one of 50 SKUs.
	ledgerOf := func(st store.Store) *ledger.Ledger { return ledger.New(st, "partner", "bench-token") }
	return []growthKind{
		{
			name: "ledger",
			fill: func(ctx context.Context, st store.Store, i int) error {
				l := ledgerOf(st)
				e, err := l.Begin(ctx, ledger.Intent{Call: "POST /orders", Reference: fmt.Sprintf("order-%08d", i),
					Subject: fmt.Sprintf("order/sku-%02dx1", i%50)})
				if err != nil {
					return err
				}
				return l.Finish(ctx, e, ledger.Outcome{State: ledger.StateDone,
					ProviderIDs: []string{fmt.Sprintf("7898e683-4e56-44a3-9782-%012d", i)},
					Amount:      decimal.NewNullDecimal(decimal.New(2550, -2)), Currency: "USD"})
			},
			// The reconcile pass's walk: every entry, oldest first, page by
			// page (Ledger.Entries).
			pass: func(ctx context.Context, st store.Store, page func()) (int, error) {
				n := 0
				for _, err := range ledgerOf(st).Entries(ctx, time.Time{}, time.Time{}) {
					if err != nil {
						return n, err
					}
					n++
					if n%200 == 0 {
						page()
					}
				}
				return n, nil
			},
		},
		{
			// One eSIM Story order of one unit, tracked when created and
			// its delivery recorded by the webhook.
			name: "tracker",
			fill: func() func(context.Context, store.Store, int) error {
				var (
					mu sync.Mutex
					tr *esimstory.Tracker
				)
				return func(ctx context.Context, st store.Store, i int) error {
					mu.Lock()
					if tr == nil {
						tr = esimstory.NewTracker(st)
					}
					mu.Unlock()
					ext := "order-" + strconv.Itoa(i)
					topup := fmt.Sprintf("%08d-aaaa-4bbb-8ccc-%012d", i, i)
					if err := tr.Track(ctx, &esimstory.Order{ExternalOrderID: ext,
						Units: []esimstory.OrderedUnit{{TopupID: topup, OptionID: "opt-1"}}}); err != nil {
						return err
					}
					return tr.Record(ctx, &esimstory.Delivery{TopupID: topup, OptionID: "opt-1", ExternalOrderID: ext,
						ICCID: "8944422711108" + fmt.Sprintf("%06d", i%1_000_000), SMDP: "smdp.example.com",
						ActivationCode: "K2-" + strconv.Itoa(i), LPA: "LPA:1$smdp.example.com$K2-" + strconv.Itoa(i),
						ExpiredDate: "2027-01-15"})
				}
			}(),
		},
	}
}

package fleet

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/shopspring/decimal"

	"github.com/simkit/simkit"
	"github.com/simkit/simkit/contrib/redisstore"
	"github.com/simkit/simkit/inbox"
	"github.com/simkit/simkit/ledger"
	"github.com/simkit/simkit/partner"
	"github.com/simkit/simkit/signing"
	"github.com/simkit/simkit/simkittest"
	"github.com/simkit/simkit/smsnumbers"
	"github.com/simkit/simkit/topups"
)

// trip is one round trip an operation makes to Redis and what it buys.
type trip struct {
	cmd  string // as the trip hook names it: SET NX, GET, script, ...
	buys string
}

// fleetRig is one redis-server with a go-redis client that counts what
// reaches the wire, and a Store and limiter over it that count simkit's
// calls.
type fleetRig struct {
	srv     *redisServer
	rdb     *redis.Client
	hook    *tripHook
	store   *countingStore
	limiter *countingLimiter // the SMS client's
	topups  *countingLimiter
}

func newFleetRig(b *testing.B) *fleetRig {
	b.Helper()
	r := &fleetRig{srv: startRedis(b), hook: &tripHook{}}
	r.rdb = r.srv.client(b)
	r.rdb.AddHook(r.hook)
	r.store = &countingStore{inner: redisstore.New(r.rdb)}
	r.limiter = &countingLimiter{inner: redisstore.NewLimiter(r.rdb, "sms", 1e6, 1000)}
	r.topups = &countingLimiter{inner: redisstore.NewLimiter(r.rdb, "topups", 1e6, 1000)}
	return r
}

// uncounted runs fn without counting or tracing what it sends: the setup
// of an operation (the first delivery of a duplicate) is not part of it.
func (r *fleetRig) uncounted(fn func()) {
	r.hook.mu.Lock()
	rec := r.hook.recording
	r.hook.recording = false
	r.hook.mu.Unlock()
	w, s, l, t := r.hook.n.Load(), r.store.n.Load(), r.limiter.n.Load(), r.topups.n.Load()
	fn()
	r.hook.n.Store(w)
	r.store.n.Store(s)
	r.limiter.n.Store(l)
	r.topups.n.Store(t)
	r.hook.mu.Lock()
	r.hook.recording = rec
	r.hook.mu.Unlock()
}

// fakes starts the provider fakes with a client whose Store and limiter
// are the rig's, as every replica of a fleet would configure it.
func (r *fleetRig) fakes(b *testing.B) *simkittest.Env {
	b.Helper()
	return simkittest.New(b, func(c *simkittest.Config) {
		// Balances no benchmark spends: money calls run hundreds of times.
		c.Partner.Balance = decimal.NewFromInt(1_000_000_000)
		c.SMS.Balance = decimal.NewFromInt(1_000_000_000)
		c.ClientOptions = append(c.ClientOptions, simkit.WithStore(r.store),
			simkit.WithSMS(func(o *smsnumbers.Options) { o.Limiter = r.limiter }),
			simkit.WithTopups(func(o *topups.Options) { o.Limiter = r.topups }))
	})
}

// tripKind is one row of the round-trip table.
type tripKind struct {
	name string
	// per is how many operations one op call performs (a dequeue claims
	// a batch); counts are divided by it.
	per int
	// want is the wire trace of one op call, in order.
	want []trip
	// ledger: a money call, whose trips to the ledger's keys are counted
	// apart (the ledger's overhead).
	ledger bool
	// setup returns the operation; op(i) must be a fresh operation each i.
	setup func(b *testing.B, r *fleetRig) (op func(ctx context.Context, i int) error)
}

// BenchmarkTrips counts the Redis round trips of one operation of each
// kind a fleet repeats, at the Store (simkit's calls on store.Store and the
// shared limiter) and on the wire (go-redis commands and pipelines), and
// checks the wire trace against the trips the table says each operation
// needs. It prints one "trips:" line per kind for scripts/benchtable.
func BenchmarkTrips(b *testing.B) {
	for _, k := range tripKinds() {
		b.Run(k.name, func(b *testing.B) {
			r := newFleetRig(b)
			op := k.setup(b, r)
			ctx := context.Background()
			i := 0
			next := func() error { err := op(ctx, i); i++; return err }
			for range 3 { // load the scripts; first calls fetch tokens
				if err := next(); err != nil {
					b.Fatal(err)
				}
			}
			var err error
			got := r.hook.trace(func() { err = next() })
			if err != nil {
				b.Fatal(err)
			}
			if !sameTrace(got, k.want) {
				b.Fatalf("wire trace %v, the table says %v", got, k.want)
			}
			const n = 200
			w0, s0, l0, g0 := r.hook.n.Load(), r.store.n.Load(), r.limiter.n.Load()+r.topups.n.Load(), r.hook.ledger.Load()
			for range n {
				if err := next(); err != nil {
					b.Fatal(err)
				}
			}
			per := float64(n * max(k.per, 1))
			b.ReportMetric(float64(r.hook.n.Load()-w0)/per, "redis-trips/op")
			b.ReportMetric(float64(r.store.n.Load()-s0)/per, "store-calls/op")
			b.ReportMetric(float64(r.limiter.n.Load()+r.topups.n.Load()-l0)/per, "limiter-waits/op")
			if k.ledger {
				b.ReportMetric(float64(r.hook.ledger.Load()-g0)/per, "ledger-trips/op")
			}
			b.ReportMetric(0, "ns/op")
			fmt.Fprintf(os.Stdout, "trips: %s\t%s\n", b.Name(), describe(k.want))
		})
	}
}

// describe writes a trace for the table: the commands, a run of the same
// command counted once ("4 × XACK"), then what each buys.
func describe(ts []trip) string {
	var cmds, buys []string
	for i := 0; i < len(ts); {
		j := i
		for j < len(ts) && ts[j].cmd == ts[i].cmd {
			j++
		}
		if j-i > 1 {
			cmds = append(cmds, fmt.Sprintf("%d × %s", j-i, ts[i].cmd))
		} else {
			cmds = append(cmds, ts[i].cmd)
		}
		if ts[i].buys != "" {
			buys = append(buys, ts[i].buys)
		}
		i = j
	}
	return strings.Join(cmds, " · ") + "\t" + strings.Join(buys, " · ")
}

func sameTrace(got []string, want []trip) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i] != want[i].cmd && got[i] != traceOr[want[i].cmd] {
			return false
		}
	}
	return true
}

// traceOr is the other form a trip may take: one ledger Begin in 16 (by
// its entry's random id) also trims the indexes it adds to, in the same
// transaction, so a traced operation may be that one.
var traceOr = map[string]string{ledgerBegin: ledgerBeginTrim}

func tripKinds() []tripKind {
	return []tripKind{
		{
			name: "sms-get-paced",
			want: []trip{
				{"script", "the fleet-wide pace: one GCRA step admits the request (100 req/s per API key across replicas)"},
			},
			setup: func(b *testing.B, r *fleetRig) func(context.Context, int) error {
				env := r.fakes(b)
				return func(ctx context.Context, _ int) error {
					_, err := env.Client.SMS.Profile(ctx)
					return err
				}
			},
		},
		{
			name: "topups-shared-token",
			want: []trip{
				{"GET", "the OAuth token the fleet shares (the token endpoint allows a few calls a minute)"},
				{"script", "the fleet-wide pace of top-up calls (one GCRA step)"},
			},
			setup: func(b *testing.B, r *fleetRig) func(context.Context, int) error {
				env := r.fakes(b)
				return func(ctx context.Context, _ int) error {
					_, err := env.Client.Topups.TopupPackages(ctx, simkittest.TopupsSeedICCID)
					return err
				}
			},
		},
		{
			name:   "partner-order-ledger",
			ledger: true,
			want: []trip{
				{ledgerBegin, "the ledger entry, written before the order is sent, with its four indexes (by time, subject, in-flight, external id), each kept alive for the retention (one Begin in 16 also trims them to it: 4 ZREMRANGEBYSCORE more in the same transaction): every replica sees the call in flight, a lost answer is settled from it and a re-call with the same id is recognised"},
				{ledgerFinish, "the outcome (order id, amount), the entry out of its subject's in-flight index: what reconciliation reads"},
			},
			setup: func(b *testing.B, r *fleetRig) func(context.Context, int) error {
				env := r.fakes(b)
				run := time.Now().UnixNano()
				return func(ctx context.Context, i int) error {
					_, err := env.Client.Partner.CreateOrder(ctx, partner.CreateOrderParams{
						ExternalID: fmt.Sprintf("bench-%x-%d", run, i),
						Item:       partner.OrderItemParams{SKUID: simkittest.PartnerSKUVoucher, Quantity: 1},
					})
					return err
				}
			},
		},
		{
			name:   "sms-buy-ledger",
			ledger: true,
			want: []trip{
				{ledgerBegin, "the ledger entry before the buy is sent: a settling call on the same product waits for it instead of taking its number"},
				{"script", "the fleet-wide pace (one GCRA step)"},
				{ledgerFinish, "the outcome (order id, price), out of the in-flight index"},
			},
			setup: func(b *testing.B, r *fleetRig) func(context.Context, int) error {
				env := r.fakes(b)
				return func(ctx context.Context, _ int) error {
					_, err := env.Client.SMS.BuyActivation(ctx, smsnumbers.BuyActivationParams{
						Country: "afghanistan", Operator: "virtual18", Product: "telegram"})
					return err
				}
			},
		},
		{
			name: "reconcile-pass-ledger-walk",
			per:  walkEntries,
			want: []trip{
				{"ZRANGEBYSCORE", "a page of 200 entry ids, oldest first (the cursor is the last id and its time): memory stays one page whatever the ledger's size"},
				{"MGET", "the page's 200 entries in one read"},
				{"ZRANGEBYSCORE", ""}, {"MGET", ""},
				{"ZRANGEBYSCORE", "the end: an empty page"},
			},
			setup: func(b *testing.B, r *fleetRig) func(context.Context, int) error {
				ctx := context.Background()
				// One entry per millisecond: no two share a score, so the
				// trace is the same every run (ties cost a trip more).
				at := time.Now().Add(-time.Hour)
				l := ledger.New(r.store, "partner", "bench-token", func(o *ledger.Options) {
					o.Now = func() time.Time { return at }
				})
				r.uncounted(func() {
					for i := range walkEntries {
						at = at.Add(time.Millisecond)
						e, err := l.Begin(ctx, ledger.Intent{Call: "POST /orders", Reference: fmt.Sprintf("order-%d", i), Subject: "order/sku-1x1"})
						if err == nil {
							err = l.Finish(ctx, e, ledger.Outcome{State: ledger.StateDone, ProviderIDs: []string{strconv.Itoa(i)}})
						}
						if err != nil {
							b.Fatal(err)
						}
					}
				})
				return func(ctx context.Context, _ int) error {
					n := 0
					for _, err := range l.Entries(ctx, time.Time{}, time.Time{}) {
						if err != nil {
							return err
						}
						n++
					}
					if n != walkEntries {
						return fmt.Errorf("walked %d entries of %d", n, walkEntries)
					}
					return nil
				}
			},
		},
		{
			name: "webhook-first",
			want: []trip{
				{"SET NX GET", "the lease: only one replica runs the function for this idempotency_key"},
				{"SET", "the done mark: the provider's retries and replays answer 200 without running it again"},
			},
			setup: func(b *testing.B, r *fleetRig) func(context.Context, int) error {
				h, ds := webhookRig(b, r)
				snd := newSender(webhookBody(b))
				return func(_ context.Context, i int) error {
					if st := snd.send(h, ds(i)); st != http.StatusOK {
						return fmt.Errorf("status %d", st)
					}
					return nil
				}
			},
		},
		{
			name: "webhook-duplicate",
			want: []trip{
				{"SET NX GET", "the lease attempt, which finds the key taken and returns what holds it: done (answer 200) or a live lease (409, retry later)"},
			},
			setup: func(b *testing.B, r *fleetRig) func(context.Context, int) error {
				h, ds := webhookRig(b, r)
				snd := newSender(webhookBody(b))
				first := map[int]bool{}
				return func(_ context.Context, i int) error {
					d := ds(i)
					if !first[i] { // deliver it once, uncounted, then measure the retry
						first[i] = true
						var st int
						r.uncounted(func() { st = snd.send(h, d) })
						if st != http.StatusOK {
							return fmt.Errorf("first delivery: status %d", st)
						}
					}
					if st := snd.send(h, d); st != http.StatusOK {
						return fmt.Errorf("status %d", st)
					}
					return nil
				}
			},
		},
		{
			name: "inbox-enqueue",
			want: []trip{
				{"script", "dedupe mark and stream entry in one step: a delivery is queued once, and never marked without being queued"},
			},
			setup: func(b *testing.B, r *fleetRig) func(context.Context, int) error {
				in := inboxRig(b, r, 1)
				return func(ctx context.Context, i int) error {
					added, err := in.Add(ctx, "partner", fmt.Sprintf("evt-%d", i), []byte(`{"n":1}`))
					if err == nil && !added {
						err = fmt.Errorf("evt-%d not added", i)
					}
					return err
				}
			},
		},
		{
			name: "inbox-dequeue-ack",
			per:  inboxBatch,
			want: []trip{
				{"pipeline(ZRANGE, XREADGROUP)", "one claim per batch: due retries checked, new messages read (idle ones of dead workers are looked for, and acked ones trimmed, in a script every quarter of ClaimIdle)"},
				{"XACK", "per message, once its function returned: it is never handed out again"},
				{"XACK", ""}, {"XACK", ""}, {"XACK", ""},
			},
			setup: func(b *testing.B, r *fleetRig) func(context.Context, int) error {
				in := inboxRig(b, r, inboxBatch)
				var handled atomic.Int64 // the batch's calls run concurrently
				if err := in.Handle("partner", func(context.Context, inbox.Message) error { handled.Add(1); return nil }); err != nil {
					b.Fatal(err)
				}
				return func(ctx context.Context, i int) error {
					var err error
					r.uncounted(func() {
						for j := range inboxBatch {
							if _, err = in.Add(ctx, "partner", fmt.Sprintf("evt-%d-%d", i, j), []byte(`{"n":1}`)); err != nil {
								return
							}
						}
					})
					if err != nil {
						return err
					}
					handled.Store(0)
					n, err := in.Work(ctx)
					if err == nil && (n != inboxBatch || handled.Load() != inboxBatch) {
						err = fmt.Errorf("claimed %d, handled %d of %d", n, handled.Load(), inboxBatch)
					}
					return err
				}
			},
		},
	}
}

// The ledger's two writes per money call, as the trip hook names them.
const (
	ledgerBegin     = "MULTI/EXEC(SET, 4 ZADD, 4 PEXPIRE)"
	ledgerBeginTrim = "MULTI/EXEC(SET, 4 ZREMRANGEBYSCORE, 4 ZADD, 4 PEXPIRE)"
	ledgerFinish    = "MULTI/EXEC(SET, ZREM)"
)

// walkEntries is the ledger a reconcile pass walks in the round-trip
// table: two pages of the ledger's default 200.
const walkEntries = 400

// inboxBatch is how many messages one claim takes: the inbox's default
// Workers.
const inboxBatch = inbox.DefaultWorkers

// webhookRig is the Partner webhook handler on the rig's Store, and
// deliveries signed on demand, a fresh idempotency key for each i.
func webhookRig(b *testing.B, r *fleetRig) (http.Handler, func(i int) delivery) {
	b.Helper()
	h, err := partner.NewWebhookHandler(signing.NewSecret(webhookSecret),
		func(context.Context, *partner.WebhookEvent) error { return nil },
		func(o *partner.WebhookOptions) {
			o.Store = r.store
			o.Now = func() time.Time { return time.Unix(webhookNow, 0) }
		})
	if err != nil {
		b.Fatal(err)
	}
	signer := signing.NewSigner([]byte(webhookSecret))
	cache := map[int]delivery{}
	return h, func(i int) delivery {
		if d, ok := cache[i]; ok {
			return d
		}
		next := i
		d := presign(signer, &next, 1)[0]
		cache[i] = d
		return d
	}
}

// inboxRig is an Inbox on a Redis stream of the rig, claiming batches of
// batch messages.
func inboxRig(b *testing.B, r *fleetRig, batch int) *inbox.Inbox {
	b.Helper()
	q := redisstore.NewStreamQueue(r.rdb, "bench")
	in, err := inbox.New(q, func(o *inbox.Options) { o.Workers = batch; o.Consumer = "bench" })
	if err != nil {
		b.Fatal(err)
	}
	return in
}

// Package soak drives every money call of every provider from many
// goroutines over several replicas sharing one Store, against the fakes,
// with seeded random faults, and reconciles the fakes' records against
// what every caller was told. Tests in the module root (memory Store) and
// in contrib/redisstore (Redis) run it.
package soak

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"runtime"
	"sort"
	"strconv"
	"sync"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/shopspring/decimal"

	"github.com/simkit/simkit"
	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/esimstory"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/partner"
	"github.com/simkit/simkit/retry"
	"github.com/simkit/simkit/simkittest"
	"github.com/simkit/simkit/smsnumbers"
	"github.com/simkit/simkit/store"
	"github.com/simkit/simkit/topups"
)

// Config is one soak run.
type Config struct {
	// Name labels the table (e.g. "memory", "redis").
	Name string
	// Seed drives the faults and the mix of calls.
	Seed int64
	// Duration is how long the workers call; the drain comes after.
	Duration time.Duration
	// Workers is the number of goroutines calling; Replicas the number of
	// clients (replicas) they are spread over.
	Workers, Replicas int
	// FaultRate is the share of requests hit by a fault; default 0.15.
	FaultRate float64
	// NewStore returns replica i's Store; every replica's Store must see
	// the same data. Nil: one store.Memory shared by all.
	NewStore func(t *testing.T, replica int) store.Store
	// Out receives the table; nil means os.Stdout.
	Out io.Writer
	// Books, when set, runs after the drain and the reconciliation against
	// the fakes, with the fakes (their clock can be advanced) and one
	// replica: it checks that the fleet's ledger closes the books.
	Books func(t *testing.T, env *simkittest.Env, c *simkit.Client, rep *Report)
}

// Call kinds.
const (
	kSMSBuy      = "sms buy (hot product)"
	kSMSWithdraw = "sms withdraw"
	kPartner     = "partner order"
	kPartnerTop  = "partner esim top-up"
	kESIM        = "esimstory order"
	kTopup       = "topups submit"
)

var kinds = []string{kSMSBuy, kSMSWithdraw, kPartner, kPartnerTop, kESIM, kTopup}

// result is what one call returned.
type result struct {
	kind, id, key string
	recall        bool
	ok, recovered bool
	// got is the provider id the caller now holds (order id, payment id).
	got string
	err error
	// start and end bound the call, by the wall clock.
	start, end time.Time
}

// Report is the reconciliation, per kind.
type Report struct {
	Calls, OK, Recovered, Unknown, Ambiguous, Definite, Recalls map[string]int
	Charges                                                     map[string]int
	Doubles, HeldTwice, HeldByNobody, WrongErrors, Stolen       map[string]int
	Faults                                                      map[string]int
	Requests                                                    int
	GoroutineGrowth                                             int
	// Late counts requests the fake answered more than 50 ms after their
	// client gave up (other than the injected slow answers).
	Late int
}

// Bad is the sum of every count that must be zero.
func (r *Report) Bad() int {
	n := r.GoroutineGrowth
	for _, m := range []map[string]int{r.Doubles, r.HeldTwice, r.HeldByNobody, r.WrongErrors, r.Stolen} {
		for _, v := range m {
			n += v
		}
	}
	return n
}

type run struct {
	cfg      Config
	env      *simkittest.Env
	inj      *injector
	replicas []*simkit.Client
	deadline time.Time

	// skus are the partner fake's fixed-price SKUs in stock: orders rotate
	// over them so a long run does not empty one SKU's stock.
	skus []string

	mu      sync.Mutex
	results []result
	pending []result // keyed calls whose outcome is open: re-call them
	seq     int
}

// Run runs one soak and fails t on any nonzero bad count.
func Run(t *testing.T, cfg Config) *Report {
	t.Helper()
	if cfg.FaultRate == 0 {
		cfg.FaultRate = 0.15
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 24
	}
	if cfg.Replicas <= 0 {
		cfg.Replicas = 3
	}
	if cfg.Duration <= 0 {
		cfg.Duration = 6 * time.Second
	}
	if cfg.Out == nil {
		cfg.Out = os.Stdout
	}
	big := decimal.NewFromInt(1_000_000_000)
	env := simkittest.New(t, func(c *simkittest.Config) {
		c.SMS.Balance = big
		c.SMS.Wallets = map[string]decimal.Decimal{"fkwallet": big}
		c.Partner.Balance = big
		c.Topups.Balance = big
		c.Topups.TokenLimit = 1 << 30
		c.Clock = simkittest.NewClock(nil) // wall time until Books advances it
	})
	env.SMS.SetStock("russia", "beeline", "vkontakte", 1<<30)
	skus := partnerSKUs(t, env)
	for i := range 32 {
		env.Partner.AddESIM(simkittest.PartnerESIM{ICCID: iccid(i), Status: "active", CanRenew: true, SKU: skus[i%len(skus)]})
	}
	base := http.DefaultTransport.(*http.Transport).Clone()
	base.MaxIdleConnsPerHost = 256
	r := &run{cfg: cfg, env: env, inj: newInjector(base, cfg.Seed, cfg.FaultRate), skus: skus}
	baseline := runtime.NumGoroutine()

	var shared store.Store = store.NewMemory()
	for i := range cfg.Replicas {
		st := shared
		if cfg.NewStore != nil {
			st = cfg.NewStore(t, i)
		}
		r.replicas = append(r.replicas, r.client(t, st))
	}

	r.deadline = time.Now().Add(cfg.Duration)
	var wg sync.WaitGroup
	for w := range cfg.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.work(w)
		}()
	}
	wg.Wait()
	// The drain: faults off, every open keyed outcome called again until
	// it settles, as a caller (or a reconciliation job) would.
	r.inj.setRate(0)
	r.drain()
	r.inj.wg.Wait()

	rep := r.reconcile()
	if cfg.Books != nil {
		cfg.Books(t, env, r.replicas[0], rep)
	}
	r.replicas = nil
	base.CloseIdleConnections()
	rep.GoroutineGrowth = settleGoroutines(baseline)
	r.print(rep)
	if bad := rep.Bad(); bad != 0 {
		t.Errorf("soak %s seed %d: %d bad outcomes (see the table)", cfg.Name, cfg.Seed, bad)
	}
	return rep
}

// partnerSKUs lists the partner fake's fixed-price SKUs in stock.
func partnerSKUs(t *testing.T, env *simkittest.Env) []string {
	t.Helper()
	var out []string
	for p, err := range env.Client.Partner.AllProducts(context.Background(), partner.ListProductsParams{IncludeSKUs: true}) {
		if err != nil {
			t.Fatal(err)
		}
		if p.DenominationType != partner.DenominationFixed {
			continue
		}
		for _, s := range p.SKUs {
			if s.Stock.Available {
				out = append(out, s.ID)
			}
		}
	}
	if len(out) == 0 {
		out = []string{simkittest.PartnerSKUVoucher}
	}
	return out
}

func iccid(i int) string { return fmt.Sprintf("8944%016d", 1000+i) }

// client builds one replica.
func (r *run) client(t *testing.T, st store.Store) *simkit.Client {
	t.Helper()
	pol := retry.Policy{MaxAttempts: 3, BaseDelay: 2 * time.Millisecond, MaxDelay: 20 * time.Millisecond,
		RateLimitDelay: 5 * time.Millisecond, MaxRetryAfter: 2 * time.Second, Sleep: scaledSleep}
	env := r.env
	c, err := simkit.New(
		simkit.WithStore(st),
		simkit.WithTimeout(1500*time.Millisecond),
		simkit.WithLimiter(option.NoLimit),
		simkit.WithTransport(r.inj),
		simkit.WithPartner(env.PartnerOptions, func(o *partner.Options) { o.Retry = pol; o.Transport = r.inj }),
		simkit.WithSMS(env.SMSOptions, func(o *smsnumbers.Options) {
			o.Retry = pol
			o.Transport = r.inj
			// The fakes share this clock; the allowance covers a request
			// the fake handles a little after its client's timeout (the
			// timeout is long enough that only the injected slow answers
			// and a badly starved machine reach it).
			o.SettleSkew = 100 * time.Millisecond
			// The ledger and reconciliation read the fakes' clock too, so
			// advancing it (see BooksClose) is time passing for both: the
			// lost payouts' late answers can no longer arrive.
			o.Now = env.Config.Clock.Now
		}),
		simkit.WithESIMStory(env.ESIMStoryOptions, func(o *esimstory.Options) { o.Retry = pol; o.Transport = r.inj }),
		simkit.WithTopups(env.TopupsOptions, func(o *topups.Options) { o.Retry = pol; o.Transport = r.inj }),
	)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// scaledSleep waits a twentieth of d (at most 50 ms): the schedules keep
// their shape, the run keeps its pace.
func scaledSleep(ctx context.Context, d time.Duration) error {
	d /= 20
	if d > 50*time.Millisecond {
		d = 50 * time.Millisecond
	}
	return retry.SleepContext(ctx, d)
}

func (r *run) nextID(prefix string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seq++
	return prefix + strconv.Itoa(r.seq)
}

func (r *run) record(res result) {
	res.end = time.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.results = append(r.results, res)
	if res.err != nil && apierror.SafeToRetry(res.err) && apierror.MayHaveActed(res.err) && res.key != "" {
		r.pending = append(r.pending, res)
	}
}

func (r *run) popPending(rng *rand.Rand) (result, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.pending) == 0 {
		return result{}, false
	}
	i := rng.IntN(len(r.pending))
	p := r.pending[i]
	r.pending = append(r.pending[:i], r.pending[i+1:]...)
	return p, true
}

// work is one worker's loop.
func (r *run) work(w int) {
	rng := rand.New(rand.NewPCG(uint64(r.cfg.Seed), uint64(w)+1))
	for time.Now().Before(r.deadline) {
		c := r.replicas[rng.IntN(len(r.replicas))]
		if rng.IntN(100) < 12 {
			if p, ok := r.popPending(rng); ok {
				r.recall(c, p, rng)
				continue
			}
		}
		switch n := rng.IntN(100); {
		case n < 40:
			r.smsBuy(c, rng)
		case n < 45:
			r.withdraw(c, rng)
		case n < 65:
			r.keyed(c, result{kind: kPartner, key: r.nextID("P-")}, rng, true)
		case n < 72:
			r.keyed(c, result{kind: kPartnerTop, key: r.nextID("PT-")}, rng, true)
		case n < 88:
			r.keyed(c, result{kind: kESIM, key: r.nextID("E-")}, rng, true)
		default:
			r.keyed(c, result{kind: kTopup, key: r.nextID("T-")}, rng, true)
		}
	}
}

func (r *run) tag(id, key string) []option.CallOption {
	o := []option.CallOption{option.WithHeader(callHeader, id)}
	if key != "" {
		o = append(o, option.WithHeader(keyHeader, key))
	}
	return o
}

func (r *run) smsBuy(c *simkit.Client, rng *rand.Rand) {
	id := r.nextID("S-")
	start := time.Now()
	op := smsnumbers.Any
	if rng.IntN(4) == 0 {
		op = "beeline"
	}
	o, err := c.SMS.BuyActivation(context.Background(), smsnumbers.BuyActivationParams{Country: "russia", Operator: op, Product: "vkontakte"}, r.tag(id, "")...)
	res := result{kind: kSMSBuy, id: id, err: err, start: start}
	if err == nil {
		res.ok, res.recovered, res.got = true, o.Recovered, strconv.FormatInt(o.ID, 10)
	}
	r.record(res)
}

func (r *run) withdraw(c *simkit.Client, rng *rand.Rand) {
	id := r.nextID("W-")
	amount := decimal.NewFromInt(int64(10 * (1 + rng.IntN(2))))
	w, err := c.SMS.Withdraw(context.Background(), smsnumbers.WithdrawParams{Receiver: "4111111111111111", Method: smsnumbers.MethodVisa, Amount: amount, Fee: smsnumbers.FeeFKWallet}, r.tag(id, "")...)
	res := result{kind: kSMSWithdraw, id: id, err: err}
	if err == nil {
		res.ok, res.recovered = true, w.Recovered
		if w.Payment != nil {
			res.got = strconv.FormatInt(w.Payment.ID, 10)
		}
	}
	r.record(res)
}

// keyed runs a call with an external id or reference; after an open
// outcome it may call again at once, twice in parallel.
func (r *run) keyed(c *simkit.Client, res result, rng *rand.Rand, first bool) {
	res = r.callKeyed(c, res)
	r.record(res)
	if first && res.err != nil && apierror.SafeToRetry(res.err) && apierror.MayHaveActed(res.err) && rng.IntN(3) == 0 {
		var wg sync.WaitGroup
		for range 2 {
			c := r.replicas[rng.IntN(len(r.replicas))] // rng is this worker's alone
			wg.Add(1)
			go func() {
				defer wg.Done()
				again := result{kind: res.kind, key: res.key, recall: true}
				r.record(r.callKeyed(c, again))
			}()
		}
		wg.Wait()
	}
}

func (r *run) recall(c *simkit.Client, p result, rng *rand.Rand) {
	r.keyed(c, result{kind: p.kind, key: p.key, recall: true}, rng, false)
}

func (r *run) callKeyed(c *simkit.Client, res result) result {
	res.id = r.nextID("K-")
	ctx := context.Background()
	opts := r.tag(res.id, res.key)
	n, _ := strconv.Atoi(res.key[len(res.key)-1:])
	switch res.kind {
	case kPartner:
		sku := r.skus[keyNum(res.key)%len(r.skus)]
		o, err := c.Partner.CreateOrder(ctx, partner.CreateOrderParams{ExternalID: res.key, Item: partner.OrderItemParams{SKUID: sku}}, opts...)
		res.err = err
		if err == nil {
			res.ok, res.recovered, res.got = true, o.Recovered, o.ID
		}
	case kPartnerTop:
		o, err := c.Partner.TopupESIM(ctx, iccid(n), partner.TopupESIMParams{ExternalID: res.key}, opts...)
		res.err = err
		if err == nil {
			res.ok, res.recovered, res.got = true, o.Recovered, o.ID
		}
	case kESIM:
		o, err := c.ESIMStory.CreateOrder(ctx, esimstory.CreateOrderParams{ExternalOrderID: res.key,
			Products: []esimstory.OrderProductParams{{OptionID: simkittest.ESIMStoryOptionA, Qty: 1 + n%2}}}, opts...)
		res.err = err
		if err == nil {
			res.ok, res.recovered, res.got = true, o.Recovered, res.key
		}
	case kTopup:
		o, err := c.Topups.SubmitTopup(ctx, topups.SubmitTopupParams{PackageID: "merhaba-7days-1gb-topup", ICCID: simkittest.TopupsSeedICCID, Reference: res.key}, opts...)
		res.err = err
		if err == nil {
			res.ok, res.got = true, o.ID
		}
	}
	return res
}

// keyNum is the sequence number in a key such as "P-42".
func keyNum(key string) int {
	i := len(key)
	for i > 0 && key[i-1] >= '0' && key[i-1] <= '9' {
		i--
	}
	n, _ := strconv.Atoi(key[i:])
	return n
}

// drain calls every open keyed outcome again until it settles.
func (r *run) drain() {
	rng := rand.New(rand.NewPCG(uint64(r.cfg.Seed), 0xd4a1))
	for range 5 {
		r.mu.Lock()
		open := r.pending
		r.pending = nil
		r.mu.Unlock()
		if len(open) == 0 {
			return
		}
		seen := map[string]bool{}
		for _, p := range open {
			if seen[p.kind+p.key] {
				continue
			}
			seen[p.kind+p.key] = true
			r.record(r.callKeyed(r.replicas[rng.IntN(len(r.replicas))], result{kind: p.kind, key: p.key, recall: true}))
		}
	}
}

// named reports whether an ErrOutcomeUnknown of a buy that may have made
// order id names it: its creator's, or one whose call overlapped the
// order's creation (from its creator's start to when the fake answered).
func (r *run) named(creator result, id string) bool {
	if errors.Is(creator.err, apierror.ErrOutcomeUnknown) {
		return true
	}
	made := r.inj.smsAt[id]
	for _, u := range r.results {
		if u.kind == kSMSBuy && errors.Is(u.err, apierror.ErrOutcomeUnknown) && !u.start.After(made) && !u.end.Before(creator.start) {
			return true
		}
	}
	return false
}

// settleGoroutines waits (bounded) for goroutines to fall back to
// baseline and returns how many are left over it.
func settleGoroutines(baseline int) int {
	var n int
	for range 100 {
		n = runtime.NumGoroutine() - baseline
		if n <= 0 {
			return 0
		}
		time.Sleep(50 * time.Millisecond)
	}
	return n
}

// reconcile compares the fakes' records and the wire record with what
// every caller was told.
func (r *run) reconcile() *Report {
	rep := &Report{}
	for _, m := range []*map[string]int{&rep.Calls, &rep.OK, &rep.Recovered, &rep.Unknown, &rep.Ambiguous, &rep.Definite, &rep.Recalls,
		&rep.Charges, &rep.Doubles, &rep.HeldTwice, &rep.HeldByNobody, &rep.WrongErrors, &rep.Stolen, &rep.Faults} {
		*m = map[string]int{}
	}
	r.inj.mu.Lock()
	defer r.inj.mu.Unlock()
	rep.Requests = r.inj.total
	rep.Late = r.inj.late
	for f := fault(1); f < nFaults; f++ {
		rep.Faults[faultNames[f]] = r.inj.counts[f]
	}
	byKey := map[string][]result{}
	for _, res := range r.results {
		k := res.kind
		rep.Calls[k]++
		switch {
		case res.ok:
			rep.OK[k]++
			if res.recovered {
				rep.Recovered[k]++
			}
		case errors.Is(res.err, apierror.ErrOutcomeUnknown):
			rep.Unknown[k]++
		case apierror.MayHaveActed(res.err):
			rep.Ambiguous[k]++
		default:
			rep.Definite[k]++
		}
		if res.recall {
			rep.Recalls[k]++
		}
		if res.key != "" {
			byKey[k+"\x00"+res.key] = append(byKey[k+"\x00"+res.key], res)
		}
	}

	// SMS buys: the wire says which call's request created which order.
	held := map[string]int{}
	for _, res := range r.results {
		if res.kind != kSMSBuy {
			continue
		}
		made := r.inj.smsCreated[res.id]
		if len(made) > 1 {
			rep.Doubles[kSMSBuy]++
		}
		if res.ok {
			held[res.got]++
			if res.recovered && len(made) == 0 {
				rep.Stolen[kSMSBuy]++
				if os.Getenv("SOAK_DEBUG") != "" {
					var cr result
					for _, x := range r.results {
						for _, id := range r.inj.smsCreated[x.id] {
							if strconv.FormatInt(id, 10) == res.got {
								cr = x
							}
						}
					}
					for e, err := range r.replicas[0].SMS.Ledger().Entries(context.Background(), time.Time{}, time.Time{}) {
						if err == nil && e.Holds(res.got) {
							fmt.Fprintf(r.cfg.Out, "  ledger: %s %s proof=%s window %s..%s\n", e.ID, e.State, e.Meta["proof"], e.WindowStart.Format("05.000"), e.WindowEnd.Format("05.000"))
						}
					}
					fmt.Fprintf(r.cfg.Out, "took another's: %s [%s..%s] took %s made at %s by %s [%s..%s] err=%v\n", res.id,
						res.start.Format("05.000"), res.end.Format("05.000"), res.got, r.inj.smsAt[res.got].Format("05.000"),
						cr.id, cr.start.Format("05.000"), cr.end.Format("05.000"), cr.err)
				}
			}
		} else if len(made) > 0 && !apierror.MayHaveActed(res.err) {
			rep.WrongErrors[kSMSBuy]++
		}
	}
	creator := map[string]result{}
	for _, res := range r.results {
		for _, id := range r.inj.smsCreated[res.id] {
			creator[strconv.FormatInt(id, 10)] = res
		}
	}
	for _, id := range r.env.SMS.OrderIDs() {
		sid := strconv.FormatInt(id, 10)
		rep.Charges[kSMSBuy]++
		switch n := held[sid]; {
		case n > 1:
			rep.HeldTwice[kSMSBuy]++
		case n == 0:
			if c, ok := creator[sid]; !ok || !r.named(c, sid) {
				rep.HeldByNobody[kSMSBuy]++
				if os.Getenv("SOAK_DEBUG") != "" {
					fmt.Fprintf(r.cfg.Out, "held by nobody: order %s creator %v %+v\n", sid, ok, c)
				}
			}
		}
	}

	// Withdrawals: payouts handled per call; recovered payments distinct.
	pays := map[string]int{}
	for _, res := range r.results {
		if res.kind != kSMSWithdraw {
			continue
		}
		made := r.inj.withdrawals[res.id]
		rep.Charges[kSMSWithdraw] += made
		if made > 1 {
			rep.Doubles[kSMSWithdraw]++
		}
		switch {
		case res.ok && res.got != "":
			pays[res.got]++
			if made == 0 {
				rep.Stolen[kSMSWithdraw]++
			}
		case res.ok:
		case made > 0 && !errors.Is(res.err, apierror.ErrOutcomeUnknown):
			if apierror.MayHaveActed(res.err) {
				rep.HeldByNobody[kSMSWithdraw]++
			} else {
				rep.WrongErrors[kSMSWithdraw]++
			}
		}
	}
	for _, n := range pays {
		if n > 1 {
			rep.HeldTwice[kSMSWithdraw]++
		}
	}

	// Keyed calls: one order per key; every call for a key that exists
	// returns it or says it may exist; never a conflict.
	partnerByExt := map[string]int{}
	for _, o := range r.env.Partner.Orders() {
		partnerByExt[o.ExternalID]++
	}
	keys := make([]string, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, kk := range keys {
		calls := byKey[kk]
		kind, key := calls[0].kind, calls[0].key
		var made int
		switch kind {
		case kPartner, kPartnerTop:
			made = partnerByExt[key]
		case kESIM:
			made = r.inj.created["esimstory"][key]
			if made == 0 && len(r.env.ESIMStory.Units(key)) > 0 {
				made = 1
			}
		case kTopup:
			made = r.inj.created["topups"][key]
		}
		rep.Charges[kind] += made
		if made > 1 {
			rep.Doubles[kind]++
		}
		got := map[string]bool{}
		okAny, open := false, false
		for _, c := range calls {
			switch {
			case c.ok:
				okAny = true
				got[c.got] = true
			case errors.Is(c.err, apierror.ErrConflict):
				rep.WrongErrors[kind]++
			case apierror.MayHaveActed(c.err):
				open = true
			}
		}
		if len(got) > 1 {
			rep.HeldTwice[kind]++
		}
		if made > 0 && !okAny {
			if open {
				continue // named by an error that says call again
			}
			rep.HeldByNobody[kind]++
		}
	}
	return rep
}

func (r *run) print(rep *Report) {
	fmt.Fprintf(r.cfg.Out, "soak %s: seed %d, %s, %d workers, %d replicas, %d requests, %d faulted (%.1f%%)\n",
		r.cfg.Name, r.cfg.Seed, r.cfg.Duration, r.cfg.Workers, r.cfg.Replicas, rep.Requests, sum(rep.Faults), pct(sum(rep.Faults), rep.Requests))
	w := tabwriter.NewWriter(r.cfg.Out, 2, 0, 2, ' ', 0)
	fmt.Fprintln(w, "kind\tcalls\tok\trecovered\tunknown\tambiguous\tdefinite\trecalls\tcharges\tdoubles\theld twice\tby nobody\twrong errors\ttook another's\t")
	for _, k := range kinds {
		fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t\n", k,
			rep.Calls[k], rep.OK[k], rep.Recovered[k], rep.Unknown[k], rep.Ambiguous[k], rep.Definite[k], rep.Recalls[k],
			rep.Charges[k], rep.Doubles[k], rep.HeldTwice[k], rep.HeldByNobody[k], rep.WrongErrors[k], rep.Stolen[k])
	}
	w.Flush()
	fmt.Fprintf(r.cfg.Out, "goroutine growth %d; answers later than 50 ms after the client gave up %d; bad total %d\n", rep.GoroutineGrowth, rep.Late, rep.Bad())
	w = tabwriter.NewWriter(r.cfg.Out, 2, 0, 2, ' ', 0)
	names := make([]string, 0, len(rep.Faults))
	for n := range rep.Faults {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "fault %s\t%d\t\n", n, rep.Faults[n])
	}
	w.Flush()
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

package fleet

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/simkit/simkit/contrib/redisstore"
	"github.com/simkit/simkit/esimstory"
	"github.com/simkit/simkit/ledger"
	"github.com/simkit/simkit/signing"
	"github.com/simkit/simkit/store"
)

// pagedStore calls page every 500 reads, so a pass that reads the tracker
// (a few reads per order) has its heap read about every page of orders.
type pagedStore struct {
	store.Store
	reads atomic.Int64
	page  atomic.Pointer[func()]
}

func (s *pagedStore) Get(ctx context.Context, key string) ([]byte, bool, error) {
	if s.reads.Add(1)%500 == 0 {
		if p := s.page.Load(); p != nil {
			(*p)()
		}
	}
	return s.Store.Get(ctx, key)
}

// trackerGrowth is the eSIM Story delivery tracker: each entry one order
// of one unit, its CreateOrder ledger entry, tracked when created and its
// delivery recorded by the webhook. The fill's tracker is not handed to a
// client, so the ledger is not told the order was delivered: every entry
// stays done, and Reconcile reads the tracker's progress for each (what
// it does for every order still awaiting a unit). Bytes count the
// tracker's keys only (the ledger's are the ledger row's). Its pass is
// esimstory's Reconcile over the window the newest n entries began in,
// with NoSettle: per entry the tracker's progress and a ledger read by
// external order id.
func trackerGrowth() growthKind {
	const access = "bench-access"
	return growthKind{name: "tracker", open: func(tb testing.TB, st *redisstore.Store, base time.Time, total int) growthRecords {
		fillTracker := esimstory.NewTracker(st)
		// reconciler is esimstory's Reconcile over the newest n entries by
		// a client on st.
		reconciler := func(st store.Store) func(context.Context, int, func()) (int, error) {
			paged := &pagedStore{Store: st}
			c, err := esimstory.New(func(o *esimstory.Options) {
				o.AccessKey = signing.NewSecret(access)
				o.SecretKey = signing.NewSecret(base64.StdEncoding.EncodeToString([]byte("bench-secret-key")))
				o.Store = st
				o.Tracker = esimstory.NewTracker(paged)
			})
			if err != nil {
				tb.Fatal(err)
			}
			return func(ctx context.Context, n int, page func()) (int, error) {
				paged.page.Store(&page)
				defer paged.page.Store(nil)
				rep, err := c.Reconcile(ctx, esimstory.ReconcileParams{From: growthStart(base, total-n), NoSettle: true})
				if err != nil {
					return 0, err
				}
				if !rep.Clean() || rep.Records != n {
					return rep.Entries, fmt.Errorf("reconcile over %d orders: %d anomalies, %d deliveries read", n, rep.Anomalies(), rep.Records)
				}
				return rep.Entries, nil
			}
		}
		return growthRecords{
			match: []string{esimstory.DefaultTrackerPrefix + "*"},
			fill: func(ctx context.Context, i int) error {
				ext := "order-" + strconv.Itoa(i)
				topup := fmt.Sprintf("%08d-aaaa-4bbb-8ccc-%012d", i, i)
				// The client's ledger, on a clock at entry i's start.
				at := growthStart(base, i)
				l := ledger.New(st, esimstory.Provider, access, func(o *ledger.Options) { o.Now = func() time.Time { return at } })
				e, err := l.Begin(ctx, ledger.Intent{Call: "POST /v1/api_partner/orders", Reference: ext, Subject: "opt-1x1"})
				if err != nil {
					return err
				}
				if err := l.Finish(ctx, e, ledger.Outcome{State: ledger.StateDone, ProviderIDs: []string{topup}}); err != nil {
					return err
				}
				if err := fillTracker.Track(ctx, &esimstory.Order{ExternalOrderID: ext,
					Units: []esimstory.OrderedUnit{{TopupID: topup, OptionID: "opt-1"}}}); err != nil {
					return err
				}
				return fillTracker.Record(ctx, &esimstory.Delivery{TopupID: topup, OptionID: "opt-1", ExternalOrderID: ext,
					ICCID: "8944422711108" + fmt.Sprintf("%06d", i%1_000_000), SMDP: "smdp.example.com",
					ActivationCode: "K2-" + strconv.Itoa(i), LPA: "LPA:1$smdp.example.com$K2-" + strconv.Itoa(i),
					ExpiredDate: "2027-01-15"})
			},
			pass: reconciler(st),
			side: reconciler(sideLock{st}),
		}
	}}
}

package fleet

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/simkit/simkit/contrib/redisstore"
	"github.com/simkit/simkit/ledger"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/partner"
	"github.com/simkit/simkit/signing"
	"github.com/simkit/simkit/store"
)

// partnerOrderID is the provider's id of the partner order of ledger
// entry i: the provider below reads i back from it.
func partnerOrderID(i int) string { return fmt.Sprintf("7898e683-4e56-44a3-9782-%012d", i) }

// partnerReference is the external id of order i.
func partnerReference(i int) string { return fmt.Sprintf("order-%08d", i) }

// partnerBooksRT is a partner provider answering in memory for n orders
// (order i made by ledger entry i, completed at 25.50 USD) and a balance
// history of one charge per order, newest first, order i charged half a
// growthStep after its entry began: what a Reconcile pass reads, computed
// per request so it holds nothing per order (the pass's heap is the
// client's alone). page is called every 200 requests.
type partnerBooksRT struct {
	n     int
	base  time.Time
	calls atomic.Int64
	page  atomic.Pointer[func()]
}

// charged is when order i was charged.
func (rt *partnerBooksRT) charged(i int) string {
	return growthStart(rt.base, i).Add(growthStep / 2).UTC().Format(time.RFC3339Nano)
}

const partnerHistoryPage = 100

func (rt *partnerBooksRT) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_ = r.Body.Close()
	}
	if rt.calls.Add(1)%200 == 0 {
		if p := rt.page.Load(); p != nil {
			(*p)()
		}
	}
	path := r.URL.Path
	var body []byte
	switch {
	case strings.Contains(path, "/orders/"):
		id := path[strings.LastIndexByte(path, '/')+1:]
		i, err := strconv.Atoi(id[len(id)-12:])
		if err != nil || i >= rt.n {
			return answer(r, http.StatusNotFound, []byte(`{"success":false,"message":"order not found"}`)), nil
		}
		body = fmt.Appendf(nil, `{"success":true,"data":{"id":%q,"external_id":%q,"status":"completed","total_amount":"25.50","currency":"USD","created_at":%q,"items":[]}}`,
			partnerOrderID(i), partnerReference(i), rt.charged(i))
	case strings.HasSuffix(path, "/balance/history"):
		from, _ := strconv.Atoi(r.URL.Query().Get("cursor"))
		to := min(from+partnerHistoryPage, rt.n)
		body = append(body, `{"success":true,"data":[`...)
		for j := from; j < to; j++ {
			if j > from {
				body = append(body, ',')
			}
			i := rt.n - 1 - j // newest first
			body = fmt.Appendf(body, `{"id":"tx-%d","type":"charge","amount":"-25.50","balance_after":"1000.00","currency":"USD","created_at":%q,"order_id":%q}`,
				i, rt.charged(i), partnerOrderID(i))
		}
		next := ""
		if to < rt.n {
			next = strconv.Itoa(to)
		}
		body = fmt.Appendf(body, `],"meta":{"next_cursor":%q}}`, next)
	default:
		return answer(r, http.StatusNotFound, []byte(`{"success":false,"message":"no such route"}`)), nil
	}
	return answer(r, http.StatusOK, body), nil
}

func answer(r *http.Request, status int, body []byte) *http.Response {
	return &http.Response{
		StatusCode: status, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), Request: r,
	}
}

// ledgerGrowth is the ledger of one partner account: each entry one order,
// begun and finished as CreateOrder writes it, on one of 50 SKUs. Its pass
// is partner's Reconcile over the window the newest n entries began in,
// with NoSettle (so every pass does the same work: a settling pass would
// mark each order delivered and the next would skip it): per entry a
// ledger read by external id and the order's look-up, per charge of the
// history the order and the ledger read again.
func ledgerGrowth() growthKind {
	const token = "bench-token"
	return growthKind{name: "ledger", open: func(tb testing.TB, st *redisstore.Store, base time.Time, total int) growthRecords {
		// reconciler is partner's Reconcile over the newest n entries by a
		// client on st.
		reconciler := func(st store.Store) func(context.Context, int, func()) (int, error) {
			rt := &partnerBooksRT{n: total, base: base}
			c, err := partner.New(func(o *partner.Options) {
				o.BaseURL = "https://partner.invalid/v1/partner"
				o.Token = signing.NewSecret(token)
				o.Secret = signing.NewSecret(webhookSecret)
				o.Transport = rt
				o.Store = st
				o.Limiter = option.NoLimit
			})
			if err != nil {
				tb.Fatal(err)
			}
			return func(ctx context.Context, n int, page func()) (int, error) {
				rt.page.Store(&page)
				defer rt.page.Store(nil)
				rep, err := c.Reconcile(ctx, partner.ReconcileParams{From: growthStart(base, total-n), NoSettle: true})
				if err != nil {
					return 0, err
				}
				if !rep.Clean() || rep.Records != n {
					return rep.Entries, fmt.Errorf("reconcile over %d orders: %d anomalies, %d charges read", n, rep.Anomalies(), rep.Records)
				}
				return rep.Entries, nil
			}
		}
		return growthRecords{
			match: []string{ledger.New(st, partner.Provider, token).Prefix() + "*"},
			fill: func(ctx context.Context, i int) error {
				// The client's ledger, on a clock at entry i's start.
				at := growthStart(base, i)
				l := ledger.New(st, partner.Provider, token, func(o *ledger.Options) { o.Now = func() time.Time { return at } })
				e, err := l.Begin(ctx, ledger.Intent{Call: "POST /orders", Reference: partnerReference(i),
					Subject: fmt.Sprintf("order/sku-%02dx1", i%50)})
				if err != nil {
					return err
				}
				return l.Finish(ctx, e, ledger.Outcome{State: ledger.StateDone,
					ProviderIDs: []string{partnerOrderID(i)},
					Amount:      decimal.NewNullDecimal(decimal.New(2550, -2)), Currency: "USD"})
			},
			pass: reconciler(st),
			side: reconciler(sideLock{st}),
		}
	}}
}

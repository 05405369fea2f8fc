package esimstory_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/esimstory"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/retry"
	"github.com/simkit/simkit/signing"
	"github.com/simkit/simkit/simkittest"
)

// Outcomes a fault-matrix case expects from CreateOrder.
const (
	gotOrder     = "order"     // the order, with its topup_ids
	gotRecovered = "recovered" // the order, Recovered, unit count from the request
	gotOpen      = "open"      // the last answer's error, marked Ambiguous with Reference and Started
)

type matrixCase struct {
	simkittest.FaultCase
	// faults are injected on the orders route (the case's Fault among them).
	faults []simkittest.Fault
	want   string
	// charged is whether the provider holds the order once the call ends.
	charged bool
}

// documented error bodies, for faults that answer in the provider's shapes.
const (
	body401      = `{"error":{"code":"unauthorized","message":"Invalid signature."}}`
	body400      = `{"error":"Invalid JSON format"}`
	body422      = `{"errors":["Product with option_id not found"]}`
	body422Up    = `{"errors":["eSIM Request failed - Status: 503, Message: upstream down"]}`
	body500      = `{"error":"Internal server error"}`
	ordersRoute  = simkittest.ESIMStoryPrefix + "/v1/api_partner/orders"
	matrixExtID  = "ORDER-MATRIX-1"
	matrixQty    = 3
	matrixPolicy = 3
)

func postFault(kind simkittest.FaultKind, status int, body string, times int) simkittest.Fault {
	return simkittest.Fault{Provider: simkittest.ProviderESIMStory, Method: http.MethodPost, Path: ordersRoute, Kind: kind, Status: status, Body: body, Times: times}
}

func matrixCases() []matrixCase {
	var cs []matrixCase
	// eSIM Story dedupes by external order id, so an answer before the
	// work is retried to the order and one after it is recovered.
	for _, fc := range simkittest.FaultCases() {
		f := postFault(fc.Fault.Kind, fc.Fault.Status, "", fc.Fault.Times)
		f.Header = fc.Fault.Header
		want := gotRecovered
		if f.Kind == simkittest.Status || f.Kind == simkittest.StatusAfterHandling {
			f.Body = fmt.Sprintf(`{"error":%q}`, http.StatusText(f.Status))
		}
		if f.Kind == simkittest.Status {
			want = gotOrder
		}
		cs = append(cs, matrixCase{FaultCase: fc, faults: []simkittest.Fault{f}, want: want, charged: true})
	}
	row := func(name string, want string, charged bool, faults ...simkittest.Fault) matrixCase {
		return matrixCase{FaultCase: simkittest.FaultCase{Name: name, Proto: simkittest.MatrixHTTP1}, faults: faults, want: want, charged: charged}
	}
	cs = append(cs, row("500 after handling on every attempt", gotOpen, true, postFault(simkittest.StatusAfterHandling, 500, body500, 0)))
	for _, d := range []struct {
		name, body string
		status     int
	}{
		{"401", body401, 401}, {"400", body400, 400}, {"422 unknown option", body422, 422}, {"422 upstream failure", body422Up, 422},
	} {
		cs = append(cs,
			row("drop after handling, then "+d.name, gotOpen, true,
				postFault(simkittest.DropAfterHandling, 0, "", 1), postFault(simkittest.Status, d.status, d.body, 0)),
			row("drop before handling, then "+d.name, gotOpen, false,
				postFault(simkittest.DropBeforeHandling, 0, "", 1), postFault(simkittest.Status, d.status, d.body, 0)))
	}
	return cs
}

// matrixServer is one eSIM Story fake behind the faults, served over the
// case's protocol, with a client transport of its own (a fresh pool).
type matrixServer struct {
	fake     *simkittest.ESIMStoryFake
	faults   *simkittest.Faults
	srv      *httptest.Server
	rt       *http.Transport
	requests atomic.Int64
}

func newMatrixServer(t *testing.T, c matrixCase, now func() time.Time) *matrixServer {
	t.Helper()
	m := &matrixServer{
		fake: simkittest.NewESIMStoryFake(simkittest.ESIMStoryFakeConfig{
			AccessKey: simkittest.FakeESIMStoryAccessKey, SecretKey: simkittest.FakeESIMStorySecretKey, Now: now,
		}),
		faults: &simkittest.Faults{},
	}
	for _, f := range c.faults {
		m.faults.Add(f)
	}
	t.Cleanup(m.fake.Close)
	faulty := m.faults.Wrap(simkittest.ProviderESIMStory, simkittest.ESIMStoryPrefix, m.fake)
	m.srv, m.rt = simkittest.ServeFaultMatrix(t, c.Proto, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			m.requests.Add(1)
		}
		faulty.ServeHTTP(w, r)
	}))
	return m
}

// trackerHook is what a webhook handler with RejectUnknown does with the
// tracker: 404 for a delivery no order expects, else record it.
func trackerHook(tr *esimstory.Tracker) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var d esimstory.Delivery
		if err := json.NewDecoder(r.Body).Decode(&d); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		known, err := tr.Known(r.Context(), &d)
		switch {
		case err != nil:
			w.WriteHeader(http.StatusInternalServerError)
		case !known:
			w.WriteHeader(http.StatusNotFound)
		default:
			if err := tr.Record(r.Context(), &d); err != nil {
				w.WriteHeader(http.StatusInternalServerError)
			}
		}
	})
}

type matrixRow struct {
	call, fault, conn          string
	requests, orders, units    int
	got, deliveries, repeatGot string
}

func outcome(order *esimstory.Order, err error) string {
	var e *apierror.Error
	switch {
	case err == nil && order.Recovered:
		return fmt.Sprintf("%s (%d units)", gotRecovered, len(order.Units))
	case err == nil:
		return fmt.Sprintf("%s (%d topup_ids)", gotOrder, len(order.TopupIDs()))
	case errors.As(err, &e) && e.Ambiguous:
		return fmt.Sprintf("%s: HTTP %d, ambiguous, ref %s", gotOpen, e.StatusCode, e.Reference)
	}
	return "error: " + err.Error()
}

// TestFaultMatrix drives CreateOrder, the one eSIM Story call that moves
// money, through every fault of the money-safety acceptance list against
// the simkittest fake, and asserts: never a second order; an order that
// exists is returned (with its topup_ids, or recovered) or, when the
// answers cannot tell, the last answer's error marked Ambiguous with the
// reference (never a plain definite refusal); its deliveries are accepted
// by the tracker either way; and calling again with the same id settles it
// without a second order.
func TestFaultMatrix(t *testing.T) {
	start := time.Unix(1768478058, 0).UTC()
	var rows []matrixRow
	for _, c := range matrixCases() {
		conn := c.Conn()
		t.Run(c.Name+"/"+conn, func(t *testing.T) {
			m := newMatrixServer(t, c, func() time.Time { return start })
			tr := esimstory.NewTracker(nil, func(o *esimstory.TrackerOptions) { o.RejectUnknown = true; o.Poll = 5 * time.Millisecond })
			m.fake.SetWebhookHandler(trackerHook(tr))
			var waits []time.Duration
			var mu sync.Mutex
			client, err := esimstory.New(func(o *esimstory.Options) {
				o.BaseURL = m.srv.URL + simkittest.ESIMStoryPrefix
				o.AccessKey = signing.NewSecret(simkittest.FakeESIMStoryAccessKey)
				o.SecretKey = signing.NewSecret(simkittest.FakeESIMStorySecretKey)
				o.Transport = m.rt
				o.Limiter = option.NoLimit
				o.Tracker = tr
				o.Now = func() time.Time { return start }
				o.Retry = retry.Policy{MaxAttempts: matrixPolicy, BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond,
					RateLimitDelay: 2 * time.Millisecond, MaxRetryAfter: 5 * time.Second,
					Sleep: func(ctx context.Context, d time.Duration) error {
						mu.Lock()
						waits = append(waits, d)
						mu.Unlock()
						return ctx.Err()
					}}
			})
			require.NoError(t, err)
			ctx := context.Background()
			if c.Reused {
				// A cheap call on the same pool: its connection is idle and reused.
				// An HTTP/1 connection goes back to the pool on the transport's
				// own goroutine after the body is drained: wait for it, or a
				// loaded machine sends the order on a fresh connection.
				idle := make(chan struct{}, 1)
				prime := &httptrace.ClientTrace{PutIdleConn: func(err error) {
					if err == nil {
						select {
						case idle <- struct{}{}:
						default:
						}
					}
				}}
				req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, prime), http.MethodGet, m.srv.URL+ordersRoute, nil)
				require.NoError(t, err)
				resp, err := (&http.Client{Transport: m.rt}).Do(req)
				require.NoError(t, err)
				_, _ = io.Copy(io.Discard, resp.Body) // a drained body frees the connection
				_ = resp.Body.Close()
				require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
				if c.Proto != simkittest.MatrixHTTP2 {
					select {
					case <-idle:
					case <-time.After(10 * time.Second):
						t.Fatal("the priming call's connection never went back to the pool")
					}
				}
			}
			var firstReused atomic.Int32
			firstReused.Store(-1)
			trace := &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) {
				v := int32(0)
				if info.Reused {
					v = 1
				}
				firstReused.CompareAndSwap(-1, v)
			}}
			params := esimstory.CreateOrderParams{ExternalOrderID: matrixExtID, Products: []esimstory.OrderProductParams{{OptionID: simkittest.ESIMStoryOptionA, Qty: 2}, {OptionID: simkittest.ESIMStoryOptionB, Qty: 1}}}
			var callOpts []option.CallOption
			if c.Timeout > 0 {
				callOpts = append(callOpts, option.WithTimeout(c.Timeout))
			}
			order, err := client.CreateOrder(httptrace.WithClientTrace(ctx, trace), params, callOpts...)
			row := matrixRow{call: "CreateOrder", fault: c.Name, conn: conn, requests: int(m.requests.Load()),
				orders: m.fake.OrderCount(), units: len(m.fake.Units(matrixExtID)), got: outcome(order, err)}
			wantReused := int32(0)
			if c.Reused {
				wantReused = 1
			}
			require.Equal(t, wantReused, firstReused.Load(), "the first attempt's connection is fresh or reused as the case says")

			// Never a second charge, and the provider holds the order iff expected.
			require.LessOrEqual(t, row.orders, 1)
			if c.charged {
				require.Equal(t, 1, row.orders)
				require.Equal(t, matrixQty, row.units)
			} else {
				require.Zero(t, row.orders)
			}
			switch c.want {
			case gotOrder:
				require.NoError(t, err)
				require.False(t, order.Recovered)
				require.Len(t, order.TopupIDs(), matrixQty)
			case gotRecovered:
				require.NoError(t, err, "never an error for an order that exists")
				require.True(t, order.Recovered)
				require.Len(t, order.Units, matrixQty)
			case gotOpen:
				// A repeat is safe here, so never ErrOutcomeUnknown ("do not
				// repeat"): the last answer's error, marked as open.
				require.Error(t, err)
				require.NotErrorIs(t, err, apierror.ErrOutcomeUnknown)
				require.Contains(t, err.Error(), "same external order id is safe")
				var e *apierror.Error
				require.ErrorAs(t, err, &e)
				require.True(t, e.Ambiguous)
				require.Equal(t, matrixExtID, e.Reference)
				require.Equal(t, start, e.Started)
				require.Equal(t, "POST /v1/api_partner/orders", e.Op)
			}
			if c.RetryAfter > 0 {
				require.Contains(t, waits, c.RetryAfter, "Retry-After is honoured")
			}

			// The tracker accepts every delivery of an order that exists and
			// Wait sees all of its units.
			row.deliveries = "-"
			if c.charged {
				require.NoError(t, m.fake.DeliverAll(matrixExtID), "no delivery refused")
				wctx, cancel := context.WithTimeout(ctx, 2*time.Second)
				ds, err := tr.Wait(wctx, matrixExtID)
				cancel()
				require.NoError(t, err)
				require.Len(t, ds, matrixQty)
				row.deliveries = fmt.Sprintf("%d/%d accepted", len(ds), matrixQty)
			}

			// Calling again with the same id is safe: it settles the order
			// and never creates a second one.
			row.repeatGot = "-"
			if c.want == gotOpen {
				m.faults.Clear()
				again, err := client.CreateOrder(ctx, params)
				require.NoError(t, err)
				require.Equal(t, 1, m.fake.OrderCount())
				require.Equal(t, c.charged, again.Recovered)
				require.Len(t, again.Units, matrixQty)
				row.repeatGot = outcome(again, nil)
			}
			rows = append(rows, row)
		})
	}
	cells := make([][]string, len(rows))
	for i, r := range rows {
		cells[i] = []string{r.call, r.fault, r.conn, fmt.Sprint(r.requests), fmt.Sprintf("%d order/%d u", r.orders, r.units), r.got, r.deliveries, r.repeatGot}
	}
	t.Log(simkittest.FaultTable([]string{"call", "fault", "connection", "requests", "charged", "caller got", "deliveries", "same id again"}, cells))
}

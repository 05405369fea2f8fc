package partner_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/partner"
	"github.com/simkit/simkit/retry"
	"github.com/simkit/simkit/signing"
	"github.com/simkit/simkit/simkittest"
)

// proto is how the matrix server speaks.
type proto string

const (
	h1    proto = "http/1.1"
	h1TLS proto = "tls"
	h2    proto = "http/2"
)

// matrixServer is a real Partner fake behind the real fault injector,
// served over one protocol. posts counts the money requests that reached
// the fake (past the injector's before-handling faults).
type matrixServer struct {
	fake   *simkittest.PartnerFake
	faults *simkittest.Faults
	srv    *httptest.Server
	proto  proto
	// stalls is how many money requests are handled and then left without
	// an answer until the client gives up (a client timeout after the
	// work was done).
	stalls atomic.Int32
	posts  atomic.Int32
}

func startMatrixServer(t *testing.T, p proto) *matrixServer {
	t.Helper()
	m := &matrixServer{
		fake: simkittest.NewPartnerFake(simkittest.PartnerFakeConfig{
			Token: simkittest.FakePartnerToken, Secret: simkittest.FakePartnerSecret,
		}),
		faults: &simkittest.Faults{},
		proto:  p,
	}
	t.Cleanup(m.fake.Close)
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			m.fake.ServeHTTP(w, r)
			return
		}
		m.posts.Add(1)
		if m.stalls.Add(-1) < 0 {
			m.stalls.Add(1)
			m.fake.ServeHTTP(w, r)
			return
		}
		// Do the work, then answer nothing until the client hangs up.
		m.fake.ServeHTTP(httptest.NewRecorder(), r)
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	m.srv = httptest.NewUnstartedServer(m.faults.Wrap(simkittest.ProviderPartner, simkittest.PartnerPrefix, inner))
	switch p {
	case h1:
		m.srv.Start()
	case h1TLS:
		m.srv.StartTLS()
	case h2:
		m.srv.EnableHTTP2 = true
		m.srv.StartTLS()
	}
	t.Cleanup(m.srv.Close)
	return m
}

// client builds a partner client with its own connection pool (so its first
// call opens a fresh connection) and a retry policy that records waits
// instead of sleeping.
func (m *matrixServer) client(t *testing.T) (*partner.Client, *[]time.Duration) {
	t.Helper()
	var rt *http.Transport
	if m.proto == h1 {
		rt = http.DefaultTransport.(*http.Transport).Clone()
	} else {
		rt = m.srv.Client().Transport.(*http.Transport).Clone()
		rt.ForceAttemptHTTP2 = m.proto == h2
	}
	t.Cleanup(rt.CloseIdleConnections)
	var mu sync.Mutex
	waits := &[]time.Duration{}
	c, err := partner.New(func(o *partner.Options) {
		o.BaseURL = m.srv.URL + simkittest.PartnerPrefix
		o.Token = signing.NewSecret(simkittest.FakePartnerToken)
		o.Secret = signing.NewSecret(simkittest.FakePartnerSecret)
		o.Transport = rt
		o.Limiter = option.NoLimit
		o.Retry = retry.Policy{
			MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond,
			RateLimitDelay: time.Millisecond, MaxRetryAfter: 5 * time.Second,
			Sleep: func(ctx context.Context, d time.Duration) error {
				mu.Lock()
				*waits = append(*waits, d)
				mu.Unlock()
				return ctx.Err()
			},
		}
	})
	require.NoError(t, err)
	return c, waits
}

// moneyCall is one of the provider's money-moving calls.
type moneyCall struct {
	name string
	path string
	do   func(ctx context.Context, c *partner.Client, externalID string, opts ...option.CallOption) (*partner.Order, error)
}

var moneyCalls = []moneyCall{
	{"CreateOrder", "/orders", func(ctx context.Context, c *partner.Client, id string, opts ...option.CallOption) (*partner.Order, error) {
		return c.CreateOrder(ctx, partner.CreateOrderParams{ExternalID: id, Item: partner.OrderItemParams{SKUID: simkittest.PartnerSKUVoucher, Quantity: 1}}, opts...)
	}},
	{"TopupESIM", "/services/esim/" + simkittest.PartnerICCID + "/topup", func(ctx context.Context, c *partner.Client, id string, opts ...option.CallOption) (*partner.Order, error) {
		return c.TopupESIM(ctx, simkittest.PartnerICCID, partner.TopupESIMParams{ExternalID: id}, opts...)
	}},
}

// outcome is what a case expects the caller to get.
type outcome int

const (
	// settledOrder: the one order, nil error.
	settledOrder outcome = iota
	// nothingBought: a definite error, no order at the server.
	nothingBought
	// unsettledSafeToRepeat: an ambiguous error carrying Reference and
	// Started; repeating the call with the same id returns the one order.
	unsettledSafeToRepeat
)

type faultCase struct {
	name  string
	proto proto
	// reused makes one cheap call first so the money call goes out on an
	// idle keep-alive connection.
	reused bool
	// faults are injected on the money call's route (POST) unless they
	// name their own Method/Path.
	faults  []simkittest.Fault
	stalls  int32
	timeout time.Duration
	// setup runs before the call (e.g. an empty balance).
	setup  func(*matrixServer)
	want   outcome
	wantIs error
	// wantWait is a wait the retry must have taken (a Retry-After).
	wantWait time.Duration
}

func statusFault(kind simkittest.FaultKind, status int, times int) simkittest.Fault {
	return simkittest.Fault{Kind: kind, Status: status, Times: times}
}

func faultCases() []faultCase {
	var cases []faultCase
	for _, p := range []proto{h1, h1TLS, h2} {
		for _, reused := range []bool{false, true} {
			conn := "fresh"
			if reused {
				conn = "reused"
			}
			cases = append(cases, faultCase{
				name: "drop after handling/" + string(p) + "/" + conn, proto: p, reused: reused,
				faults: []simkittest.Fault{{Kind: simkittest.DropAfterHandling, Times: 1}}, want: settledOrder,
			})
		}
	}
	for _, st := range []int{500, 502, 503, 504} {
		cases = append(cases,
			faultCase{name: fmt.Sprintf("%d before handling", st), proto: h1, reused: true,
				faults: []simkittest.Fault{statusFault(simkittest.Status, st, 1)}, want: settledOrder},
			faultCase{name: fmt.Sprintf("%d after handling", st), proto: h1, reused: true,
				faults: []simkittest.Fault{statusFault(simkittest.StatusAfterHandling, st, 1)}, want: settledOrder},
			faultCase{name: fmt.Sprintf("%d after handling, every attempt", st), proto: h1, reused: true,
				faults: []simkittest.Fault{statusFault(simkittest.StatusAfterHandling, st, 0)}, want: settledOrder},
		)
	}
	cases = append(cases,
		faultCase{name: "503 before handling, every attempt", proto: h1,
			faults: []simkittest.Fault{statusFault(simkittest.Status, 503, 0)}, want: nothingBought, wantIs: apierror.ErrUnavailable},
		faultCase{name: "429 without Retry-After", proto: h1, reused: true,
			faults: []simkittest.Fault{{Kind: simkittest.Status, Status: 429, Times: 1, Body: `{"success":false,"message":"Too Many Attempts."}`}}, want: settledOrder},
		faultCase{name: "429 with Retry-After", proto: h1, reused: true,
			faults: []simkittest.Fault{{Kind: simkittest.Status, Status: 429, Times: 1, Body: `{"success":false,"message":"Too Many Attempts."}`,
				Header: http.Header{"Retry-After": {"2"}}}}, want: settledOrder, wantWait: 2 * time.Second},
		faultCase{name: "client timeout after handling", proto: h1, reused: true, stalls: 1, timeout: 100 * time.Millisecond, want: settledOrder},
		faultCase{name: "client timeout after handling, every attempt", proto: h1, stalls: 3, timeout: 100 * time.Millisecond, want: settledOrder},
		faultCase{name: "malformed 2xx", proto: h1, reused: true,
			faults: []simkittest.Fault{{Kind: simkittest.MalformedBody, Times: 1}}, want: settledOrder},
		faultCase{name: "truncated 2xx", proto: h1, reused: true,
			faults: []simkittest.Fault{{Kind: simkittest.TruncatedBody, Times: 1}}, want: settledOrder},
		faultCase{name: "drop before handling, every attempt", proto: h1,
			faults: []simkittest.Fault{{Kind: simkittest.DropBeforeHandling}}, want: unsettledSafeToRepeat, wantIs: apierror.ErrUnavailable},
		faultCase{name: "drop after handling, then 401", proto: h1,
			faults: []simkittest.Fault{{Kind: simkittest.DropAfterHandling, Times: 1},
				{Kind: simkittest.Status, Status: 401, Times: 1, Body: `{"success":false,"message":"Unauthenticated."}`}}, want: settledOrder},
		faultCase{name: "drop after handling, then 400 insufficient balance", proto: h1,
			faults: []simkittest.Fault{{Kind: simkittest.DropAfterHandling, Times: 1},
				{Kind: simkittest.Status, Status: 400, Times: 1, Body: `{"success":false,"message":"Insufficient balance"}`}}, want: settledOrder},
		faultCase{name: "drop after handling, then 422 insufficient balance", proto: h1,
			faults: []simkittest.Fault{{Kind: simkittest.DropAfterHandling, Times: 1},
				{Kind: simkittest.Status, Status: 422, Times: 1, Body: `{"success":false,"message":"Insufficient balance (including overdraft)."}`}}, want: settledOrder},
		faultCase{name: "500 after handling, then 422 validation", proto: h1,
			faults: []simkittest.Fault{statusFault(simkittest.StatusAfterHandling, 500, 1),
				{Kind: simkittest.Status, Status: 422, Times: 1, Body: `{"success":false,"message":"The given data was invalid.","errors":{"item":["invalid"]}}`}}, want: settledOrder},
		faultCase{name: "drop after handling, look-up down", proto: h1,
			faults: []simkittest.Fault{{Kind: simkittest.DropAfterHandling},
				{Kind: simkittest.Status, Status: 503, Method: http.MethodGet, Path: "/orders"}}, want: unsettledSafeToRepeat, wantIs: apierror.ErrUnavailable},
		faultCase{name: "no fault, empty balance", proto: h1,
			setup: func(m *matrixServer) { m.fake.SetBalance(decimal.Zero) }, want: nothingBought, wantIs: apierror.ErrInsufficientFunds},
	)
	return cases
}

// TestFaultMatrix drives every money call through every fault against the
// real fake: never a second charge, never an error for an order that
// exists (unless the look-up itself cannot run, and then the error says
// the call may be repeated, and repeating it returns the one order).
func TestFaultMatrix(t *testing.T) {
	type row struct{ call, fault, posts, charges, got string }
	var rows []row
	for _, mc := range moneyCalls {
		for _, tc := range faultCases() {
			t.Run(mc.name+"/"+tc.name, func(t *testing.T) {
				m := startMatrixServer(t, tc.proto)
				c, waits := m.client(t)
				ctx := context.Background()
				if tc.reused {
					_, err := c.Balance(ctx)
					require.NoError(t, err)
				}
				if tc.setup != nil {
					tc.setup(m)
				}
				for _, f := range tc.faults {
					f.Provider = simkittest.ProviderPartner
					if f.Path == "" {
						f.Method, f.Path = http.MethodPost, mc.path
					}
					m.faults.Add(f)
				}
				m.stalls.Store(tc.stalls)
				var opts []option.CallOption
				if tc.timeout > 0 {
					opts = append(opts, option.WithTimeout(tc.timeout))
				}
				extID := "FM-" + strings.NewReplacer("/", "-", " ", "-", ",", "").Replace(tc.name)
				before := m.fake.Balance()
				o, err := mc.do(ctx, c, extID, opts...)
				if len(tc.faults) > 0 {
					require.Positive(t, m.faults.Hits(), "the fault fired")
				}
				orders := ordersWith(m.fake, extID)
				got := describe(o, err)

				switch tc.want {
				case settledOrder:
					require.NoError(t, err)
					require.Len(t, orders, 1, "exactly one order")
					require.Equal(t, extID, o.ExternalID)
					require.Equal(t, orders[0].ID, o.ID)
				case nothingBought:
					require.ErrorIs(t, err, tc.wantIs)
					require.Empty(t, orders)
					require.True(t, before.Equal(m.fake.Balance()), "nothing charged")
				case unsettledSafeToRepeat:
					require.ErrorIs(t, err, tc.wantIs)
					require.NotErrorIs(t, err, apierror.ErrOutcomeUnknown, "the provider dedupes: repeating is safe, not unknown")
					var e *apierror.Error
					require.ErrorAs(t, err, &e)
					require.True(t, e.Ambiguous)
					require.Equal(t, extID, e.Reference)
					require.False(t, e.Started.IsZero())
					require.Contains(t, e.Error(), "calling again with the same external_id is safe")
					require.LessOrEqual(t, len(orders), 1)
					// Repeat as the error says: the one order, never a second.
					m.faults.Clear()
					again, rerr := mc.do(ctx, c, extID)
					require.NoError(t, rerr)
					require.Len(t, ordersWith(m.fake, extID), 1)
					require.Equal(t, extID, again.ExternalID)
					got += "; repeated: " + describe(again, rerr)
				}
				require.LessOrEqual(t, len(ordersWith(m.fake, extID)), 1, "never a second charge")
				if tc.wantWait > 0 {
					require.Contains(t, *waits, tc.wantWait, "Retry-After honoured")
				}
				rows = append(rows, row{mc.name, tc.name, fmt.Sprint(m.posts.Load()), fmt.Sprint(len(orders)), got})
			})
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n%-12s | %-52s | %5s | %7s | %s\n", "call", "fault", "posts", "charges", "caller got")
	for _, r := range rows {
		fmt.Fprintf(&b, "%-12s | %-52s | %5s | %7s | %s\n", r.call, r.fault, r.posts, r.charges, r.got)
	}
	t.Log(b.String())
}

func ordersWith(f *simkittest.PartnerFake, extID string) []simkittest.PartnerOrder {
	var out []simkittest.PartnerOrder
	for _, o := range f.Orders() {
		if o.ExternalID == extID {
			out = append(out, o)
		}
	}
	return out
}

func describe(o *partner.Order, err error) string {
	if err == nil {
		return "order " + string(o.Status)
	}
	var e *apierror.Error
	if errors.As(err, &e) {
		kind := "error"
		if e.Kind != nil {
			kind = strings.TrimPrefix(e.Kind.Error(), "simkit: ")
		}
		return fmt.Sprintf("%s (HTTP %d, ambiguous=%t, reference=%t)", kind, e.StatusCode, e.Ambiguous, e.Reference != "")
	}
	return err.Error()
}

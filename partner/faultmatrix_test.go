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

// matrixServer is a real Partner fake behind the real fault injector,
// served over one protocol. posts counts the money requests that reached
// the fake (past the injector's before-handling faults).
type matrixServer struct {
	fake   *simkittest.PartnerFake
	faults *simkittest.Faults
	srv    *httptest.Server
	rt     *http.Transport
	posts  atomic.Int32
}

func startMatrixServer(t *testing.T, p simkittest.MatrixProto) *matrixServer {
	t.Helper()
	m := &matrixServer{
		fake: simkittest.NewPartnerFake(simkittest.PartnerFakeConfig{
			Token: simkittest.FakePartnerToken, Secret: simkittest.FakePartnerSecret,
		}),
		faults: &simkittest.Faults{},
	}
	t.Cleanup(m.fake.Close)
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			m.posts.Add(1)
		}
		m.fake.ServeHTTP(w, r)
	})
	m.srv, m.rt = simkittest.ServeFaultMatrix(t, p, m.faults.Wrap(simkittest.ProviderPartner, simkittest.PartnerPrefix, inner))
	return m
}

// client builds a partner client on the server's own connection pool (so
// its first call opens a fresh connection) and a retry policy that records
// waits instead of sleeping.
func (m *matrixServer) client(t *testing.T) (*partner.Client, *[]time.Duration) {
	t.Helper()
	var mu sync.Mutex
	waits := &[]time.Duration{}
	c, err := partner.New(func(o *partner.Options) {
		o.BaseURL = m.srv.URL + simkittest.PartnerPrefix
		o.Token = signing.NewSecret(simkittest.FakePartnerToken)
		o.Secret = signing.NewSecret(simkittest.FakePartnerSecret)
		o.Transport = m.rt
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
	simkittest.FaultCase
	// faults are injected on the money call's route (POST) unless they
	// name their own Method/Path.
	faults []simkittest.Fault
	// setup runs before the call (e.g. an empty balance).
	setup  func(*matrixServer)
	want   outcome
	wantIs error
}

const tooMany = `{"success":false,"message":"Too Many Attempts."}`

// row is a partner-only row on HTTP/1.1; reused sends it on a kept-alive
// connection.
func row(name string, reused bool, want outcome, wantIs error, faults ...simkittest.Fault) faultCase {
	return faultCase{FaultCase: simkittest.FaultCase{Name: name, Proto: simkittest.MatrixHTTP1, Reused: reused}, faults: faults, want: want, wantIs: wantIs}
}

func statusFault(kind simkittest.FaultKind, status int, times int) simkittest.Fault {
	return simkittest.Fault{Kind: kind, Status: status, Times: times}
}

func faultCases() []faultCase {
	var cases []faultCase
	// Partner dedupes orders by external_id, so every standard fault
	// settles to the one order.
	for _, fc := range simkittest.FaultCases() {
		if fc.Fault.Kind == simkittest.Status && fc.Fault.Status == http.StatusTooManyRequests {
			fc.Fault.Body = tooMany
		}
		cases = append(cases, faultCase{FaultCase: fc, faults: []simkittest.Fault{fc.Fault}, want: settledOrder})
	}
	for _, st := range []int{500, 502, 503, 504} {
		cases = append(cases, row(fmt.Sprintf("%d after handling, every attempt", st), true, settledOrder, nil,
			statusFault(simkittest.StatusAfterHandling, st, 0)))
	}
	hang := row("client timeout after handling, every attempt", false, settledOrder, nil, simkittest.Fault{Kind: simkittest.HangAfterHandling})
	hang.Timeout = 100 * time.Millisecond
	empty := row("no fault, empty balance", false, nothingBought, apierror.ErrInsufficientFunds)
	empty.setup = func(m *matrixServer) { m.fake.SetBalance(decimal.Zero) }
	cases = append(cases,
		row("503 before handling, every attempt", false, nothingBought, apierror.ErrUnavailable, statusFault(simkittest.Status, 503, 0)),
		hang,
		row("drop before handling, every attempt", false, unsettledSafeToRepeat, apierror.ErrUnavailable,
			simkittest.Fault{Kind: simkittest.DropBeforeHandling}),
		row("drop after handling, then 401", false, settledOrder, nil, simkittest.Fault{Kind: simkittest.DropAfterHandling, Times: 1},
			simkittest.Fault{Kind: simkittest.Status, Status: 401, Times: 1, Body: `{"success":false,"message":"Unauthenticated."}`}),
		row("drop after handling, then 400 insufficient balance", false, settledOrder, nil, simkittest.Fault{Kind: simkittest.DropAfterHandling, Times: 1},
			simkittest.Fault{Kind: simkittest.Status, Status: 400, Times: 1, Body: `{"success":false,"message":"Insufficient balance"}`}),
		row("drop after handling, then 422 insufficient balance", false, settledOrder, nil, simkittest.Fault{Kind: simkittest.DropAfterHandling, Times: 1},
			simkittest.Fault{Kind: simkittest.Status, Status: 422, Times: 1, Body: `{"success":false,"message":"Insufficient balance (including overdraft)."}`}),
		row("500 after handling, then 422 validation", false, settledOrder, nil, statusFault(simkittest.StatusAfterHandling, 500, 1),
			simkittest.Fault{Kind: simkittest.Status, Status: 422, Times: 1, Body: `{"success":false,"message":"The given data was invalid.","errors":{"item":["invalid"]}}`}),
		row("drop after handling, look-up down", false, unsettledSafeToRepeat, apierror.ErrUnavailable, simkittest.Fault{Kind: simkittest.DropAfterHandling},
			simkittest.Fault{Kind: simkittest.Status, Status: 503, Method: http.MethodGet, Path: "/orders"}),
		empty,
	)
	return cases
}

// TestFaultMatrix drives every money call through every fault against the
// real fake: never a second charge, never an error for an order that
// exists (unless the look-up itself cannot run, and then the error says
// the call may be repeated, and repeating it returns the one order).
func TestFaultMatrix(t *testing.T) {
	var rows [][]string
	for _, mc := range moneyCalls {
		for _, tc := range faultCases() {
			t.Run(mc.name+"/"+tc.Name+"/"+tc.Conn(), func(t *testing.T) {
				m := startMatrixServer(t, tc.Proto)
				c, waits := m.client(t)
				ctx := context.Background()
				if tc.Reused {
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
				var opts []option.CallOption
				if tc.Timeout > 0 {
					opts = append(opts, option.WithTimeout(tc.Timeout))
				}
				extID := "FM-" + strings.NewReplacer("/", "-", " ", "-", ",", "", ":", "").Replace(tc.Name)
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
				if tc.RetryAfter > 0 {
					require.Contains(t, *waits, tc.RetryAfter, "Retry-After honoured")
				}
				rows = append(rows, []string{mc.name, tc.Name, tc.Conn(), fmt.Sprint(m.posts.Load()), fmt.Sprint(len(orders)), got})
			})
		}
	}
	t.Log(simkittest.FaultTable([]string{"call", "fault", "connection", "posts", "charges", "caller got"}, rows))
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

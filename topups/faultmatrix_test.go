package topups_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/retry"
	"github.com/simkit/simkit/signing"
	"github.com/simkit/simkit/simkittest"
	"github.com/simkit/simkit/topups"
)

const (
	matrixSubmitPath = "/customer/v2/orders/topups"
	matrixRenewPath  = "/api/third-party/partner/renew-number/"
	matrixEmail      = "user@example.com"
	matrixPackage    = "merhaba-7days-1gb-topup"
)

// matrixServer serves the real top-up fake through the real fault
// injector, over HTTP/1.1, TLS or HTTP/2, plus a fault the injector has no
// kind for: refusing the first orders look-up that follows a submit (an
// ambiguous attempt, then a definite 4xx).
type matrixServer struct {
	fake   *simkittest.TopupsFake
	faults *simkittest.Faults
	srv    *httptest.Server
	rt     *http.Transport

	mu             sync.Mutex
	refuseLookup   bool // refuse the next orders look-up after a submit
	submitted      bool
	submitRequests int
	renewRequests  int
}

func newMatrixServer(t *testing.T, proto simkittest.MatrixProto) *matrixServer {
	t.Helper()
	m := &matrixServer{
		fake: simkittest.NewTopupsFake(simkittest.TopupsFakeConfig{
			ClientID: simkittest.FakeTopupsClientID, ClientSecret: simkittest.FakeTopupsClientSecret,
			RenewalKey: simkittest.FakeRenewalKey, TokenLimit: -1,
		}),
		faults: &simkittest.Faults{},
	}
	h := m.faults.Wrap(simkittest.ProviderTopups, "", m.fake)
	m.srv, m.rt = simkittest.ServeFaultMatrix(t, proto, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { m.serve(w, r, h) }))
	return m
}

func (m *matrixServer) serve(w http.ResponseWriter, r *http.Request, h http.Handler) {
	m.mu.Lock()
	switch {
	case r.Method == http.MethodPost && r.URL.Path == matrixSubmitPath:
		m.submitRequests++
		m.submitted = true
	case r.URL.Path == matrixRenewPath:
		m.renewRequests++
	}
	refuse := m.refuseLookup && m.submitted && r.Method == http.MethodGet && r.URL.Path == "/customer/v2/orders"
	if refuse {
		m.refuseLookup = false
	}
	m.mu.Unlock()
	if refuse {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnprocessableEntity)
		_, _ = w.Write([]byte(`{"data":{"filter":"The filter is invalid."},"meta":{"message":"the parameter is invalid"}}`))
		return
	}
	h.ServeHTTP(w, r)
}

// client builds a client of the fake; fresh gives every request its own
// connection, otherwise connections are kept alive and reused.
func (m *matrixServer) client(t *testing.T, fresh bool) *topups.Client {
	t.Helper()
	rt := m.rt
	rt.DisableKeepAlives = fresh
	c, err := topups.New(func(o *topups.Options) {
		o.BaseURL = m.srv.URL
		o.RenewalBaseURL = m.srv.URL
		o.ClientID = simkittest.FakeTopupsClientID
		o.ClientSecret = signing.NewSecret(simkittest.FakeTopupsClientSecret)
		o.RenewalKey = signing.NewSecret(simkittest.FakeRenewalKey)
		o.Transport = rt
		o.Retry = retry.Policy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond,
			RateLimitDelay: 5 * time.Millisecond, MaxRetryAfter: time.Second}
	})
	require.NoError(t, err)
	return c
}

// matrixFault is one row's failure.
type matrixFault struct {
	simkittest.FaultCase
	// refuseLookup: after the first submit, the settling look-up is refused
	// with a definite 422, and the caller calls again with the same reference.
	refuseLookup bool
}

func matrixFaults() []matrixFault {
	var out []matrixFault
	for _, fc := range simkittest.FaultCases() {
		if fc.Fault.Kind == simkittest.Status && fc.Fault.Status == http.StatusTooManyRequests {
			fc.Fault.Body = `{"message":"Too Many Attempts.","code":429}`
		}
		out = append(out, matrixFault{FaultCase: fc})
	}
	return append(out, matrixFault{FaultCase: simkittest.FaultCase{Name: "ambiguous, then definite 4xx", Proto: simkittest.MatrixHTTP1, Reused: true,
		Fault: simkittest.Fault{Kind: simkittest.DropAfterHandling}}, refuseLookup: true})
}

// outcome names what the caller got.
func outcome(v any, err error) string {
	switch {
	case err == nil:
		return fmt.Sprintf("ok %v", v)
	case errors.Is(err, apierror.ErrOutcomeUnknown):
		return "ErrOutcomeUnknown"
	}
	for _, k := range []error{apierror.ErrRateLimited, apierror.ErrValidation, apierror.ErrUnavailable, apierror.ErrServer, apierror.ErrBadResponse} {
		if errors.Is(err, k) {
			return strings.TrimPrefix(k.Error(), "simkit: ")
		}
	}
	return err.Error()
}

// TestFaultMatrix drives every money call of the package (SubmitTopup,
// RenewNumber) through every fault against the real fake, and prints what
// the server charged and what the caller got. It asserts: never a second
// charge; a top-up that exists is never an error (SubmitTopup can look it
// up, at the latest on the caller's repeat with the same reference); a
// renewal whose outcome is ambiguous is ErrOutcomeUnknown; a definite
// refusal means nothing was charged.
func TestFaultMatrix(t *testing.T) {
	var rows [][]string
	for i, mf := range matrixFaults() {
		fresh := !mf.Reused
		t.Run("SubmitTopup/"+mf.Name+"/"+mf.Conn(), func(t *testing.T) {
			m := newMatrixServer(t, mf.Proto)
			c := m.client(t, fresh)
			ctx := context.Background()
			// Warm up: token, and an idle keep-alive connection to reuse.
			_, err := c.TopupPackages(ctx, simkittest.TopupsSeedICCID)
			require.NoError(t, err)
			m.arm(mf, matrixSubmitPath, http.MethodPost)
			var opts []option.CallOption
			if mf.Timeout > 0 {
				opts = append(opts, option.WithTimeout(mf.Timeout))
			}
			p := topups.SubmitTopupParams{PackageID: matrixPackage, ICCID: simkittest.TopupsSeedICCID, Reference: fmt.Sprintf("order-%d", i)}
			o, err := c.SubmitTopup(ctx, p, opts...)
			got := outcome(orderID(o), err)
			if mf.refuseLookup {
				// The caller repeats with the same reference; a submit would
				// now be refused (package gone), but none is sent.
				require.ErrorIs(t, err, apierror.ErrOutcomeUnknown)
				m.fake.ForceError(matrixSubmitPath, 34)
				o, err = c.SubmitTopup(ctx, p)
				got += "; repeat: " + outcome(orderID(o), err)
			}
			charges := m.fake.OrderCount()
			m.mu.Lock()
			sent := m.submitRequests
			m.mu.Unlock()
			rows = append(rows, []string{"SubmitTopup", mf.Name, mf.Conn(), fmt.Sprint(sent), fmt.Sprint(charges), got})

			require.LessOrEqual(t, charges, 1, "never a second top-up")
			require.Equal(t, 1, sent, "the submit reached the provider exactly once")
			if charges == 1 {
				require.NoError(t, err, "a top-up that exists is returned, not an error")
				require.Equal(t, p.Reference, o.Description)
			} else {
				require.Error(t, err)
				var ae *apierror.Error
				require.ErrorAs(t, err, &ae)
				if errors.Is(err, apierror.ErrOutcomeUnknown) {
					require.Equal(t, p.Reference, ae.Reference)
					require.False(t, ae.Started.IsZero())
				}
			}
		})
		t.Run("RenewNumber/"+mf.Name+"/"+mf.Conn(), func(t *testing.T) {
			m := newMatrixServer(t, mf.Proto)
			c := m.client(t, fresh)
			ctx := context.Background()
			_, err := c.TopupPackages(ctx, simkittest.TopupsSeedICCID)
			require.NoError(t, err)
			if !fresh {
				// Keep a connection to the renewal API warm too: a user that
				// is not known is a definite refusal and charges nothing.
				_, err = c.RenewNumber(ctx, topups.RenewNumberParams{Email: "nobody@example.com"})
				require.ErrorIs(t, err, topups.ErrRenewalRefused)
			}
			m.mu.Lock()
			m.renewRequests = 0
			m.mu.Unlock()
			m.arm(mf, matrixRenewPath, http.MethodPost)
			var opts []option.CallOption
			if mf.Timeout > 0 {
				opts = append(opts, option.WithTimeout(mf.Timeout))
			}
			if mf.refuseLookup {
				// No look-up exists: a second attempt would be the definite
				// 4xx; it is never sent.
				m.faults.Add(simkittest.Fault{Provider: simkittest.ProviderTopups, Path: matrixRenewPath, Kind: simkittest.Status, Status: 422})
			}
			res, err := c.RenewNumber(ctx, topups.RenewNumberParams{Email: matrixEmail}, opts...)
			charges := m.fake.Renewals(matrixEmail)
			m.mu.Lock()
			sent := m.renewRequests
			m.mu.Unlock()
			rows = append(rows, []string{"RenewNumber", mf.Name, mf.Conn(), fmt.Sprint(sent), fmt.Sprint(charges), outcome(renewMessage(res), err)})

			require.LessOrEqual(t, charges, 1, "never a second renewal")
			require.Equal(t, 1, sent, "the renewal reached the provider exactly once")
			var ae *apierror.Error
			require.ErrorAs(t, err, &ae)
			if ae.Ambiguous || charges == 1 {
				require.ErrorIs(t, err, apierror.ErrOutcomeUnknown)
				require.NotContains(t, ae.Reference, "user@")
				require.NotContains(t, ae.Error(), matrixEmail)
				require.False(t, ae.Started.IsZero())
			} else {
				require.NotErrorIs(t, err, apierror.ErrOutcomeUnknown)
			}
		})
	}
	t.Log(simkittest.FaultTable([]string{"call", "fault", "connection", "sent", "charges", "caller got"}, rows))
}

// arm injects mf's fault for the next request to path.
func (m *matrixServer) arm(mf matrixFault, path, method string) {
	m.mu.Lock()
	m.submitted = false
	m.refuseLookup = mf.refuseLookup
	m.mu.Unlock()
	if f := mf.Fault; f.Kind != 0 {
		f.Provider, f.Path, f.Method, f.Times = simkittest.ProviderTopups, path, method, 1
		m.faults.Add(f)
	}
}

func orderID(o *topups.Order) string {
	if o == nil {
		return ""
	}
	return "order " + o.ID
}

func renewMessage(r *topups.RenewalResult) string {
	if r == nil {
		return ""
	}
	return r.Message
}

// Package history is rate-gated by the provider (one request per eSIM per
// 15 minutes). When the connection drops after the provider answered, on a
// reused keep-alive connection where net/http would replay a GET by
// itself, the request must not be sent again: the caller gets
// ErrUnavailable saying when the window reopens, never the provider's 429
// for a replay, and later calls inside the window send nothing.
func TestPackageHistoryDropOnReusedConnection(t *testing.T) {
	for _, proto := range []simkittest.MatrixProto{simkittest.MatrixHTTP1, simkittest.MatrixTLS, simkittest.MatrixHTTP2} {
		t.Run(string(proto), func(t *testing.T) {
			m := newMatrixServer(t, proto)
			c := m.client(t, false)
			ctx := context.Background()
			_, err := c.TopupPackages(ctx, simkittest.TopupsSeedICCID) // idle connection to reuse
			require.NoError(t, err)
			m.faults.Add(simkittest.Fault{Provider: simkittest.ProviderTopups, Method: http.MethodGet,
				Path: "/customer/v2/sims/" + simkittest.TopupsSeedICCID + "/packages", Kind: simkittest.DropAfterHandling, Times: 1})

			_, err = c.PackageHistory(ctx, simkittest.TopupsSeedICCID)
			require.ErrorIs(t, err, apierror.ErrUnavailable)
			require.NotErrorIs(t, err, apierror.ErrRateLimited)
			var ae *apierror.Error
			require.ErrorAs(t, err, &ae)
			require.True(t, ae.Ambiguous)
			require.Equal(t, topups.HistoryWindow, ae.RetryAfter)
			require.Equal(t, 1, m.fake.HistoryRequests(simkittest.TopupsSeedICCID), "no replay")

			_, err = c.PackageHistory(ctx, simkittest.TopupsSeedICCID)
			require.ErrorIs(t, err, apierror.ErrRateLimited)
			require.Equal(t, 1, m.fake.HistoryRequests(simkittest.TopupsSeedICCID), "nothing sent inside the window")
		})
	}
}

// Concurrent calls with one reference (a double-clicked checkout) place
// one top-up and all return it.
func TestSubmitTopupConcurrentSameReference(t *testing.T) {
	m := newMatrixServer(t, simkittest.MatrixHTTP1)
	c := m.client(t, false)
	p := topups.SubmitTopupParams{PackageID: matrixPackage, ICCID: simkittest.TopupsSeedICCID, Reference: "checkout-1"}
	const callers = 8
	ids := make([]string, callers)
	errs := make([]error, callers)
	var wg sync.WaitGroup
	for i := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o, err := c.SubmitTopup(context.Background(), p)
			ids[i], errs[i] = orderID(o), err
		}()
	}
	wg.Wait()
	for i := range callers {
		require.NoError(t, errs[i])
		require.Equal(t, ids[0], ids[i])
	}
	require.Equal(t, 1, m.fake.OrderCount())
	m.mu.Lock()
	defer m.mu.Unlock()
	require.Equal(t, 1, m.submitRequests)
}

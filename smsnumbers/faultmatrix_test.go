package smsnumbers_test

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

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/retry"
	"github.com/simkit/simkit/signing"
	"github.com/simkit/simkit/simkittest"
	"github.com/simkit/simkit/smsnumbers"
)

const matrixToken = "matrix-token"

// matrixProto is how the fake is served.
type matrixProto string

const (
	protoHTTP1 matrixProto = "http/1.1"
	protoTLS   matrixProto = "tls"
	protoHTTP2 matrixProto = "http/2"
)

// moneyCall is one money call of the SMS client, set up and run against a
// fake, with a way to count what the fake charged.
type moneyCall struct {
	name string
	// path is the route the faults target.
	path string
	// history is the look-up route used to settle it.
	history string
	// setup prepares the fake (a reusable number for a re-buy).
	setup func(t *testing.T, c *smsnumbers.Client) string
	// run makes the call; id is the order or payment id it returned.
	run func(ctx context.Context, c *smsnumbers.Client, arg string, opts ...option.CallOption) (id int64, recovered bool, err error)
	// charges counts what the fake charged since setup.
	charges func(f *simkittest.SMSFake, before int) int
	// created is the id of the last thing the fake created, to compare
	// with what the caller got.
	created func(f *simkittest.SMSFake) int64
	// snapshot is the counter charges starts from.
	snapshot func(f *simkittest.SMSFake) int
}

var withdrawAmount = decimal.NewFromInt(10)

func orderCount(f *simkittest.SMSFake) int { return len(f.OrderIDs()) }

func lastOrder(f *simkittest.SMSFake) int64 {
	ids := f.OrderIDs()
	if len(ids) == 0 {
		return 0
	}
	return ids[len(ids)-1]
}

func buyCall(name, path, history string, buy func(ctx context.Context, c *smsnumbers.Client, arg string, opts ...option.CallOption) (*smsnumbers.Order, error)) moneyCall {
	return moneyCall{
		name: name, path: path, history: history,
		run: func(ctx context.Context, c *smsnumbers.Client, arg string, opts ...option.CallOption) (int64, bool, error) {
			o, err := buy(ctx, c, arg, opts...)
			if err != nil {
				return 0, false, err
			}
			return o.ID, o.Recovered, nil
		},
		snapshot: orderCount,
		charges:  func(f *simkittest.SMSFake, before int) int { return orderCount(f) - before },
		created:  lastOrder,
	}
}

func moneyCalls() []moneyCall {
	activation := buyCall("BuyActivation", "/v1/user/buy/activation/*", "/v1/user/orders",
		func(ctx context.Context, c *smsnumbers.Client, _ string, opts ...option.CallOption) (*smsnumbers.Order, error) {
			return c.BuyActivation(ctx, smsnumbers.BuyActivationParams{Country: "russia", Operator: smsnumbers.Any, Product: "vkontakte"}, opts...)
		})
	hosting := buyCall("BuyHosting", "/v1/user/buy/hosting/*", "/v1/user/orders",
		func(ctx context.Context, c *smsnumbers.Client, _ string, opts ...option.CallOption) (*smsnumbers.Order, error) {
			return c.BuyHosting(ctx, smsnumbers.BuyHostingParams{Country: "russia", Operator: smsnumbers.Any, Product: smsnumbers.Hosting1Day}, opts...)
		})
	reuse := buyCall("Reuse", "/v1/user/reuse/*", "/v1/user/orders",
		func(ctx context.Context, c *smsnumbers.Client, number string, opts ...option.CallOption) (*smsnumbers.Order, error) {
			return c.Reuse(ctx, smsnumbers.ReuseParams{Product: "vkontakte", Number: number}, opts...)
		})
	reuse.setup = func(t *testing.T, c *smsnumbers.Client) string {
		o, err := c.BuyActivation(context.Background(), smsnumbers.BuyActivationParams{Country: "russia", Operator: "beeline", Product: "vkontakte", Reuse: true})
		require.NoError(t, err)
		// The first order is finished, so its number may be bought again.
		return strings.TrimPrefix(o.Phone, "+")
	}
	withdraw := moneyCall{
		name: "Withdraw", path: "/v1/vendor/withdraw", history: "/v1/vendor/payments",
		run: func(ctx context.Context, c *smsnumbers.Client, _ string, opts ...option.CallOption) (int64, bool, error) {
			w, err := c.Withdraw(ctx, smsnumbers.WithdrawParams{Receiver: "4111111111111111", Method: smsnumbers.MethodVisa, Amount: withdrawAmount, Fee: smsnumbers.FeeFKWallet}, opts...)
			if err != nil {
				return 0, false, err
			}
			if w.Payment != nil {
				return w.Payment.ID, w.Recovered, nil
			}
			return 0, w.Recovered, nil
		},
		snapshot: func(f *simkittest.SMSFake) int {
			// Charges are counted in whole payouts of withdrawAmount.
			return int(f.Wallet("fkwallet").Div(withdrawAmount).IntPart())
		},
		charges: func(f *simkittest.SMSFake, before int) int {
			left := f.Wallet("fkwallet")
			return before - int(left.Div(withdrawAmount).IntPart())
		},
	}
	return []moneyCall{activation, hosting, reuse, withdraw}
}

// matrixFault is one column of the matrix: the faults to inject (on the
// call's route unless they name their own path) and the outcome expected.
type matrixFault struct {
	name   string
	proto  matrixProto
	reused bool
	faults func(call moneyCall) []simkittest.Fault
	// slowAnswer holds the call's answer, after the fake did the work,
	// longer than the client's per-attempt timeout.
	slowAnswer bool
	// force makes the fake refuse the call with this provider text.
	force string
	// charged is how many charges the fault leaves (0 or 1); want is the
	// error the caller gets (nil: the order or payout, recovered when
	// recovered is set).
	charged   int
	want      error
	recovered bool
}

func on(kind simkittest.FaultKind, status int) func(moneyCall) []simkittest.Fault {
	return func(call moneyCall) []simkittest.Fault {
		return []simkittest.Fault{{Provider: simkittest.ProviderSMS, Path: call.path, Times: 1, Kind: kind, Status: status}}
	}
}

func matrixFaults() []matrixFault {
	var out []matrixFault
	for _, proto := range []matrixProto{protoHTTP1, protoTLS, protoHTTP2} {
		for _, reused := range []bool{false, true} {
			out = append(out, matrixFault{
				name: "drop after handling", proto: proto, reused: reused,
				faults: on(simkittest.DropAfterHandling, 0), charged: 1, recovered: true,
			})
		}
	}
	for _, st := range []int{500, 502, 503, 504} {
		out = append(out,
			matrixFault{name: fmt.Sprintf("%d before handling", st), proto: protoHTTP1, faults: on(simkittest.Status, st), want: apierror.ErrOutcomeUnknown},
			matrixFault{name: fmt.Sprintf("%d after handling", st), proto: protoHTTP1, faults: on(simkittest.StatusAfterHandling, st), charged: 1, recovered: true},
		)
	}
	out = append(out,
		matrixFault{name: "429", proto: protoHTTP1, faults: on(simkittest.Status, 429), want: apierror.ErrRateLimited},
		matrixFault{name: "429 with Retry-After", proto: protoHTTP1, want: apierror.ErrRateLimited,
			faults: func(call moneyCall) []simkittest.Fault {
				return []simkittest.Fault{{Provider: simkittest.ProviderSMS, Path: call.path, Times: 1, Kind: simkittest.Status, Status: 429,
					Header: http.Header{"Retry-After": {"1"}}}}
			}},
		matrixFault{name: "client timeout after handling", proto: protoHTTP1, slowAnswer: true, faults: on(0, 0), charged: 1, recovered: true},
		matrixFault{name: "malformed 2xx", proto: protoHTTP1, faults: on(simkittest.MalformedBody, 0), charged: 1, recovered: true},
		matrixFault{name: "truncated 2xx", proto: protoHTTP1, faults: on(simkittest.TruncatedBody, 0), charged: 1, recovered: true},
		// A buy is sent once, so the only later answer is the look-up's:
		// a transient one is retried and settles; a definite refusal
		// leaves the outcome unknown, never "not bought".
		matrixFault{name: "ambiguous, then look-up 503 once", proto: protoHTTP1, charged: 1, recovered: true,
			faults: func(call moneyCall) []simkittest.Fault {
				return append(on(simkittest.DropAfterHandling, 0)(call),
					simkittest.Fault{Provider: simkittest.ProviderSMS, Path: call.history, Times: 1, Kind: simkittest.Status, Status: 503})
			}},
		matrixFault{name: "ambiguous, then definite 4xx (look-up 401)", proto: protoHTTP1, charged: 1, want: apierror.ErrOutcomeUnknown,
			faults: func(call moneyCall) []simkittest.Fault {
				return append(on(simkittest.StatusAfterHandling, 502)(call),
					simkittest.Fault{Provider: simkittest.ProviderSMS, Path: call.history, Times: 1, Kind: simkittest.Status, Status: 401, Body: " "})
			}},
		matrixFault{name: "definite 4xx: not enough user balance", proto: protoHTTP1, faults: on(0, 0), force: "not enough user balance", want: apierror.ErrInsufficientFunds},
	)
	return out
}

// slowAfter holds the answer to a request on path (after the fake did the
// work) until the client gives up, as a provider whose answer comes too late.
func slowAfter(h http.Handler, match func(*http.Request) bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !match(r) {
			h.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		select {
		case <-r.Context().Done():
		case <-time.After(2 * time.Second):
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	})
}

// counting counts the requests that reach the server on the money route,
// dropped or not.
type counting struct {
	mu    sync.Mutex
	n     int
	match func(*http.Request) bool
	next  http.Handler
}

func (c *counting) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if c.match(r) {
		c.mu.Lock()
		c.n++
		c.mu.Unlock()
	}
	c.next.ServeHTTP(w, r)
}

func (c *counting) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// serveMatrix serves h over proto and returns its URL and a transport that
// trusts it; every call of this returns a fresh transport (no shared pool).
func serveMatrix(t *testing.T, proto matrixProto, h http.Handler) (string, *http.Transport) {
	t.Helper()
	if proto == protoHTTP1 {
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		return srv.URL, srv.Client().Transport.(*http.Transport).Clone()
	}
	srv := httptest.NewUnstartedServer(h)
	srv.EnableHTTP2 = proto == protoHTTP2
	srv.StartTLS()
	t.Cleanup(srv.Close)
	rt := srv.Client().Transport.(*http.Transport).Clone()
	rt.ForceAttemptHTTP2 = proto == protoHTTP2
	return srv.URL, rt
}

// TestFaultMatrix drives every SMS money call through every fault against
// the SMS fake and prints what the server charged and what the caller got.
// It asserts: never a second charge, never an error for an order or payout
// that exists unless its look-up itself was refused (then
// ErrOutcomeUnknown), and the right definite error when nothing happened.
func TestFaultMatrix(t *testing.T) {
	type row struct{ call, fault, conn, got string }
	var rows []row
	for _, call := range moneyCalls() {
		for _, mf := range matrixFaults() {
			conn := string(mf.proto) + map[bool]string{false: " fresh", true: " reused"}[mf.reused]
			t.Run(call.name+"/"+mf.name+"/"+conn, func(t *testing.T) {
				fake := simkittest.NewSMSFake(simkittest.SMSFakeConfig{Token: matrixToken})
				faults := &simkittest.Faults{}
				onRoute := func(r *http.Request) bool {
					return strings.HasPrefix(r.URL.Path, strings.TrimSuffix(call.path, "*"))
				}
				var inner http.Handler = fake
				if mf.slowAnswer {
					inner = slowAfter(fake, onRoute)
				}
				counter := &counting{match: onRoute, next: faults.Wrap(simkittest.ProviderSMS, "", inner)}
				base, rt := serveMatrix(t, mf.proto, counter)
				c, err := smsnumbers.New(func(o *smsnumbers.Options) {
					o.BaseURL = base
					o.Token = signing.NewSecret(matrixToken)
					o.Transport = rt
					o.Limiter = option.NoLimit
					o.Retry = retry.Policy{MaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond,
						RateLimitDelay: time.Millisecond, MaxRetryAfter: 10 * time.Millisecond}
				})
				require.NoError(t, err)
				ctx := context.Background()
				arg := ""
				if call.setup != nil {
					arg = call.setup(t, c)
				}
				before, sentBefore := call.snapshot(fake), counter.count()
				if mf.reused {
					// An idle keep-alive connection for the money call to reuse.
					_, err := c.Profile(ctx)
					require.NoError(t, err)
				}
				for _, f := range mf.faults(call) {
					if f.Kind != 0 {
						faults.Add(f)
					}
				}
				if mf.force != "" {
					fake.ForceError(forcedPath(call, arg), mf.force)
				}
				var opts []option.CallOption
				if mf.slowAnswer {
					opts = append(opts, option.WithTimeout(50*time.Millisecond))
				}
				id, recovered, err := call.run(ctx, c, arg, opts...)

				charges := call.charges(fake, before)
				sent := counter.count() - sentBefore
				got := "ok"
				switch {
				case err != nil:
					got = describe(err)
				case recovered:
					got = "ok, recovered"
				}
				rows = append(rows, row{call.name, mf.name, conn, fmt.Sprintf("sent %d, charged %d: %s", sent, charges, got)})

				require.Equal(t, 1, sent, "a money call reaches the provider at most once")
				require.Equal(t, mf.charged, charges, "charges at the server")
				if mf.want != nil {
					require.ErrorIs(t, err, mf.want)
					var e *apierror.Error
					require.ErrorAs(t, err, &e)
					if errors.Is(err, apierror.ErrOutcomeUnknown) {
						require.NotErrorIs(t, err, apierror.ErrUnavailable, "an unknown outcome never reads as safe to retry")
						require.True(t, e.Ambiguous)
						require.NotEmpty(t, e.Reference)
						require.False(t, e.Started.IsZero())
					}
					return
				}
				require.NoError(t, err, "the order or payout exists: the caller gets it")
				// A zero-length answer cannot be cut short, so a truncated
				// payout answer still arrives whole.
				if !(call.name == "Withdraw" && mf.name == "truncated 2xx") {
					require.Equal(t, mf.recovered, recovered)
				}
				if call.created != nil {
					require.Equal(t, call.created(fake), id, "the caller gets the order that was bought")
				}
			})
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n%-14s | %-44s | %-15s | %s\n", "call", "fault", "connection", "at the server / what the caller got")
	for _, r := range rows {
		fmt.Fprintf(&b, "%-14s | %-44s | %-15s | %s\n", r.call, r.fault, r.conn, r.got)
	}
	t.Log(b.String())
}

// forcedPath is the exact path a call sends, for SMSFake.ForceError.
func forcedPath(call moneyCall, arg string) string {
	switch call.name {
	case "BuyActivation":
		return "/v1/user/buy/activation/russia/any/vkontakte"
	case "BuyHosting":
		return "/v1/user/buy/hosting/russia/any/1day"
	case "Reuse":
		return "/v1/user/reuse/vkontakte/" + arg
	}
	return "/v1/vendor/withdraw"
}

// describe names the sentinel an error matches, for the table.
func describe(err error) string {
	for _, k := range []error{apierror.ErrOutcomeUnknown, apierror.ErrRateLimited, apierror.ErrInsufficientFunds,
		apierror.ErrUnavailable, apierror.ErrServer, apierror.ErrBadResponse, apierror.ErrUnauthorized} {
		if errors.Is(err, k) {
			return strings.TrimPrefix(k.Error(), "simkit: ")
		}
	}
	return err.Error()
}

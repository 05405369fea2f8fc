package smsnumbers_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
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

// matrixFault is one column of the matrix: the case's fault (on the
// call's route) and any others (on the routes they name), and the outcome
// expected.
type matrixFault struct {
	simkittest.FaultCase
	faults func(call moneyCall) []simkittest.Fault
	// force makes the fake refuse the call with this provider text.
	force string
	// charged is how many charges the fault leaves (0 or 1); want is the
	// error the caller gets (nil: the order or payout, recovered when
	// recovered is set).
	charged   int
	want      error
	recovered bool
}

func onHistory(status int, body string) func(call moneyCall) []simkittest.Fault {
	return func(call moneyCall) []simkittest.Fault {
		return []simkittest.Fault{{Provider: simkittest.ProviderSMS, Path: call.history, Times: 1, Kind: simkittest.Status, Status: status, Body: body}}
	}
}

func smsRow(name string, f simkittest.Fault) simkittest.FaultCase {
	return simkittest.FaultCase{Name: name, Proto: simkittest.MatrixHTTP1, Fault: f}
}

func matrixFaults() []matrixFault {
	var out []matrixFault
	for _, fc := range simkittest.FaultCases() {
		mf := matrixFault{FaultCase: fc, charged: 1, recovered: true}
		// A money call is sent once: an answer before handling leaves
		// the outcome unknown, unless it is a 429 (nothing was done).
		if fc.Fault.Kind == simkittest.Status {
			mf.charged, mf.recovered, mf.want = 0, false, apierror.ErrOutcomeUnknown
			if fc.Fault.Status == http.StatusTooManyRequests {
				mf.want = apierror.ErrRateLimited
			}
		}
		out = append(out, mf)
	}
	return append(out,
		// A buy is sent once, so the only later answer is the look-up's:
		// a transient one is retried and settles; a definite refusal
		// leaves the outcome unknown, never "not bought".
		matrixFault{FaultCase: smsRow("ambiguous, then look-up 503 once", simkittest.Fault{Kind: simkittest.DropAfterHandling, Times: 1}),
			faults: onHistory(503, ""), charged: 1, recovered: true},
		matrixFault{FaultCase: smsRow("ambiguous, then definite 4xx (look-up 401)", simkittest.Fault{Kind: simkittest.StatusAfterHandling, Status: 502, Times: 1}),
			faults: onHistory(401, " "), charged: 1, want: apierror.ErrOutcomeUnknown},
		matrixFault{FaultCase: smsRow("definite 4xx: not enough user balance", simkittest.Fault{}), force: "not enough user balance", want: apierror.ErrInsufficientFunds},
	)
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

// TestFaultMatrix drives every SMS money call through every fault against
// the SMS fake and prints what the server charged and what the caller got.
// It asserts: never a second charge, never an error for an order or payout
// that exists unless its look-up itself was refused (then
// ErrOutcomeUnknown), and the right definite error when nothing happened.
func TestFaultMatrix(t *testing.T) {
	var rows [][]string
	for _, call := range moneyCalls() {
		for _, mf := range matrixFaults() {
			t.Run(call.name+"/"+mf.Name+"/"+mf.Conn(), func(t *testing.T) {
				fake := simkittest.NewSMSFake(simkittest.SMSFakeConfig{Token: matrixToken})
				faults := &simkittest.Faults{}
				onRoute := func(r *http.Request) bool {
					return strings.HasPrefix(r.URL.Path, strings.TrimSuffix(call.path, "*"))
				}
				counter := &counting{match: onRoute, next: faults.Wrap(simkittest.ProviderSMS, "", fake)}
				srv, rt := simkittest.ServeFaultMatrix(t, mf.Proto, counter)
				c, err := smsnumbers.New(func(o *smsnumbers.Options) {
					o.BaseURL = srv.URL
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
				if mf.Reused {
					// An idle keep-alive connection for the money call to reuse.
					_, err := c.Profile(ctx)
					require.NoError(t, err)
				}
				if f := mf.Fault; f.Kind != 0 {
					f.Provider, f.Path = simkittest.ProviderSMS, call.path
					faults.Add(f)
				}
				if mf.faults != nil {
					for _, f := range mf.faults(call) {
						faults.Add(f)
					}
				}
				if mf.force != "" {
					fake.ForceError(forcedPath(call, arg), mf.force)
				}
				var opts []option.CallOption
				if mf.Timeout > 0 {
					opts = append(opts, option.WithTimeout(mf.Timeout))
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
				rows = append(rows, []string{call.name, mf.Name, mf.Conn(), fmt.Sprintf("sent %d, charged %d: %s", sent, charges, got)})

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
				if !(call.name == "Withdraw" && mf.Name == "truncated 2xx") {
					require.Equal(t, mf.recovered, recovered)
				}
				if call.created != nil {
					require.Equal(t, call.created(fake), id, "the caller gets the order that was bought")
				}
			})
		}
	}
	t.Log(simkittest.FaultTable([]string{"call", "fault", "connection", "at the server / what the caller got"}, rows))
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

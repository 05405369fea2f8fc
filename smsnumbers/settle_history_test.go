package smsnumbers_test

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/retry"
	"github.com/simkit/simkit/signing"
	"github.com/simkit/simkit/smsnumbers"
	"github.com/simkit/simkit/store"
)

// lostAnswers is an SMS provider whose buy and withdraw answers are lost
// (502, which may come after the work) and whose orders and vendor
// payments histories hold exactly the rows a test gives, served as the
// provider serves them: in id order, newest first when asked, in pages of
// limit from offset.
type lostAnswers struct {
	mu       sync.Mutex
	orders   []map[string]any
	payments []map[string]any
	served   int // history rows served
	// withdraw answers the payout with this status instead of 502.
	withdraw int
	// answers are the answers to the first money requests, in turn; then
	// buy answers a buy with this status and body instead of a 502 (a
	// negative status drops the connection instead).
	answers []answer
	buy     int
	buyBody string
	// sent and reads count the money requests (buys, payouts) and the
	// history pages received.
	sent, reads int
	// failRead fails the history page at this offset with a 401 (-1 or
	// unset: never).
	failRead *int
}

func (p *lostAnswers) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var rows []map[string]any
	switch r.URL.Path {
	case "/v1/user/orders":
		rows = p.orders
	case "/v1/vendor/payments":
		rows = p.payments
	case "/v1/vendor/withdraw":
		p.sent++
		w.WriteHeader(cmp.Or(p.withdraw, http.StatusBadGateway))
		return
	default:
		p.sent++
		a := answer{p.buy, p.buyBody}
		if len(p.answers) > 0 {
			a, p.answers = p.answers[0], p.answers[1:]
		}
		if a.status < 0 {
			// No answer at all: the connection drops.
			if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
				conn.Close()
			}
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(cmp.Or(a.status, http.StatusBadGateway))
		_, _ = w.Write([]byte(a.body))
		return
	}
	p.reads++
	q := r.URL.Query()
	list := append([]map[string]any(nil), rows...)
	if q.Get("reverse") == "true" || q.Get("reverse") == "1" {
		for i, j := 0, len(list)-1; i < j; i, j = i+1, j-1 {
			list[i], list[j] = list[j], list[i]
		}
	}
	limit, _ := strconv.Atoi(q.Get("limit"))
	if limit <= 0 {
		limit = 15
	}
	off, _ := strconv.Atoi(q.Get("offset"))
	if p.failRead != nil && *p.failRead == off {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	lo := min(max(off, 0), len(list))
	hi := min(lo+limit, len(list))
	p.served += hi - lo
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"Data": list[lo:hi], "Total": len(list)})
}

// answer is a buy's answer: its status (0: 502) and body.
type answer struct {
	status int
	body   string
}

// addOrder adds a row to the orders history, as a buy the provider
// handled later.
func (p *lostAnswers) addOrder(row map[string]any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.orders = append(p.orders, row)
}

// pagesRead counts the history pages served.
func (p *lostAnswers) pagesRead() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.reads
}

func (p *lostAnswers) rowsServed() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.served
}

var settleNow = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

// order is a history row for an activation bought at settleNow+ago.
func order(id int64, ago time.Duration, country, operator, product string) map[string]any {
	return map[string]any{
		"id": id, "phone": "+7900000" + strconv.FormatInt(id, 10), "product": product, "price": 1,
		"status": "PENDING", "country": country, "operator": operator,
		"created_at": settleNow.Add(ago).Format(time.RFC3339Nano), "expires": settleNow.Add(20 * time.Minute).Format(time.RFC3339Nano),
	}
}

// payment is a vendor payments row at settleNow+ago.
func payment(id int64, ago time.Duration, amount string) map[string]any {
	return map[string]any{"ID": id, "TypeName": "withdraw", "Amount": json.Number(amount), "CreatedAt": settleNow.Add(ago).Format(time.RFC3339Nano)}
}

// lostAnswerClient is a client of p on a clock stopped at settleNow,
// keeping its claims in st; fns change its options after that.
func lostAnswerClient(t *testing.T, p *lostAnswers, st store.Store, fns ...func(*smsnumbers.Options)) *smsnumbers.Client {
	t.Helper()
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	c, err := smsnumbers.New(func(o *smsnumbers.Options) {
		o.BaseURL = srv.URL
		o.Token = signing.NewSecret("token")
		o.Store = st
		o.Limiter = option.NoLimit
		o.Now = func() time.Time { return settleNow }
		o.Retry = retry.Policy{MaxAttempts: 2, BaseDelay: time.Millisecond, RateLimitDelay: time.Millisecond}
	}, func(o *smsnumbers.Options) {
		for _, fn := range fns {
			fn(o)
		}
	})
	require.NoError(t, err)
	return c
}

var buyRU = smsnumbers.BuyActivationParams{Country: "russia", Operator: "beeline", Product: "vkontakte"}

// TestSettleBuyPicksItsOwnOrder: a buy whose answer was lost takes the
// order of the history that is its own: bought since the call began (less
// SettleSkew), for its product, country and operator, and not claimed by
// another call; when more such orders than lost answers remain, it takes
// none. Everything else in the history is passed over, wherever it stands.
func TestSettleBuyPicksItsOwnOrder(t *testing.T) {
	old := -smsnumbers.SettleSkew - time.Minute
	tests := []struct {
		name    string
		rows    []map[string]any // oldest first
		claimed []int64          // orders another call of this account returned
		want    int64            // 0: outcome unknown
	}{
		// Two unclaimed matches for one lost answer: which is ours cannot
		// be told, so neither is taken.
		{"two matching", []map[string]any{
			order(1, -time.Second, "russia", "beeline", "vkontakte"),
			order(2, 0, "russia", "beeline", "vkontakte"),
		}, nil, 0},
		{"past an older matching order from before the call", []map[string]any{
			order(1, old, "russia", "beeline", "vkontakte"),
			order(2, 0, "russia", "beeline", "vkontakte"),
		}, nil, 2},
		{"past newer orders of other products, countries and operators", []map[string]any{
			order(1, 0, "russia", "beeline", "vkontakte"),
			order(2, 0, "russia", "beeline", "telegram"),
			order(3, 0, "england", "beeline", "vkontakte"),
			order(4, 0, "russia", "mts", "vkontakte"),
		}, nil, 1},
		{"past a newer order another call claimed", []map[string]any{
			order(1, 0, "russia", "beeline", "vkontakte"),
			order(2, 0, "russia", "beeline", "vkontakte"),
		}, []int64{2}, 1},
		{"every match claimed", []map[string]any{
			order(1, 0, "russia", "beeline", "vkontakte"),
		}, []int64{1}, 0},
		{"only orders of other countries and operators", []map[string]any{
			order(1, 0, "england", "beeline", "vkontakte"),
			order(2, 0, "russia", "mts", "vkontakte"),
		}, nil, 0},
		{"only an order from before the call", []map[string]any{
			order(1, old, "russia", "beeline", "vkontakte"),
		}, nil, 0},
		{"a history that leaves country and operator out", []map[string]any{
			order(1, 0, "", "", "vkontakte"),
		}, nil, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := &lostAnswers{orders: tc.rows}
			st := store.NewMemory()
			c := lostAnswerClient(t, p, st)
			for _, id := range tc.claimed {
				// Another call of the account returned this order: it
				// bought it first, and settled onto it in this store.
				other := &lostAnswers{orders: []map[string]any{order(id, 0, "russia", "beeline", "vkontakte")}}
				o, err := lostAnswerClient(t, other, st).BuyActivation(context.Background(), buyRU)
				require.NoError(t, err)
				require.Equal(t, id, o.ID)
			}
			o, err := c.BuyActivation(context.Background(), buyRU)
			if tc.want == 0 {
				require.ErrorIs(t, err, apierror.ErrOutcomeUnknown)
				require.Nil(t, o)
				return
			}
			require.NoError(t, err)
			require.True(t, o.Recovered)
			require.Equal(t, tc.want, o.ID)
		})
	}
}

// TestSettleBuyReadsABoundedHistory: a look-up stops after 200 entries of
// the window, however many orders the account placed in it.
func TestSettleBuyReadsABoundedHistory(t *testing.T) {
	p := &lostAnswers{}
	p.orders = append(p.orders, order(1, 0, "russia", "beeline", "vkontakte"))
	for id := int64(2); id <= 400; id++ {
		p.orders = append(p.orders, order(id, 0, "russia", "beeline", "telegram"))
	}
	_, err := lostAnswerClient(t, p, store.NewMemory()).BuyActivation(context.Background(), buyRU)
	require.ErrorIs(t, err, apierror.ErrOutcomeUnknown, "the order 399 entries down is past the bound")
	require.LessOrEqual(t, p.rowsServed(), 250, "at most 200 entries read, in pages of 50")
}

// failingSetNX is a Store whose claims fail.
type failingSetNX struct{ store.Store }

func (failingSetNX) SetNX(context.Context, string, []byte, time.Duration) (bool, error) {
	return false, errors.New("store down")
}

// TestSettleStoreFailureIsOutcomeUnknown: a matching entry that cannot be
// claimed (the store failed) is no answer either way.
func TestSettleStoreFailureIsOutcomeUnknown(t *testing.T) {
	p := &lostAnswers{
		orders:   []map[string]any{order(1, 0, "russia", "beeline", "vkontakte")},
		payments: []map[string]any{payment(1, 0, "-10")},
	}
	c := lostAnswerClient(t, p, failingSetNX{store.NewMemory()})
	o, err := c.BuyActivation(context.Background(), buyRU)
	require.ErrorIs(t, err, apierror.ErrOutcomeUnknown)
	require.Nil(t, o)
	w, err := c.Withdraw(context.Background(), smsPayout)
	require.ErrorIs(t, err, apierror.ErrOutcomeUnknown)
	require.Nil(t, w)
}

var smsPayout = smsnumbers.WithdrawParams{Receiver: "4111111111111111", Method: smsnumbers.MethodVisa, Amount: decimal.NewFromInt(10), Fee: smsnumbers.FeePayeer}

// TestSettleWithdrawPicksItsOwnPayout: a payout whose answer was lost
// takes the unclaimed payment of its amount made since the call began, and
// none when two could be it; older payouts of the same amount and payouts
// of other amounts are not it.
func TestSettleWithdrawPicksItsOwnPayout(t *testing.T) {
	old := -smsnumbers.SettleSkew - time.Minute
	tests := []struct {
		name string
		rows []map[string]any // oldest first
		want int64            // 0: outcome unknown
	}{
		{"two of the amount", []map[string]any{payment(1, -time.Second, "-10"), payment(2, 0, "-10")}, 0},
		{"past an older payout of the amount", []map[string]any{payment(1, old, "-10"), payment(2, 0, "-10")}, 2},
		{"past a newer payout of another amount", []map[string]any{payment(1, 0, "-10"), payment(2, 0, "-15")}, 1},
		{"recorded as a positive amount", []map[string]any{payment(1, 0, "10")}, 1},
		{"only another amount", []map[string]any{payment(1, 0, "-15"), payment(2, 0, "-1")}, 0},
		{"only an older payout of the same amount", []map[string]any{payment(1, old, "-10")}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := lostAnswerClient(t, &lostAnswers{payments: tc.rows}, store.NewMemory())
			w, err := c.Withdraw(context.Background(), smsPayout)
			if tc.want == 0 {
				require.ErrorIs(t, err, apierror.ErrOutcomeUnknown)
				require.Nil(t, w)
				return
			}
			require.NoError(t, err)
			require.True(t, w.Recovered)
			require.Equal(t, tc.want, w.Payment.ID)
		})
	}
}

// TestSettleWithdrawReadsABoundedHistory: as for buys, 200 entries at most.
func TestSettleWithdrawReadsABoundedHistory(t *testing.T) {
	p := &lostAnswers{}
	p.payments = append(p.payments, payment(1, 0, "-10"))
	for id := int64(2); id <= 400; id++ {
		p.payments = append(p.payments, payment(id, 0, "-15"))
	}
	_, err := lostAnswerClient(t, p, store.NewMemory()).Withdraw(context.Background(), smsPayout)
	require.ErrorIs(t, err, apierror.ErrOutcomeUnknown)
	require.LessOrEqual(t, p.rowsServed(), 250)
}

// TestWithdrawResponseIsThisCalls: WithResponse describes this payout
// whatever became of it, even in a Response reused from an earlier call.
func TestWithdrawResponseIsThisCalls(t *testing.T) {
	for _, tc := range []struct {
		name      string
		status    int
		rows      []map[string]any
		recovered bool
	}{
		{"paid out", 200, nil, false},
		{"refused", 400, nil, false},
		{"answer lost, payout found", 502, []map[string]any{payment(1, 0, "-10")}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := lostAnswerClient(t, &lostAnswers{withdraw: tc.status, payments: tc.rows}, store.NewMemory())
			meta := option.Response{Recovered: !tc.recovered, StatusCode: 201}
			_, err := c.Withdraw(context.Background(), smsPayout, option.WithResponse(&meta))
			require.Equal(t, tc.status == 400, err != nil, "%v", err)
			require.Equal(t, tc.status, meta.StatusCode)
			require.Equal(t, tc.recovered, meta.Recovered)
			if tc.status == 400 {
				require.False(t, apierror.MayHaveActed(err), "a refused payout moved nothing")
				require.True(t, apierror.SafeToRetry(err))
			}
		})
	}
}

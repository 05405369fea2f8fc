package smsnumbers_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/fakeclock"
	"github.com/simkit/simkit/ledger"
	"github.com/simkit/simkit/smsnumbers"
	"github.com/simkit/simkit/store"
)

// gate is a transport that holds the answer to the first request whose
// path contains path: the provider has handled it (a buy is made, a
// history page served) and the caller still waits for it. It closes
// arrived, then passes the answer on once release is closed.
type gate struct {
	next    http.RoundTripper
	path    string
	arrived chan struct{}
	release chan struct{}
	once    sync.Once
}

func newGate(next http.RoundTripper, path string) *gate {
	return &gate{next: next, path: path, arrived: make(chan struct{}), release: make(chan struct{})}
}

func (g *gate) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := g.next.RoundTrip(r)
	if !strings.Contains(r.URL.Path, g.path) {
		return resp, err
	}
	first := false
	g.once.Do(func() { first = true })
	if first {
		close(g.arrived)
		<-g.release
	}
	return resp, err
}

// waits is a settling client's Retry.Sleep: it records each wait, moves
// clk on by it (when set), and runs on[i] at the i-th wait, so a test
// decides what the other calls do while a settle waits for them.
type waits struct {
	clk *fakeclock.Clock
	on  []func()

	mu  sync.Mutex
	got []time.Duration
}

func (w *waits) sleep(ctx context.Context, d time.Duration) error {
	w.mu.Lock()
	i := len(w.got)
	w.got = append(w.got, d)
	w.mu.Unlock()
	if w.clk != nil {
		w.clk.Advance(d)
	}
	if i < len(w.on) && w.on[i] != nil {
		w.on[i]()
	}
	return ctx.Err()
}

func (w *waits) recorded() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration(nil), w.got...)
}

// result is what a buy run in the background returned.
type result struct {
	o    *smsnumbers.Order
	err  error
	done chan struct{}
}

func buyInBackground(c *smsnumbers.Client, p smsnumbers.BuyActivationParams) *result {
	r := &result{done: make(chan struct{})}
	go func() {
		defer close(r.done)
		r.o, r.err = c.BuyActivation(context.Background(), p)
	}()
	return r
}

// states reads the state of every entry in c's ledger.
func states(t *testing.T, c *smsnumbers.Client) []ledger.State {
	t.Helper()
	var out []ledger.State
	for e, err := range c.Ledger().Entries(context.Background(), time.Time{}, time.Time{}) {
		require.NoError(t, err)
		out = append(out, e.State)
	}
	return out
}

// TestSettleWaitsForARivalInFlight: a buy whose answer was lost finds two
// matching orders, and another replica's buy on the same product is in
// flight (it began before, or after, the settling one). The settler waits
// for it: once its answer names one order, the other is the settler's. A
// settler that did not wait could not tell the two apart; one that took
// either at once could take the rival's.
func TestSettleWaitsForARivalInFlight(t *testing.T) {
	for _, rivalFirst := range []bool{true, false} {
		name := map[bool]string{true: "rival began first", false: "rival began after"}[rivalFirst]
		t.Run(name, func(t *testing.T) {
			x, y := order(1, 0, "russia", "beeline", "vkontakte"), order(2, 0, "russia", "beeline", "vkontakte")
			p := &lostAnswers{orders: []map[string]any{x, y}}
			clk := fakeclock.At(settleNow)
			st := store.NewMemory()
			rivalGate := newGate(http.DefaultTransport, "/buy/")
			settlerGate := newGate(http.DefaultTransport, "/buy/")
			var rival *result
			w := &waits{on: []func(){func() {
				// The settler waits: the rival's answer comes.
				close(rivalGate.release)
				<-rival.done
			}}}
			rc := lostAnswerClient(t, p, st, func(o *smsnumbers.Options) { o.Transport, o.Now = rivalGate, clk.Now })
			sc := lostAnswerClient(t, p, st, func(o *smsnumbers.Options) {
				o.Transport, o.Now, o.Retry.Sleep = settlerGate, clk.Now, w.sleep
			})

			var settler *result
			if rivalFirst {
				p.answers = []answer{{200, jsonOf(t, x)}, {}}
				rival = buyInBackground(rc, buyRU)
				<-rivalGate.arrived
				clk.Advance(time.Millisecond)
				settler = buyInBackground(sc, buyRU)
				<-settlerGate.arrived
			} else {
				p.answers = []answer{{}, {200, jsonOf(t, x)}}
				settler = buyInBackground(sc, buyRU)
				<-settlerGate.arrived
				clk.Advance(time.Millisecond)
				rival = buyInBackground(rc, buyRU)
				<-rivalGate.arrived
			}
			close(settlerGate.release) // the settler's answer is lost
			<-settler.done
			<-rival.done

			require.NoError(t, rival.err)
			require.Equal(t, int64(1), rival.o.ID)
			require.False(t, rival.o.Recovered)
			require.NoError(t, settler.err)
			require.Equal(t, int64(2), settler.o.ID)
			require.True(t, settler.o.Recovered)
			require.Equal(t, []time.Duration{50 * time.Millisecond}, w.recorded(), "one wait: the rival answered")
			require.ElementsMatch(t, []ledger.State{ledger.StateDone, ledger.StateRecovered}, states(t, sc))
		})
	}
}

// TestSettleRereadsWhenARivalSettles: a buy whose answer was lost (the
// settler) sees its order also within the window of another buy on the
// product whose answer was lost too (the rival), which is reading the
// history: either could have made it, so the settler reads again. The
// rival, meanwhile, takes the older order only it could have made, and
// holds it: the settler's order is then its own.
func TestSettleRereadsWhenARivalSettles(t *testing.T) {
	clk := fakeclock.At(settleNow)
	// x is made at the rival's start, y one second later at the settler's.
	x, y := order(1, 0, "russia", "beeline", "vkontakte"), order(2, time.Second, "russia", "beeline", "vkontakte")
	p := &lostAnswers{orders: []map[string]any{x, y}}
	st := store.NewMemory()
	answerGate := newGate(http.DefaultTransport, "/buy/")
	readGate := newGate(answerGate, "/v1/user/orders")
	var rival *result
	w := &waits{on: []func(){
		func() {
			// The settler waits for the rival in flight: its answer is
			// lost, and it begins to read the history.
			close(answerGate.release)
			<-readGate.arrived
		},
		func() {
			// The settler reads again: the rival settles meanwhile.
			close(readGate.release)
			<-rival.done
		},
	}}
	noSkew := func(o *smsnumbers.Options) { o.Now, o.SettleSkew = clk.Now, -1 }
	rc := lostAnswerClient(t, p, st, noSkew, func(o *smsnumbers.Options) { o.Transport = readGate })
	sc := lostAnswerClient(t, p, st, noSkew, func(o *smsnumbers.Options) { o.Retry.Sleep = w.sleep })

	rival = buyInBackground(rc, buyRU)
	<-answerGate.arrived
	clk.Advance(time.Second)
	o, err := sc.BuyActivation(context.Background(), buyRU)
	<-rival.done

	require.NoError(t, rival.err)
	require.Equal(t, int64(1), rival.o.ID)
	require.True(t, rival.o.Recovered)
	require.NoError(t, err, "the settler read again once the rival settled")
	require.Equal(t, int64(2), o.ID)
	require.True(t, o.Recovered)
	require.Len(t, w.recorded(), 2)
}

// TestSettleAgainstALostRival: a buy whose answer was lost earlier and
// stayed unknown (the rival) could have made an order that appears in the
// history later, if it asked for that order's country and operator. Then
// the settler cannot tell whose the order is: it reads the history once
// more (the rival may have settled), then answers ErrOutcomeUnknown
// without waiting out SettleWait. A rival that asked for another operator
// could not have made it: the order is the settler's.
func TestSettleAgainstALostRival(t *testing.T) {
	for _, tc := range []struct {
		operator string
		orders   int
		reads    int
		take     bool
		why      string
	}{
		{smsnumbers.Any, 1, 2, false, "the 1 matching entry no call holds could also have been made by 1 other call(s)"},
		{"beeline", 1, 2, false, "the 1 matching entry no call holds could also have been made by 1 other call(s)"},
		{"BEELINE", 2, 2, false, "the 2 matching entries no call holds could also have been made by 1 other call(s)"},
		{"mts", 1, 1, true, ""},
	} {
		t.Run(tc.operator, func(t *testing.T) {
			p := &lostAnswers{}
			st := store.NewMemory()
			rivalBuy := buyRU
			rivalBuy.Operator = tc.operator
			_, err := lostAnswerClient(t, p, st).BuyActivation(context.Background(), rivalBuy)
			require.ErrorIs(t, err, apierror.ErrOutcomeUnknown, "nothing in the history yet")

			for id := range tc.orders {
				p.addOrder(order(int64(id+1), 0, "russia", "beeline", "vkontakte"))
			}
			before := p.pagesRead()
			w := &waits{}
			o, err := lostAnswerClient(t, p, st, func(o *smsnumbers.Options) { o.Retry.Sleep = w.sleep }).BuyActivation(context.Background(), buyRU)
			require.Equal(t, tc.reads, p.pagesRead()-before, "history reads")
			require.Len(t, w.recorded(), tc.reads-1)
			if !tc.take {
				require.ErrorIs(t, err, apierror.ErrOutcomeUnknown)
				require.ErrorContains(t, err, tc.why)
				require.Nil(t, o)
				return
			}
			require.NoError(t, err)
			require.Equal(t, int64(1), o.ID)
		})
	}
}

// TestSettleWaitIsBounded: a rival buy in flight that never answers
// keeps a settler waiting at most SettleWait by the clock, polling every
// 50 ms at first and backing off past a second; on a clock that does not
// move, at most SettleWait/50ms+1 times. Then the outcome is unknown and
// the error says what it waited for; a caller that gives up meanwhile
// ends the wait, and the error says so.
func TestSettleWaitIsBounded(t *testing.T) {
	ms := time.Millisecond
	for _, tc := range []struct {
		name   string
		wait   time.Duration
		moving bool
		giveUp bool // the caller gives up during the second wait
		want   []time.Duration
	}{
		{"moving clock", 3 * time.Second, true, false, []time.Duration{50 * ms, 100 * ms, 200 * ms, 400 * ms, 800 * ms, 1600 * ms}},
		{"stopped clock", 300 * ms, false, false, []time.Duration{50 * ms, 100 * ms, 200 * ms, 400 * ms, 800 * ms, 1600 * ms, 1600 * ms}},
		{"caller gives up", 3 * time.Second, true, true, []time.Duration{50 * ms, 100 * ms}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Two orders the rival could have made: it is one call to wait for.
			p := &lostAnswers{orders: []map[string]any{order(1, 0, "russia", "beeline", "vkontakte"), order(2, 0, "russia", "beeline", "vkontakte")}}
			clk := fakeclock.At(settleNow)
			st := store.NewMemory()
			rivalGate := newGate(http.DefaultTransport, "/buy/")
			rival := buyInBackground(lostAnswerClient(t, p, st, func(o *smsnumbers.Options) { o.Transport, o.Now = rivalGate, clk.Now }), buyRU)
			<-rivalGate.arrived
			defer func() { close(rivalGate.release); <-rival.done }()

			w := &waits{}
			if tc.moving {
				w.clk = clk
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tc.giveUp {
				w.on = []func(){nil, cancel}
			}
			before := p.pagesRead()
			o, err := lostAnswerClient(t, p, st, func(o *smsnumbers.Options) {
				o.Now, o.SettleWait, o.Retry.Sleep = clk.Now, tc.wait, w.sleep
			}).BuyActivation(ctx, buyRU)
			require.ErrorIs(t, err, apierror.ErrOutcomeUnknown)
			require.Nil(t, o)
			if tc.giveUp {
				require.ErrorContains(t, err, "outcome unknown: the wait for other calls in flight ended; the call failed with: provider unavailable; look-up: context canceled")
			} else {
				require.ErrorContains(t, err, "1 other call(s) that could have made a matching order did not record their outcome within "+tc.wait.String())
			}
			require.Equal(t, tc.want, w.recorded())
			reads := len(tc.want) + 1
			if tc.giveUp {
				reads-- // no read after the wait that ended
			}
			require.Equal(t, reads, p.pagesRead()-before, "one read per poll")
		})
	}
}

// TestSettleStopsWaitingForADeadCall: a buy in flight for longer than any
// buy can be (two attempt timeouts and SettleWait) died without recording
// its outcome: the settler does not wait for it, and it could only have
// made orders within that time. One in flight for less is waited for, and
// may have made the order.
func TestSettleStopsWaitingForADeadCall(t *testing.T) {
	const settleWait = 3 * time.Second // a buy lives at most 2×30 s + 3 s
	for _, tc := range []struct {
		age   time.Duration
		take  bool
		waits int // 0: any
	}{
		{64 * time.Second, true, 0},
		{60 * time.Second, false, 0},
		// At exactly the bound it is still waited for once; then it is
		// dead, a rival: one more read to see the group settle.
		{63 * time.Second, false, 2},
	} {
		t.Run(tc.age.String(), func(t *testing.T) {
			// The order was made when the settler's buy was sent.
			p := &lostAnswers{orders: []map[string]any{order(1, tc.age, "russia", "beeline", "vkontakte")}}
			clk := fakeclock.At(settleNow)
			st := store.NewMemory()
			opts := func(o *smsnumbers.Options) { o.Now, o.SettleSkew, o.SettleWait = clk.Now, -1, settleWait }
			rivalGate := newGate(http.DefaultTransport, "/buy/")
			rival := buyInBackground(lostAnswerClient(t, p, st, opts, func(o *smsnumbers.Options) { o.Transport = rivalGate }), buyRU)
			<-rivalGate.arrived
			defer func() { close(rivalGate.release); <-rival.done }()
			clk.Advance(tc.age)

			w := &waits{clk: clk}
			o, err := lostAnswerClient(t, p, st, opts, func(o *smsnumbers.Options) { o.Retry.Sleep = w.sleep }).BuyActivation(context.Background(), buyRU)
			if !tc.take {
				require.ErrorIs(t, err, apierror.ErrOutcomeUnknown)
				require.NotEmpty(t, w.recorded(), "the settler waited for the call in flight")
				if tc.waits > 0 {
					require.Len(t, w.recorded(), tc.waits)
				}
				// By the end of the wait the call counts as dead: it may
				// have made the order, and never say.
				require.ErrorContains(t, err, "the 1 matching entry no call holds could also have been made by 1 other call(s)")
				return
			}
			require.NoError(t, err)
			require.Equal(t, int64(1), o.ID)
			require.Empty(t, w.recorded(), "no wait for a dead call")
		})
	}
}

// TestSettleWithdrawAgainstOtherPayouts: a payout whose answer was lost
// finds one payment of its amount in its window. Another payout of that
// amount made earlier in the same window could have made it if it may
// have paid out: its answer was lost too, or it was answered done (a
// payout's answer names no payment). Then which payout the payment
// belongs to cannot be told and the outcome is unknown. A refused payout
// and a payout of another amount made nothing of this amount: the
// payment is the settler's.
func TestSettleWithdrawAgainstOtherPayouts(t *testing.T) {
	for _, tc := range []struct {
		name   string
		amount int64
		status int // the other payout's answer
		take   bool
	}{
		{"same amount, answer lost", 10, 502, false},
		{"same amount, paid out", 10, 200, false},
		{"same amount, refused", 10, 400, true},
		{"another amount, answer lost", 15, 502, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := &lostAnswers{withdraw: tc.status}
			st := store.NewMemory()
			other := smsPayout
			other.Amount = decimal.NewFromInt(tc.amount)
			_, _ = lostAnswerClient(t, p, st).Withdraw(context.Background(), other)

			p.mu.Lock()
			p.withdraw = 0
			p.payments = []map[string]any{payment(1, 0, "-10")}
			p.mu.Unlock()
			w, err := lostAnswerClient(t, p, st).Withdraw(context.Background(), smsPayout)
			if !tc.take {
				require.ErrorIs(t, err, apierror.ErrOutcomeUnknown)
				require.ErrorContains(t, err, "could also have been made by 1 other call(s)")
				require.Nil(t, w)
				return
			}
			require.NoError(t, err)
			require.True(t, w.Recovered)
			require.Equal(t, int64(1), w.Payment.ID)
		})
	}
}

// TestSettleAgainstARivalWithoutFilters: a lost buy on the product whose
// ledger entry names no country or operator (recorded by a version that
// kept none) could have made any order of the product: the settler cannot
// take the one it finds.
func TestSettleAgainstARivalWithoutFilters(t *testing.T) {
	ctx := context.Background()
	p := &lostAnswers{}
	st := store.NewMemory()
	rival := lostAnswerClient(t, p, st)
	_, err := rival.BuyActivation(ctx, buyRU)
	require.ErrorIs(t, err, apierror.ErrOutcomeUnknown)
	entries, err := rival.Ledger().ByReference(ctx, buyRURef)
	require.NoError(t, err)
	require.Len(t, entries, 1)
	e := entries[0]
	e.Meta = nil
	require.NoError(t, rival.Ledger().Update(ctx, &e))

	p.addOrder(order(1, 0, "russia", "beeline", "vkontakte"))
	o, err := lostAnswerClient(t, p, st).BuyActivation(ctx, buyRU)
	require.ErrorIs(t, err, apierror.ErrOutcomeUnknown)
	require.ErrorContains(t, err, "could also have been made by 1 other call(s)")
	require.Nil(t, o)
}

// TestSettleSeesALongLostRival: a buy whose answer came (lost) 6 s after
// it began, past its 1 s attempt timeout (it queued before sending), has
// a window reaching an order made at its end. A later buy whose answer
// was lost, and whose window holds that order too, finds the earlier buy
// in the ledger though it began well before its own window (the ledger is
// read back two attempt timeouts, SettleWait and twice the skew) and
// cannot take the order.
func TestSettleSeesALongLostRival(t *testing.T) {
	ctx := context.Background()
	clk := fakeclock.At(settleNow)
	p := &lostAnswers{}
	st := store.NewMemory()
	opts := func(o *smsnumbers.Options) {
		o.Now, o.Timeout, o.SettleWait, o.SettleSkew = clk.Now, time.Second, time.Second, 2*time.Second
	}
	rivalGate := newGate(http.DefaultTransport, "/buy/")
	rival := buyInBackground(lostAnswerClient(t, p, st, opts, func(o *smsnumbers.Options) { o.Transport = rivalGate }), buyRU)
	<-rivalGate.arrived
	clk.Advance(6 * time.Second)
	close(rivalGate.release)
	<-rival.done
	require.ErrorIs(t, rival.err, apierror.ErrOutcomeUnknown, "nothing in the history yet")

	p.addOrder(order(1, 6*time.Second, "russia", "beeline", "vkontakte"))
	o, err := lostAnswerClient(t, p, st, opts).BuyActivation(ctx, buyRU)
	require.ErrorIs(t, err, apierror.ErrOutcomeUnknown)
	require.ErrorContains(t, err, "could also have been made by 1 other call(s)")
	require.Nil(t, o)
}

// TestSettleAgainstTwoLostRivals: with two earlier lost buys that could
// each have made the order, the settler reads the history once more to
// see whether that group changed, and no more: the same group read in
// another order is the same group. (Repeated: the order in which the
// rivals are found is random.)
func TestSettleAgainstTwoLostRivals(t *testing.T) {
	p := &lostAnswers{}
	st := store.NewMemory()
	for range 2 {
		_, err := lostAnswerClient(t, p, st).BuyActivation(context.Background(), buyRU)
		require.ErrorIs(t, err, apierror.ErrOutcomeUnknown, "nothing in the history yet")
	}
	p.addOrder(order(1, 0, "russia", "beeline", "vkontakte"))
	for range 20 {
		w := &waits{}
		before := p.pagesRead()
		_, err := lostAnswerClient(t, p, st, func(o *smsnumbers.Options) { o.Retry.Sleep = w.sleep }).BuyActivation(context.Background(), buyRU)
		require.ErrorIs(t, err, apierror.ErrOutcomeUnknown)
		require.Equal(t, 2, p.pagesRead()-before, "history reads")
		require.Len(t, w.recorded(), 1)
	}
}

// TestSettleSeesARivalStillSettling: a buy that began long ago (it queued
// before sending) lost its answer just now and is reading the history: it
// is still in flight, so a settler whose window holds the same order
// finds it among the calls in flight, however far back it began, and does
// not take the order it may have made.
func TestSettleSeesARivalStillSettling(t *testing.T) {
	clk := fakeclock.At(settleNow)
	p := &lostAnswers{orders: []map[string]any{order(1, 5*time.Second, "russia", "beeline", "vkontakte")}}
	st := store.NewMemory()
	opts := func(o *smsnumbers.Options) {
		o.Now, o.Timeout, o.SettleWait, o.SettleSkew = clk.Now, time.Second, time.Second, -1
	}
	answerGate := newGate(http.DefaultTransport, "/buy/")
	readGate := newGate(answerGate, "/v1/user/orders")
	rival := buyInBackground(lostAnswerClient(t, p, st, opts, func(o *smsnumbers.Options) { o.Transport = readGate }), buyRU)
	<-answerGate.arrived
	clk.Advance(5 * time.Second)
	close(answerGate.release)
	<-readGate.arrived // the rival's answer was lost: it settles
	defer func() { close(readGate.release); <-rival.done }()

	w := &waits{}
	o, err := lostAnswerClient(t, p, st, opts, func(o *smsnumbers.Options) { o.Retry.Sleep = w.sleep }).BuyActivation(context.Background(), buyRU)
	require.ErrorIs(t, err, apierror.ErrOutcomeUnknown)
	require.ErrorContains(t, err, "could also have been made by 1 other call(s)")
	require.Nil(t, o)
}

// TestSettleTakesWhatOnlyItCouldHaveMade: a lost buy (the settler) finds
// two orders: one a lost rival's window also holds, and a later one only
// its own window holds. The later one is its own, proven at the first
// read: it takes it without reading the history again, and leaves the
// other.
func TestSettleTakesWhatOnlyItCouldHaveMade(t *testing.T) {
	clk := fakeclock.At(settleNow)
	p := &lostAnswers{}
	st := store.NewMemory()
	opts := func(o *smsnumbers.Options) { o.Now, o.SettleSkew = clk.Now, -1 }
	// The rival's attempts run from 0 s to 5 s; nothing in the history.
	rivalGate := newGate(http.DefaultTransport, "/buy/")
	rival := buyInBackground(lostAnswerClient(t, p, st, opts, func(o *smsnumbers.Options) { o.Transport = rivalGate }), buyRU)
	<-rivalGate.arrived
	clk.Advance(5 * time.Second)
	close(rivalGate.release)
	<-rival.done
	require.ErrorIs(t, rival.err, apierror.ErrOutcomeUnknown)

	// The settler's attempts run from 5 s to 6 s.
	p.addOrder(order(1, 5*time.Second, "russia", "beeline", "vkontakte"))
	p.addOrder(order(2, 6*time.Second, "russia", "beeline", "vkontakte"))
	settlerGate := newGate(http.DefaultTransport, "/buy/")
	settler := buyInBackground(lostAnswerClient(t, p, st, opts, func(o *smsnumbers.Options) { o.Transport = settlerGate }), buyRU)
	<-settlerGate.arrived
	clk.Advance(time.Second)
	before := p.pagesRead()
	close(settlerGate.release)
	<-settler.done
	require.NoError(t, settler.err)
	require.Equal(t, int64(2), settler.o.ID)
	require.Equal(t, 1, p.pagesRead()-before, "proven at the first read")
}

// TestSettleLeavesAnOrderMadeAfterItsWindow: an order created after the
// settler's attempts ended (and its skew) is not one it could have made,
// even when the history shows it and only one other call, lost too, could
// have: taking it would hand that call's number to this caller. The
// settler answers ErrOutcomeUnknown and leaves the order unclaimed.
func TestSettleLeavesAnOrderMadeAfterItsWindow(t *testing.T) {
	p := &lostAnswers{}
	st := store.NewMemory()
	noSkew := func(o *smsnumbers.Options) { o.SettleSkew = -1 }
	later := func(o *smsnumbers.Options) { o.Now = func() time.Time { return settleNow.Add(time.Minute) } }
	_, err := lostAnswerClient(t, p, st, noSkew, later).BuyActivation(context.Background(), buyRU)
	require.ErrorIs(t, err, apierror.ErrOutcomeUnknown, "the rival: nothing in the history yet")
	p.addOrder(order(1, time.Minute, "russia", "beeline", "vkontakte"))

	sc := lostAnswerClient(t, p, st, noSkew)
	o, err := sc.BuyActivation(context.Background(), buyRU)
	require.ErrorIs(t, err, apierror.ErrOutcomeUnknown)
	require.ErrorContains(t, err, "no matching entry")
	require.Nil(t, o)
	_, claimed, err := sc.Ledger().Claimant(context.Background(), "order", "1")
	require.NoError(t, err)
	require.False(t, claimed, "the order is left to the call that could have made it")
}

package esimstory_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/esimstory"
	"github.com/simkit/simkit/ledger"
	"github.com/simkit/simkit/store"
)

const opOrders = "POST /v1/api_partner/orders"

// order3Subject is how the ledger names order3's units.
const order3Subject = "options/" + optionA + "x3"

// onlyEntry reads the one ledger entry the calls with ext wrote, and checks
// that every way of reading the ledger agrees on it.
func onlyEntry(t *testing.T, c *esimstory.Client, ext string) ledger.Entry {
	t.Helper()
	ctx := context.Background()
	l := c.Ledger()
	es, err := l.ByReference(ctx, ext)
	require.NoError(t, err)
	require.Len(t, es, 1)
	got, ok, err := l.Get(ctx, es[0].ID)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, es[0], *got)
	n := 0
	for e, err := range l.Entries(ctx, time.Time{}, time.Time{}) {
		require.NoError(t, err)
		require.Equal(t, es[0].ID, e.ID)
		n++
	}
	require.Equal(t, 1, n)
	return es[0]
}

// TestCreateOrderWritesEachOutcomeToTheLedger: every way an order call can
// end leaves one ledger entry that says what became of it, with the
// topup_ids and option ids of a created order, so that a re-call with the
// same id (on any replica) and reconciliation read one record.
func TestCreateOrderWritesEachOutcomeToTheLedger(t *testing.T) {
	taken, e500 := fixture(t, "error_422_taken.json"), fixture(t, "error_500.json")
	created := map[string]string{"units": "3", "option_ids": optionA + "," + optionA + "," + optionA}
	tests := []struct {
		name    string
		answers []any
		tracker bool
		state   ledger.State
		ids     []string
		meta    map[string]string
	}{
		{"created", []any{200, fixture(t, "order_qty3.json")}, false, ledger.StateDone, topups3, created},
		{"created and tracked", []any{200, fixture(t, "order_qty3.json")}, true, ledger.StateDone, topups3, created},
		{"refused", []any{400, fixture(t, "error_400.json")}, false, ledger.StateFailed, nil, map[string]string{"units": "3"}},
		{"refused with a tracker", []any{400, fixture(t, "error_400.json")}, true, ledger.StateFailed, nil, map[string]string{"units": "3"}},
		{"duplicate of an id never sent", []any{422, taken}, false, ledger.StateFailed, nil, map[string]string{"units": "3"}},
		{"every answer lost", []any{500, e500}, false, ledger.StateUnknown, nil, map[string]string{"units": "3"}},
		{"every answer lost with a tracker", []any{500, e500}, true, ledger.StateUnknown, nil, map[string]string{"units": "3"}},
		{"supplier failed", []any{422, fixture(t, "error_422_upstream.json")}, false, ledger.StateUnknown, nil, map[string]string{"units": "3"}},
		{"lost answer then duplicate", []any{500, e500, 422, taken}, false, ledger.StateRecovered, nil, map[string]string{"units": "3"}},
		{"lost answer then duplicate with a tracker", []any{500, e500, 422, taken}, true, ledger.StateRecovered, nil, map[string]string{"units": "3"}},
		{"unreadable answer then duplicate", []any{200, []byte(`{"products":[`), 422, taken}, false, ledger.StateRecovered, nil, map[string]string{"units": "3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mt, _ := sequence(t, tt.answers...)
			var tr *esimstory.Tracker
			if tt.tracker {
				tr = esimstory.NewTracker(nil)
			}
			c := testClient(t, mt, newClock(), func(o *esimstory.Options) { o.Tracker = tr })
			_, _ = c.CreateOrder(context.Background(), order3())
			e := onlyEntry(t, c, "ORDER-123456")
			require.Equal(t, tt.state, e.State)
			require.Equal(t, "esimstory", e.Provider)
			require.Equal(t, opOrders, e.Call)
			require.Equal(t, "ORDER-123456", e.Reference)
			require.Equal(t, order3Subject, e.Subject)
			require.Equal(t, tt.ids, e.ProviderIDs)
			require.Equal(t, tt.meta, e.Meta)
			require.False(t, e.WindowEnd.IsZero(), "the call's window is closed")
			inFlight, err := c.Ledger().InFlight(context.Background(), order3Subject)
			require.NoError(t, err)
			require.Empty(t, inFlight, "no call is left in flight")
		})
	}
}

// TestCreateOrderThatCannotTrackIsAFailedCall: when the tracker cannot note
// the order before it is sent, nothing is sent, the ledger says the call
// failed, and the error says the call may be made again.
func TestCreateOrderThatCannotTrackIsAFailedCall(t *testing.T) {
	tr := esimstory.NewTracker(&flakyStore{Store: store.NewMemory(), failOn: ":pending:"})
	c, calls := trackedClient(t, tr)
	_, err := c.CreateOrder(context.Background(), order3())
	require.ErrorIs(t, err, errStoreDown)
	require.Zero(t, *calls)
	require.True(t, apierror.SafeToRetry(err))
	require.False(t, apierror.MayHaveActed(err))
	e := onlyEntry(t, c, "ORDER-123456")
	require.Equal(t, ledger.StateFailed, e.State)
}

// TestCreateOrderSubjectNamesTheUnits: the ledger names an order's units by
// option id (any case) and total quantity, in one order, so a re-call that
// lists the same units differently is recognised as the same order, and
// one for other quantities is not.
func TestCreateOrderSubjectNamesTheUnits(t *testing.T) {
	const (
		optionC = "c3d4e5f6-a7b8-9012-cdef-123456789012"
		optionD = "d4e5f6a7-b8c9-0123-def0-234567890123"
	)
	first := []esimstory.OrderProductParams{{OptionID: optionD, Qty: 1}, {OptionID: optionB, Qty: 2}, {OptionID: optionA, Qty: 1}, {OptionID: optionC, Qty: 1}, {OptionID: optionA, Qty: 3}}
	same := []esimstory.OrderProductParams{{OptionID: strings.ToUpper(optionA), Qty: 4}, {OptionID: optionC, Qty: 1}, {OptionID: optionB, Qty: 1}, {OptionID: optionD, Qty: 1}, {OptionID: optionB, Qty: 1}}
	want := "options/" + optionA + "x4," + optionB + "x2," + optionC + "x1," + optionD + "x1"

	e500, taken := fixture(t, "error_500.json"), fixture(t, "error_422_taken.json")
	ctx := context.Background()
	clock := newClock()
	mt, _ := sequence(t, 500, e500, 500, e500, 500, e500, 422, taken)
	c := testClient(t, mt, clock)
	_, err := c.CreateOrder(ctx, esimstory.CreateOrderParams{ExternalOrderID: "ORD-S", Products: first})
	require.Error(t, err)
	e := onlyEntry(t, c, "ORD-S")
	require.Equal(t, want, e.Subject)

	clock.Advance(time.Second)
	o, err := c.CreateOrder(ctx, esimstory.CreateOrderParams{ExternalOrderID: "ORD-S", Products: same})
	require.NoError(t, err, "the same units, listed otherwise")
	require.True(t, o.Recovered)
	require.Len(t, o.Units, 8)

	clock.Advance(time.Second)
	_, err = c.CreateOrder(ctx, esimstory.CreateOrderParams{ExternalOrderID: "ORD-S", Products: []esimstory.OrderProductParams{{OptionID: optionA, Qty: 8}}})
	require.ErrorIs(t, err, apierror.ErrConflict, "as many units of another option are other units")
	require.Contains(t, err.Error(), "this fleet sent it for other products")
}

// TestCreateOrderRecallReadsTheFleetsHistory: a duplicate answer is this
// fleet's order only when a call of the fleet sent the id for the same
// units and did not fail; refused calls, calls for other units and other
// calls with the same reference, before or after it, change nothing.
func TestCreateOrderRecallReadsTheFleetsHistory(t *testing.T) {
	e500, taken, e400 := fixture(t, "error_500.json"), fixture(t, "error_422_taken.json"), fixture(t, "error_400.json")
	other := esimstory.CreateOrderParams{ExternalOrderID: "ORDER-123456", Products: []esimstory.OrderProductParams{{OptionID: optionB, Qty: 3}}}
	type call struct {
		p       esimstory.CreateOrderParams
		answers []any
	}
	lost := call{order3(), []any{500, e500, 500, e500, 500, e500}}
	refused := call{order3(), []any{400, e400}}
	otherRefused := call{other, []any{400, e400}}
	otherLost := call{other, []any{500, e500, 500, e500, 500, e500}}
	tests := []struct {
		name    string
		foreign bool // another call with the same reference is in the ledger first
		before  []call
		mine    bool   // the last call's duplicate is this fleet's order
		why     string // otherwise, in the error
	}{
		{"nothing sent before", false, nil, false, "this fleet has no record of sending it"},
		{"only a refused call", false, []call{refused}, false, "this fleet has no record of sending it"},
		{"a refused call, then a lost one", false, []call{refused, lost}, true, ""},
		{"a lost call, then a refused one", false, []call{lost, refused}, true, ""},
		{"only calls for other units", false, []call{otherRefused, otherLost}, false, "this fleet sent it for other products"},
		{"a call for other units, then ours", false, []call{otherLost, lost}, true, ""},
		{"ours, then a call for other units", false, []call{lost, otherLost}, true, ""},
		{"another kind of call with the reference", true, nil, false, "this fleet has no record of sending it"},
		{"another kind of call, then ours", true, []call{lost}, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			clock := newClock()
			var answers []any
			for _, b := range tt.before {
				answers = append(answers, b.answers...)
			}
			mt, calls := sequence(t, append(answers, 422, taken)...)
			c := testClient(t, mt, clock)
			if tt.foreign {
				e, err := c.Ledger().Begin(ctx, ledger.Intent{Call: "POST /v1/api_partner/refunds", Reference: "ORDER-123456", Subject: order3Subject})
				require.NoError(t, err)
				require.NoError(t, c.Ledger().Finish(ctx, e, ledger.Outcome{State: ledger.StateDone, ProviderIDs: topups3}))
			}
			for _, b := range tt.before {
				clock.Advance(time.Second)
				_, err := c.CreateOrder(ctx, b.p)
				require.Error(t, err)
			}
			clock.Advance(time.Second)
			order, err := c.CreateOrder(ctx, order3())
			require.Equal(t, len(answers)/2+1, *calls, "the last call sent once")
			if !tt.mine {
				require.ErrorIs(t, err, apierror.ErrConflict)
				require.Nil(t, order)
				require.Contains(t, err.Error(), `"ORDER-123456"`)
				require.Contains(t, err.Error(), tt.why)
				require.False(t, apierror.MayHaveActed(err))
				return
			}
			require.NoError(t, err)
			require.True(t, order.Recovered)
			require.Len(t, order.Units, 3)
			require.Empty(t, order.TopupIDs())
		})
	}
}

// TestCreateOrderRecallReturnsTheTopupIDsTheFleetLearned: once a call of
// the fleet read the order's answer, every later re-call with the same id
// returns its topup_ids, even after a re-call that learned none; a ledger
// record whose ids and option ids do not pair up is not trusted.
func TestCreateOrderRecallReturnsTheTopupIDsTheFleetLearned(t *testing.T) {
	ctx := context.Background()
	e500, taken := fixture(t, "error_500.json"), fixture(t, "error_422_taken.json")
	t.Run("learned once, returned on every re-call", func(t *testing.T) {
		clock := newClock()
		mt, _ := sequence(t, 200, fixture(t, "order_qty3.json"), 500, e500, 500, e500, 500, e500, 422, taken)
		c := testClient(t, mt, clock)
		_, err := c.CreateOrder(ctx, order3())
		require.NoError(t, err)
		clock.Advance(time.Second)
		_, err = c.CreateOrder(ctx, order3())
		require.True(t, apierror.MayHaveActed(err), "a re-call that lost every answer learned nothing")
		for i := range 3 {
			clock.Advance(time.Second)
			o, err := c.CreateOrder(ctx, order3())
			require.NoError(t, err, "re-call %d", i)
			require.True(t, o.Recovered)
			require.Equal(t, topups3, o.TopupIDs(), "re-call %d", i)
			require.Equal(t, optionA, o.Units[2].OptionID)
		}
	})
	for _, tc := range []struct {
		name string
		ids  []string
		meta map[string]string
	}{
		{"fewer option ids than topup ids", topups3, map[string]string{"option_ids": optionA + "," + optionA}},
		{"no option ids", topups3, nil},
		{"more option ids than topup ids", topups3[:2], map[string]string{"option_ids": optionA + "," + optionA + "," + optionA}},
		{"fewer units than the request", topups3[:2], map[string]string{"option_ids": optionA + "," + optionA}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := newClock()
			mt, _ := sequence(t, 422, taken)
			c := testClient(t, mt, clock)
			e, err := c.Ledger().Begin(ctx, ledger.Intent{Call: opOrders, Reference: "ORDER-123456", Subject: order3Subject})
			require.NoError(t, err)
			require.NoError(t, c.Ledger().Finish(ctx, e, ledger.Outcome{State: ledger.StateDone, ProviderIDs: tc.ids, Meta: tc.meta}))
			clock.Advance(time.Second)
			o, err := c.CreateOrder(ctx, order3())
			require.NoError(t, err)
			require.True(t, o.Recovered)
			require.Len(t, o.Units, 3)
			require.Empty(t, o.TopupIDs(), "the request's units, not a record that does not add up")
			require.Equal(t, optionA, o.Units[0].OptionID)
		})
	}
}

// listless is a Store that cannot list: a ledger in it records calls but
// cannot read them back.
type listless struct{ store.Store }

// beginFails is a Store whose ledger cannot begin an entry while fail is
// set (the write that adds it to the indexes fails).
type beginFails struct {
	*store.Memory
	fail atomic.Bool
}

func (b *beginFails) Apply(ctx context.Context, w store.IndexWrite) error {
	if b.fail.Load() && len(w.Add) > 0 {
		return errStoreDown
	}
	return b.Memory.Apply(ctx, w)
}

// TestCreateOrderWhenTheLedgerFails: the ledger is the fleet's memory, not
// the order's guard: eSIM Story's dedupe keeps the order once-only without
// it. A call the ledger could not record still settles from what others
// recorded, and a ledger that cannot be read makes a duplicate a conflict
// that says why.
func TestCreateOrderWhenTheLedgerFails(t *testing.T) {
	ctx := context.Background()
	e500, taken := fixture(t, "error_500.json"), fixture(t, "error_422_taken.json")
	t.Run("a call the ledger could not record", func(t *testing.T) {
		st := &beginFails{Memory: store.NewMemory()}
		clock := newClock()
		mt, _ := sequence(t, 500, e500, 500, e500, 500, e500, 422, taken)
		c := testClient(t, mt, clock, func(o *esimstory.Options) { o.Store = st })
		_, err := c.CreateOrder(ctx, order3())
		require.Error(t, err)
		st.fail.Store(true)
		clock.Advance(time.Second)
		o, err := c.CreateOrder(ctx, order3())
		require.NoError(t, err, "the earlier call's record says the duplicate is ours")
		require.True(t, o.Recovered)
		e := onlyEntry(t, c, "ORDER-123456")
		require.Equal(t, ledger.StateUnknown, e.State, "only the first call is recorded")
	})
	t.Run("a ledger that cannot be read", func(t *testing.T) {
		mt, _ := sequence(t, 500, e500, 500, e500, 500, e500, 422, taken)
		c := testClient(t, mt, newClock(), func(o *esimstory.Options) { o.Store = listless{store.NewMemory()} })
		_, err := c.CreateOrder(ctx, order3())
		require.Error(t, err)
		_, err = c.CreateOrder(ctx, order3())
		require.ErrorIs(t, err, apierror.ErrConflict, "without a tracker nothing says the duplicate is ours")
		require.Contains(t, err.Error(), "the fleet's ledger could not be read")
		require.Contains(t, err.Error(), ledger.ErrCannotList.Error())
		var e *apierror.Error
		require.True(t, errors.As(err, &e))
		require.Equal(t, 422, e.StatusCode)
	})
}

// cancelAware is a Store that refuses work for a context that ended, as a
// networked store does.
type cancelAware struct{ store.Store }

func (c cancelAware) Get(ctx context.Context, k string) ([]byte, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	return c.Store.Get(ctx, k)
}

func (c cancelAware) Set(ctx context.Context, k string, v []byte, ttl time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return c.Store.Set(ctx, k, v, ttl)
}

func (c cancelAware) SetNX(ctx context.Context, k string, v []byte, ttl time.Duration) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	return c.Store.SetNX(ctx, k, v, ttl)
}

func (c cancelAware) Delete(ctx context.Context, k string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return c.Store.Delete(ctx, k)
}

// TestCreateOrderCancelledMidCallKeepsTheOrderOpen: a caller whose context
// ends while the order is on the wire gets an open outcome, and the
// tracker (in a store that honours contexts) still records it as open:
// a replica's re-call with the same id then recovers the order, even with
// a ledger that cannot be read.
func TestCreateOrderCancelledMidCallKeepsTheOrderOpen(t *testing.T) {
	shared := cancelAware{store.NewMemory()}
	trA, trB := esimstory.NewTracker(shared), esimstory.NewTracker(shared)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	mtA := httpmock.NewMockTransport()
	mtA.RegisterResponder(http.MethodPost, ordersURL, func(req *http.Request) (*http.Response, error) {
		cancel() // the caller gives up while eSIM Story creates the order
		return nil, context.Canceled
	})
	cA := testClient(t, mtA, newClock(), func(o *esimstory.Options) { o.Tracker, o.Store = trA, listless{store.NewMemory()} })
	_, err := cA.CreateOrder(ctx, order3())
	require.Error(t, err)
	require.True(t, apierror.MayHaveActed(err), "the order may exist")

	bg := context.Background()
	known, err := trB.Known(bg, delivery("T-1", "ORDER-123456"))
	require.NoError(t, err)
	require.True(t, known, "its deliveries are accepted")
	mtB, _ := sequence(t, 422, fixture(t, "error_422_taken.json"))
	cB := testClient(t, mtB, newClock(), func(o *esimstory.Options) { o.Tracker, o.Store = trB, listless{store.NewMemory()} })
	o, err := cB.CreateOrder(bg, order3())
	require.NoError(t, err, "the tracker held the outcome open")
	require.True(t, o.Recovered)
	_, expected, err := trA.Progress(bg, "ORDER-123456")
	require.NoError(t, err)
	require.Equal(t, 3, expected)
}

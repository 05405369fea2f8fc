package esimstory_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/esimstory"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/store"
)

// TestCreateOrderResponseDescribesTheWholeCall: WithResponse tells what the
// order call did, however it ended: its attempts, the last status, and
// whether the order was recovered rather than answered; the error says
// whether the call may have bought something and whether it may be made
// again with the same id.
func TestCreateOrderResponseDescribesTheWholeCall(t *testing.T) {
	e500, taken := fixture(t, "error_500.json"), fixture(t, "error_422_taken.json")
	tests := []struct {
		name      string
		answers   []any
		attempts  int
		status    int
		recovered bool
		err       bool
		acted     bool
	}{
		{"created", []any{200, fixture(t, "order_qty3.json")}, 1, 200, false, false, false},
		{"recovered", []any{500, e500, 422, taken}, 2, 422, true, false, false},
		{"refused", []any{400, fixture(t, "error_400.json")}, 1, 400, false, true, false},
		{"reused id", []any{422, taken}, 1, 422, false, true, false},
		{"every answer lost", []any{500, e500}, 3, 500, false, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, tracked := range []bool{false, true} {
				mt, _ := sequence(t, tt.answers...)
				c := testClient(t, mt, newClock(), func(o *esimstory.Options) {
					if tracked {
						o.Tracker = esimstory.NewTracker(nil)
					}
				})
				resp := option.Response{Recovered: !tt.recovered, Attempts: 99} // left from an earlier call
				o, err := c.CreateOrder(context.Background(), order3(), option.WithResponse(&resp))
				require.Equal(t, tt.attempts, resp.Attempts)
				require.Equal(t, tt.status, resp.StatusCode)
				require.Equal(t, tt.recovered, resp.Recovered)
				if !tt.err {
					require.NoError(t, err)
					require.Equal(t, tt.recovered, o.Recovered)
					continue
				}
				require.Error(t, err)
				require.Nil(t, o)
				require.Equal(t, tt.acted, apierror.MayHaveActed(err), "may have acted")
				require.True(t, apierror.SafeToRetry(err), "the same id is always safe to send again")
			}
		})
	}
}

// TestCreateOrderTrackingFailureSaysTheOrderExists: an order created while
// the tracker could not record it comes back with an error that says it
// acted (do not create it again) and that recording it again is safe.
func TestCreateOrderTrackingFailureSaysTheOrderExists(t *testing.T) {
	tr := esimstory.NewTracker(&flakyStore{Store: store.NewMemory(), failOn: ":order:"})
	c, _ := trackedClient(t, tr)
	o, err := c.CreateOrder(context.Background(), order3())
	require.ErrorIs(t, err, errStoreDown)
	require.True(t, apierror.MayHaveActed(err))
	require.True(t, apierror.SafeToRetry(err))
	require.Equal(t, topups3, o.TopupIDs())
}

// TestCreateOrderTooLargeAnswerIsAskedAgain: a 2xx answer larger than the
// response cap created the order but cannot be read; the call asks once
// more with the same id, and the duplicate answer settles it.
func TestCreateOrderTooLargeAnswerIsAskedAgain(t *testing.T) {
	tests := []struct {
		name    string
		second  []any
		kind    error
		recover bool
	}{
		{"then the duplicate", []any{422, fixture(t, "error_422_taken.json")}, nil, true},
		{"then a refusal", []any{401, fixture(t, "error_401.json")}, apierror.ErrUnauthorized, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mt, calls := sequence(t, append([]any{200, fixture(t, "order_qty3.json")}, tt.second...)...)
			c := testClient(t, mt, newClock(), func(o *esimstory.Options) { o.MaxResponseBytes = 120 })
			o, err := c.CreateOrder(context.Background(), order3())
			require.Equal(t, 2, *calls)
			if tt.recover {
				require.NoError(t, err)
				require.True(t, o.Recovered)
				require.Len(t, o.Units, 3)
				return
			}
			require.ErrorIs(t, err, tt.kind)
			require.True(t, apierror.MayHaveActed(err), "the first answer may have been the order")
		})
	}
}

// TestCreateOrderCancelledDuringAnEmptyAnswer: a 2xx answer that lists no
// units arrives as the caller gives up: the order may exist, so the
// outcome stays open, and nothing more is sent for a caller who left.
func TestCreateOrderCancelledDuringAnEmptyAnswer(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	mt := httpmock.NewMockTransport()
	calls := 0
	mt.RegisterResponder(http.MethodPost, ordersURL, func(req *http.Request) (*http.Response, error) {
		calls++
		cancel()
		return jsonResponder(200, []byte(`{"products":[]}`), nil)(req)
	})
	c := testClient(t, mt, newClock())
	_, err := c.CreateOrder(ctx, order3())
	require.Error(t, err)
	require.Equal(t, 1, calls)
	require.True(t, apierror.MayHaveActed(err))
	var e *apierror.Error
	require.ErrorAs(t, err, &e)
	require.True(t, e.Ambiguous)
	require.Equal(t, "ORDER-123456", e.Reference)
	require.ErrorIs(t, err, apierror.ErrBadResponse, "the error is the answer's, not the ended context's")
	require.Equal(t, 200, e.StatusCode)
}

// TestCreateOrderRecallThatLosesEveryAnswerStaysOpen: a re-call of an open
// order that loses every answer too leaves the outcome open (not a
// refusal), and the tracker keeps accepting the order's deliveries.
func TestCreateOrderRecallThatLosesEveryAnswerStaysOpen(t *testing.T) {
	ctx := context.Background()
	tr := esimstory.NewTracker(nil, func(o *esimstory.TrackerOptions) { o.RejectUnknown = true })
	c, calls := trackedClient(t, tr, 500, fixture(t, "error_500.json"))
	for i := range 2 {
		_, err := c.CreateOrder(ctx, order3())
		require.ErrorIs(t, err, apierror.ErrServer)
		require.True(t, apierror.MayHaveActed(err), "call %d", i)
		var e *apierror.Error
		require.ErrorAs(t, err, &e)
		require.True(t, e.Ambiguous, "call %d", i)
	}
	require.Equal(t, 6, *calls)
	ok, err := deliver(ctx, tr, "T-1", "ORDER-123456")
	require.NoError(t, err)
	require.True(t, ok)
}

// TestCreateOrderAcceptsExactlyMaxUnits: MaxUnits units are one order, in
// one product or several; one more is refused before sending.
func TestCreateOrderAcceptsExactlyMaxUnits(t *testing.T) {
	for _, products := range [][]esimstory.OrderProductParams{
		{{OptionID: optionA, Qty: esimstory.MaxUnits}},
		{{OptionID: optionA, Qty: esimstory.MaxUnits - 40}, {OptionID: optionB, Qty: 40}},
	} {
		mt, calls := sequence(t, 500, fixture(t, "error_500.json"))
		c := testClient(t, mt, newClock(), func(o *esimstory.Options) { o.Retry.MaxAttempts = 1 })
		_, err := c.CreateOrder(context.Background(), esimstory.CreateOrderParams{ExternalOrderID: "ORD-MAX", Products: products})
		require.ErrorIs(t, err, apierror.ErrServer, "sent, not refused")
		require.Equal(t, 1, *calls)
	}
}

// TestCreateOrderRecallLeavesTheTrackedOrderAlone: a re-call of an order
// the tracker holds, whose duplicate answer is recovered, keeps the
// deliveries counted so far and keeps refusing topup_ids the order does
// not list.
func TestCreateOrderRecallLeavesTheTrackedOrderAlone(t *testing.T) {
	ctx := context.Background()
	tr := esimstory.NewTracker(nil)
	clock := newClock()
	mt, _ := sequence(t, 200, fixture(t, "order_qty3.json"), 500, fixture(t, "error_500.json"), 422, fixture(t, "error_422_taken.json"))
	c := testClient(t, mt, clock, func(o *esimstory.Options) { o.Tracker = tr })
	_, err := c.CreateOrder(ctx, order3())
	require.NoError(t, err)
	ok, err := deliver(ctx, tr, topups3[0], "ORDER-123456")
	require.NoError(t, err)
	require.True(t, ok)
	clock.Advance(time.Second)
	again, err := c.CreateOrder(ctx, order3())
	require.NoError(t, err)
	require.True(t, again.Recovered)
	delivered, expected, err := tr.Progress(ctx, "ORDER-123456")
	require.NoError(t, err)
	require.Equal(t, [2]int{1, 3}, [2]int{delivered, expected})
	ok, err = deliver(ctx, tr, "T-UNLISTED", "ORDER-123456")
	require.NoError(t, err)
	require.False(t, ok)
}

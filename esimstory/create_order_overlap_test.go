package esimstory_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/esimstory"
	"github.com/simkit/simkit/store"
)

// Two CreateOrder calls with one external order id overlap (a job queue
// redelivering, two replicas sharing the tracker's store). The call that
// began first gets a definite answer last, after the other call's attempts
// were ambiguous and it kept the order open. The definite answer used to
// drop the pending record because that call had found none when it began:
// the open order was forgotten, its deliveries refused as unknown (404,
// the provider gives up: the eSIM is lost) and Wait said "not tracked".
func TestCreateOrderOverlappingCallKeepsOpenOrder(t *testing.T) {
	const ext = "ORD-OVERLAP-1"
	tests := []struct {
		name       string
		lateStatus int
		lateBody   string
		recovered  bool // the late call's duplicate is the open order
	}{
		{"late duplicate", 422, `{"errors":["External order id has already been taken"]}`, true},
		{"late 401", 401, `{"error":{"code":"unauthorized","message":"bad signature"}}`, false},
		{"late 400", 400, `{"error":"products is invalid"}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			shared := store.NewMemory()
			trA := esimstory.NewTracker(shared, func(o *esimstory.TrackerOptions) { o.RejectUnknown = true })
			trB := esimstory.NewTracker(shared, func(o *esimstory.TrackerOptions) { o.RejectUnknown = true })
			clock := newClock()

			mtB := httpmock.NewMockTransport()
			arrived, release := make(chan struct{}), make(chan struct{})
			mtB.RegisterResponder(http.MethodPost, ordersURL, func(*http.Request) (*http.Response, error) {
				close(arrived)
				<-release
				r := httpmock.NewStringResponse(tt.lateStatus, tt.lateBody)
				r.Header.Set("Content-Type", "application/json")
				return r, nil
			})
			mtA := httpmock.NewMockTransport()
			mtA.RegisterResponder(http.MethodPost, ordersURL, httpmock.NewStringResponder(500, `{"error":"internal server error"}`))
			cB := testClient(t, mtB, clock, func(o *esimstory.Options) { o.Tracker = trB })
			cA := testClient(t, mtA, clock, func(o *esimstory.Options) { o.Tracker = trA })
			p := esimstory.CreateOrderParams{ExternalOrderID: ext, Products: []esimstory.OrderProductParams{{OptionID: optionA, Qty: 2}}}

			type result struct {
				o   *esimstory.Order
				err error
			}
			late := make(chan result, 1)
			go func() {
				o, err := cB.CreateOrder(context.Background(), p)
				late <- result{o, err}
			}()
			<-arrived
			_, errA := cA.CreateOrder(context.Background(), p)
			require.Error(t, errA)
			var ae *apierror.Error
			require.ErrorAs(t, errA, &ae)
			require.True(t, ae.Ambiguous, "every attempt of the second call was a 500")
			close(release)
			rB := <-late

			if tt.recovered {
				require.NoError(t, rB.err)
				require.True(t, rB.o.Recovered)
				require.Len(t, rB.o.Units, 2)
			} else {
				require.Error(t, rB.err)
			}
			// The order may exist: its deliveries are still accepted and
			// counted, on either replica.
			for i, tr := range []*esimstory.Tracker{trA, trB} {
				known, err := tr.Known(context.Background(), &esimstory.Delivery{TopupID: "T-1", ExternalOrderID: ext})
				require.NoError(t, err)
				require.True(t, known, "tracker %d refuses a delivery of the open order", i)
			}
			_, expected, err := trA.Progress(context.Background(), ext)
			require.NoError(t, err)
			require.Equal(t, 2, expected)
		})
	}
}

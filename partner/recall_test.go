package partner_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/partner"
	"github.com/simkit/simkit/simkittest"
)

// TestRecallWithFailingLookupReturnsTheOrder: a first call's answer is
// lost and its look-up fails; a re-call with the same external_id gets
// 409 and its first look-up fails with a 500. A 409 for an id this fleet
// sent proves the order exists: the look-up is retried and the order
// returned, recovered. When every look-up fails, the error is never
// ErrConflict: it is ambiguous and safe to call again.
func TestRecallWithFailingLookupReturnsTheOrder(t *testing.T) {
	env := simkittest.New(t)
	c := env.Client.Partner
	params := partner.CreateOrderParams{ExternalID: "ORD-RECALL-1", Item: partner.OrderItemParams{SKUID: simkittest.PartnerSKUVoucher}}

	// The first call: the answer is lost (after the order was made) on
	// every attempt, and every look-up fails.
	env.Faults.Add(simkittest.Fault{Provider: simkittest.ProviderPartner, Method: "POST", Path: "/orders", Kind: simkittest.DropAfterHandling, Times: 3})
	env.Faults.Add(simkittest.Fault{Provider: simkittest.ProviderPartner, Method: "GET", Path: "/orders", Kind: simkittest.Status, Status: 500, Times: 3})
	_, err := c.CreateOrder(context.Background(), params)
	require.Error(t, err)
	require.NotErrorIs(t, err, apierror.ErrConflict)
	require.True(t, apierror.MayHaveActed(err))
	require.True(t, apierror.SafeToRetry(err))
	require.Len(t, env.Partner.Orders(), 1)

	// The re-call: 409, then one failing look-up, then the order.
	env.Faults.Add(simkittest.Fault{Provider: simkittest.ProviderPartner, Method: "GET", Path: "/orders", Kind: simkittest.Status, Status: 500, Times: 1})
	o, err := c.CreateOrder(context.Background(), params)
	require.NoError(t, err)
	require.True(t, o.Recovered)
	require.Equal(t, env.Partner.Orders()[0].ID, o.ID)

	// Every look-up of a re-call fails: ambiguous, never a conflict.
	env.Faults.Add(simkittest.Fault{Provider: simkittest.ProviderPartner, Method: "GET", Path: "/orders", Kind: simkittest.Status, Status: 500})
	_, err = c.CreateOrder(context.Background(), params)
	require.Error(t, err)
	require.NotErrorIs(t, err, apierror.ErrConflict)
	var e *apierror.Error
	require.ErrorAs(t, err, &e)
	require.True(t, e.Ambiguous)
	require.Equal(t, "ORD-RECALL-1", e.Reference)
	require.True(t, apierror.SafeToRetry(err))
	require.Len(t, env.Partner.Orders(), 1, "exactly one order per external id")
}

// TestParallelRecallsReturnTheOneOrder: many calls with one external id at
// once, from replicas sharing the Store, all return the same order.
func TestParallelRecallsReturnTheOneOrder(t *testing.T) {
	env := simkittest.New(t)
	params := partner.CreateOrderParams{ExternalID: "ORD-PAR-1", Item: partner.OrderItemParams{SKUID: simkittest.PartnerSKUVoucher}}
	var wg sync.WaitGroup
	ids := make([]string, 8)
	errs := make([]error, 8)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o, err := env.Client.Partner.CreateOrder(context.Background(), params)
			errs[i] = err
			if o != nil {
				ids[i] = o.ID
			}
		}()
	}
	wg.Wait()
	for i := range ids {
		require.NoError(t, errs[i])
		require.Equal(t, env.Partner.Orders()[0].ID, ids[i])
	}
	require.Len(t, env.Partner.Orders(), 1)
}

// TestWithResponseDescribesARecoveredOrder: an order whose first answer
// was lost, sent again and refused as a duplicate, then found by its
// external id, reports its two POSTs (not the look-up) with their
// statuses, the look-up it made, and Recovered.
func TestWithResponseDescribesARecoveredOrder(t *testing.T) {
	env := simkittest.New(t)
	env.Faults.Add(simkittest.Fault{Provider: simkittest.ProviderPartner, Method: "POST", Path: "/orders", Kind: simkittest.DropAfterHandling, Times: 1})
	var r option.Response
	o, err := env.Client.Partner.CreateOrder(context.Background(),
		partner.CreateOrderParams{ExternalID: "ORD-RESP-1", Item: partner.OrderItemParams{SKUID: simkittest.PartnerSKUVoucher}},
		option.WithResponse(&r))
	require.NoError(t, err)
	require.True(t, o.Recovered)
	require.True(t, r.Recovered)
	require.Equal(t, 2, r.Attempts, "the lost POST and the one answered 409")
	require.Len(t, r.History, 2)
	require.Zero(t, r.History[0].StatusCode, "no answer")
	require.Error(t, r.History[0].Err)
	require.Equal(t, 409, r.History[1].StatusCode)
	require.Equal(t, 409, r.StatusCode, "the call's own last answer, not the look-up's")
	require.Len(t, r.Lookups, 1)
	require.Equal(t, "GET /orders", r.Lookups[0].Op)
	require.Equal(t, 200, r.Lookups[0].StatusCode)
	require.NoError(t, r.Lookups[0].Err)
}

package esimstory_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/esimstory"
	"github.com/simkit/simkit/simkittest"
)

// TestRecallsAfterAnAmbiguousOrderReturnTheOrder: an order whose every
// attempt failed after eSIM Story created it leaves the outcome open; two
// parallel re-calls with the same external_order_id, and a later one, all
// get the provider's duplicate answer and all return the order as
// recovered (the fleet's ledger shows it sent the id for the same units).
// The same id for other units is ErrConflict.
func TestRecallsAfterAnAmbiguousOrderReturnTheOrder(t *testing.T) {
	env := simkittest.New(t)
	c := env.Client.ESIMStory
	p := esimstory.CreateOrderParams{ExternalOrderID: "ORD-RECALL-E1", Products: []esimstory.OrderProductParams{{OptionID: simkittest.ESIMStoryOptionA, Qty: 2}}}

	env.Faults.Add(simkittest.Fault{Provider: simkittest.ProviderESIMStory, Method: "POST", Path: "/v1/api_partner/orders", Kind: simkittest.StatusAfterHandling, Status: 500, Times: 3})
	_, err := c.CreateOrder(context.Background(), p)
	require.Error(t, err)
	require.True(t, apierror.MayHaveActed(err))
	require.True(t, apierror.SafeToRetry(err), "eSIM Story deduplicates: the same id is safe")
	require.Equal(t, 1, env.ESIMStory.OrderCount())

	var wg sync.WaitGroup
	orders := make([]*esimstory.Order, 2)
	errs := make([]error, 2)
	for i := range orders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			orders[i], errs[i] = c.CreateOrder(context.Background(), p)
		}()
	}
	wg.Wait()
	for i := range orders {
		require.NoError(t, errs[i], "parallel re-call %d", i)
		require.True(t, orders[i].Recovered)
		require.Len(t, orders[i].Units, 2)
	}

	later, err := c.CreateOrder(context.Background(), p)
	require.NoError(t, err, "a sequential re-call after others settled it")
	require.True(t, later.Recovered)
	require.Len(t, later.Units, 2)

	other := p
	other.Products = []esimstory.OrderProductParams{{OptionID: simkittest.ESIMStoryOptionB, Qty: 1}}
	_, err = c.CreateOrder(context.Background(), other)
	require.ErrorIs(t, err, apierror.ErrConflict, "the id was sent for other units")
	require.False(t, apierror.MayHaveActed(err))
	require.Equal(t, 1, env.ESIMStory.OrderCount(), "exactly one order")
}

// TestParallelFirstCallsWithOneIDReturnTheOrder: several replicas send the
// same new order at once; eSIM Story makes one, refuses the others as
// duplicates, and every caller gets that order.
func TestParallelFirstCallsWithOneIDReturnTheOrder(t *testing.T) {
	env := simkittest.New(t)
	p := esimstory.CreateOrderParams{ExternalOrderID: "ORD-PAR-E1", Products: []esimstory.OrderProductParams{{OptionID: simkittest.ESIMStoryOptionA, Qty: 1}}}
	var wg sync.WaitGroup
	errs := make([]error, 6)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o, err := env.Client.ESIMStory.CreateOrder(context.Background(), p)
			if err == nil && len(o.Units) != 1 {
				err = apierror.Validation("test", "", "wrong units")
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for i, err := range errs {
		require.NoError(t, err, "call %d", i)
	}
	require.Equal(t, 1, env.ESIMStory.OrderCount())
}

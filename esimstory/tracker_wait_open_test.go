package esimstory_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/esimstory"
)

// Pins what Tracker.Wait's and CreateOrder's godocs both promise: a
// CreateOrder whose outcome stayed open fails with Ambiguous set, never
// with ErrOutcomeUnknown, and Wait still collects the order's deliveries.
func TestTrackerWaitsForAnOrderWhoseOutcomeStayedOpen(t *testing.T) {
	ctx := context.Background()
	tr := esimstory.NewTracker(nil, func(o *esimstory.TrackerOptions) { o.RejectUnknown = true; o.Poll = time.Hour })
	c, _ := trackedClient(t, tr, 500, fixture(t, "error_500.json"))
	_, err := c.CreateOrder(ctx, order3())
	require.Error(t, err)
	require.NotErrorIs(t, err, apierror.ErrOutcomeUnknown)
	var e *apierror.Error
	require.ErrorAs(t, err, &e)
	require.True(t, e.Ambiguous)

	for _, id := range []string{"T-1", "T-2", "T-3"} {
		ok, err := deliver(ctx, tr, id, "ORDER-123456")
		require.NoError(t, err)
		require.True(t, ok, "a delivery of the open order is accepted")
	}
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	ds, err := tr.Wait(wctx, "ORDER-123456")
	require.NoError(t, err)
	require.Len(t, ds, 3)
}

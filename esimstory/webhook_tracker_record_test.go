package esimstory_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/esimstory"
	"github.com/simkit/simkit/store"
)

// flakyTrackerStore fails the tracker's first write of a delivery record,
// as a store that blips right after the user function ran.
type flakyTrackerStore struct {
	*store.Memory
	fails atomic.Int32
}

func (s *flakyTrackerStore) Set(ctx context.Context, k string, v []byte, ttl time.Duration) error {
	if strings.Contains(k, ":delivery:") && s.fails.Add(-1) >= 0 {
		return errors.New("store blip")
	}
	return s.Memory.Set(ctx, k, v, ttl)
}

// TestWebhookTrackerRecordFailureDoesNotRehandle: the function succeeded, so
// a tracker that could not record the delivery must not make the provider's
// retry hand it to the function a second time; the tracker still ends up
// with the delivery.
func TestWebhookTrackerRecordFailureDoesNotRehandle(t *testing.T) {
	st := &flakyTrackerStore{Memory: store.NewMemory()}
	st.fails.Store(1)
	tr := esimstory.NewTracker(st)
	require.NoError(t, tr.Track(context.Background(), &esimstory.Order{
		ExternalOrderID: "ORDER-1", Units: []esimstory.OrderedUnit{{TopupID: "T1", OptionID: optionA}},
	}))
	var calls atomic.Int32
	h, err := esimstory.NewWebhookHandler(func(context.Context, *esimstory.Delivery) error {
		calls.Add(1)
		return nil
	}, withToken, func(o *esimstory.WebhookOptions) { o.Tracker = tr })
	require.NoError(t, err)
	target := "/hook?token=" + hookToken.Reveal()
	body := deliveryBody(t, "T1", "ORDER-1")

	codes := []int{post(h, target, body).Code, post(h, target, body).Code}
	require.Equal(t, []int{200, 200}, codes, "the function succeeded: the provider is told so")
	require.Equal(t, int32(1), calls.Load(), "the retry is not handed to the function again")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	got, err := tr.Wait(ctx, "ORDER-1")
	require.NoError(t, err, "the tracker records the delivery once the store is back")
	require.Len(t, got, 1)
}

package smsnumbers_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/ledger"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/retry"
	"github.com/simkit/simkit/simkittest"
	"github.com/simkit/simkit/smsnumbers"
	"github.com/simkit/simkit/store"
)

// heldAnswer is a transport that lets a buy reach the fake (which creates
// the order) and then holds its answer until release is closed: the buy is
// in flight, its order already in the history. With lose set, the answer
// is then lost instead of delivered.
type heldAnswer struct {
	next     http.RoundTripper
	handled  chan struct{}
	release  chan struct{}
	lose     bool
	onceHold sync.Once
}

func (h *heldAnswer) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := h.next.RoundTrip(r)
	if !strings.Contains(r.URL.Path, "/buy/") {
		return resp, err
	}
	h.onceHold.Do(func() { close(h.handled) })
	<-h.release
	if h.lose {
		if resp != nil {
			resp.Body.Close()
		}
		return nil, errors.New("connection reset after the provider handled the buy")
	}
	return resp, err
}

// settler is a replica whose settle waits block, after signalling
// waiting, until proceed is closed: the test decides when the calls it
// waits for finish, with no timing involved.
func settler(t *testing.T, env *simkittest.Env, st store.Store, now func() time.Time, skew time.Duration, waiting, proceed chan struct{}) *smsnumbers.Client {
	t.Helper()
	var once sync.Once
	c, err := smsnumbers.New(env.SMSOptions, func(o *smsnumbers.Options) {
		o.Store = st
		o.Limiter = option.NoLimit
		o.SettleSkew = skew
		o.Now = now
		o.Retry = retry.Policy{MaxAttempts: 2, Sleep: func(ctx context.Context, _ time.Duration) error {
			once.Do(func() { close(waiting) })
			select {
			case <-proceed:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}}
	})
	require.NoError(t, err)
	return c
}

// TestSettlerNeverTakesAnOrderItsOwnerIsAboutToReceive: one replica's buy
// has created its order and its answer is on the way; another replica's
// buy fails with a 500 before the provider handled it (nothing bought) and
// settles from the history, where the first order is the newest one
// unclaimed. The settler waits for the owner's answer, sees the owner
// holds it, and answers ErrOutcomeUnknown: the owner keeps its order, no
// number is held twice.
func TestSettlerNeverTakesAnOrderItsOwnerIsAboutToReceive(t *testing.T) {
	env := simkittest.New(t)
	st := store.NewMemory()
	held := &heldAnswer{next: http.DefaultTransport, handled: make(chan struct{}), release: make(chan struct{})}
	owner, err := smsnumbers.New(env.SMSOptions, func(o *smsnumbers.Options) {
		o.Store, o.Limiter, o.Transport = st, option.NoLimit, held
	})
	require.NoError(t, err)
	waiting, proceed := make(chan struct{}), make(chan struct{})
	s := settler(t, env, st, nil, 0, waiting, proceed)

	var ownerOrder *smsnumbers.Order
	var ownerErr error
	ownerDone := make(chan struct{})
	go func() {
		defer close(ownerDone)
		ownerOrder, ownerErr = owner.BuyActivation(context.Background(), telegramRU)
	}()
	<-held.handled // the owner's order exists, its answer is held

	env.Faults.Add(simkittest.Fault{Provider: simkittest.ProviderSMS, Path: "/v1/user/buy/*", Times: 1, Kind: simkittest.Status, Status: 500})
	var got *smsnumbers.Order
	var settleErr error
	settled := make(chan struct{})
	go func() {
		defer close(settled)
		got, settleErr = s.BuyActivation(context.Background(), telegramRU)
	}()
	<-waiting           // the settler saw the owner in flight and waits
	close(held.release) // the owner's answer arrives
	<-ownerDone
	close(proceed)
	<-settled

	require.NoError(t, ownerErr)
	require.False(t, ownerOrder.Recovered)
	require.ErrorIs(t, settleErr, apierror.ErrOutcomeUnknown, "the settler bought nothing and must not take the owner's order")
	require.Nil(t, got)
	require.True(t, apierror.MayHaveActed(settleErr))
	require.False(t, apierror.SafeToRetry(settleErr))
	require.Equal(t, []int64{ownerOrder.ID}, env.SMS.OrderIDs())

	// The ledger tells the same story: the owner holds the order, the
	// settler's outcome is unknown.
	var states []ledger.State
	for e, err := range owner.Ledger().Entries(context.Background(), time.Time{}, time.Time{}) {
		require.NoError(t, err)
		states = append(states, e.State)
	}
	require.ElementsMatch(t, []ledger.State{ledger.StateDone, ledger.StateUnknown}, states)
}

// TestSettleNeverTakesAnOrderMadeBeforeItsCall: a buy answered 500 before
// the provider handled it must not recover an order another replica's buy
// created 2 ms before it started, even while that buy's own answer is lost
// and it settles at the same moment. With no clock skew allowed, the
// earlier order is outside the 500's window: the other buy recovers it.
// With the default skew allowance the two windows overlap and one order
// cannot be told apart between two lost calls: both answer
// ErrOutcomeUnknown, and nobody holds it twice.
func TestSettleNeverTakesAnOrderMadeBeforeItsCall(t *testing.T) {
	for _, tc := range []struct {
		name         string
		skew         time.Duration
		ownerRecover bool
	}{
		{"no skew", -1, true},
		{"default skew", 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			clock := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
			now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
			advance := func(d time.Duration) { mu.Lock(); clock = clock.Add(d); mu.Unlock() }
			env := simkittest.New(t, func(c *simkittest.Config) { c.Now = now })
			st := store.NewMemory(func(o *store.MemoryOptions) { o.Now = now })
			held := &heldAnswer{next: http.DefaultTransport, handled: make(chan struct{}), release: make(chan struct{}), lose: true}
			other, err := smsnumbers.New(env.SMSOptions, func(o *smsnumbers.Options) {
				o.Store, o.Limiter, o.Transport, o.Now, o.SettleSkew = st, option.NoLimit, held, now, tc.skew
			})
			require.NoError(t, err)
			waiting, proceed := make(chan struct{}), make(chan struct{})
			s := settler(t, env, st, now, tc.skew, waiting, proceed)

			var otherOrder *smsnumbers.Order
			var otherErr error
			otherDone := make(chan struct{})
			go func() {
				defer close(otherDone)
				otherOrder, otherErr = other.BuyActivation(context.Background(), telegramRU)
			}()
			<-held.handled
			advance(2 * time.Millisecond)

			env.Faults.Add(simkittest.Fault{Provider: simkittest.ProviderSMS, Path: "/v1/user/buy/*", Times: 1, Kind: simkittest.Status, Status: 500})
			var got *smsnumbers.Order
			var settleErr error
			settled := make(chan struct{})
			go func() {
				defer close(settled)
				got, settleErr = s.BuyActivation(context.Background(), telegramRU)
			}()
			if tc.skew == 0 {
				select {
				case <-waiting: // the other buy covers the order and is in flight
				case <-settled:
					t.Fatalf("the settler did not wait for the buy in flight: %v", settleErr)
				}
			}
			close(held.release) // the other buy's answer is lost: it settles too
			<-otherDone
			close(proceed)
			<-settled

			require.ErrorIs(t, settleErr, apierror.ErrOutcomeUnknown, "the 500 bought nothing")
			require.Nil(t, got)
			ids := env.SMS.OrderIDs()
			require.Len(t, ids, 1)
			if tc.ownerRecover {
				require.NoError(t, otherErr)
				require.True(t, otherOrder.Recovered)
				require.Equal(t, ids[0], otherOrder.ID)
			} else {
				require.ErrorIs(t, otherErr, apierror.ErrOutcomeUnknown)
				var e *apierror.Error
				require.ErrorAs(t, otherErr, &e)
				require.Equal(t, now().Add(-2*time.Millisecond), e.Started, "the unknown names the call that may have made the order")
			}
		})
	}
}

// noIndex is a Store without the store.Indexer capability.
type noIndex struct{ store.Store }

// TestSettleWithoutAListingStoreIsUnknown: with a Store that cannot list
// the fleet's calls, nothing proves whose an order in the history is, so
// a buy whose answer was lost answers ErrOutcomeUnknown, even when the
// order it made is the only one there.
func TestSettleWithoutAListingStoreIsUnknown(t *testing.T) {
	env := simkittest.New(t)
	c, err := smsnumbers.New(env.SMSOptions, func(o *smsnumbers.Options) {
		o.Store, o.Limiter = noIndex{store.NewMemory()}, option.NoLimit
	})
	require.NoError(t, err)
	require.False(t, c.Ledger().CanList())
	env.Faults.Add(simkittest.Fault{Provider: simkittest.ProviderSMS, Path: "/v1/user/buy/*", Times: 1, Kind: simkittest.DropAfterHandling})
	_, err = c.BuyActivation(context.Background(), telegramRU)
	require.ErrorIs(t, err, apierror.ErrOutcomeUnknown)
	require.Contains(t, err.Error(), "store.Indexer")
	require.Len(t, env.SMS.OrderIDs(), 1)

	// A buy whose answer arrives needs no listing.
	o, err := c.BuyActivation(context.Background(), telegramRU)
	require.NoError(t, err)
	require.False(t, o.Recovered)
}

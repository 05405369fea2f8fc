package partner

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/ledger"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/retry"
	"github.com/simkit/simkit/store"
)

// tickingClock makes every reading of the client's clock one second later,
// so ledger entries written one after another list in that order.
func tickingClock(o *Options) {
	var n atomic.Int64
	o.Now = func() time.Time { return time.Unix(seedTS+n.Add(1), 0) }
}

// record writes a finished entry into c's ledger, as another replica's
// call would have, and returns its id.
func record(t *testing.T, c *Client, op, externalID, subject string, state ledger.State) string {
	t.Helper()
	e, err := c.Ledger().Begin(context.Background(), ledger.Intent{Call: op, Reference: externalID, Subject: subject})
	require.NoError(t, err)
	require.NoError(t, c.Ledger().Finish(context.Background(), e, ledger.Outcome{State: state}))
	return e.ID
}

// ownEntry returns the one ledger entry with externalID that is not among
// seeded: the entry this call wrote.
func ownEntry(t *testing.T, c *Client, externalID string, seeded ...string) ledger.Entry {
	t.Helper()
	all, err := c.Ledger().ByReference(context.Background(), externalID)
	require.NoError(t, err)
	var own []ledger.Entry
	for _, e := range all {
		if !slices.Contains(seeded, e.ID) {
			own = append(own, e)
		}
	}
	require.Len(t, own, 1, "one call writes one entry")
	got, ok, err := c.Ledger().Get(context.Background(), own[0].ID)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, own[0].State, got.State)
	return *got
}

// TestOrderCallRecordsItsOutcomeInTheLedger: every way an order call ends
// leaves its entry in the fleet's ledger with the outcome a reconciler
// relies on: done or recovered with the order's id and total, unknown
// when the order may exist, failed when there is none. No entry stays in
// flight, and the caller's Response says whether the order was recovered
// (a Response reused from an earlier call keeps nothing of it).
func TestOrderCallRecordsItsOutcomeInTheLedger(t *testing.T) {
	lost := func(*http.Request) (*http.Response, error) { return nil, errReset }
	status := func(code int, name string) func(*http.Request) (*http.Response, error) {
		return func(*http.Request) (*http.Response, error) { return jsonResponse(code, fixture(t, name)), nil }
	}
	otherSKU := orderParams()
	otherSKU.Item.SKUID = "019bc0dd-8562-7173-afd9-000000000000"
	tests := []struct {
		name      string
		params    CreateOrderParams
		seed      bool // the fleet sent this id for this order before
		post      func(*http.Request) (*http.Response, error)
		getStatus int
		get       string
		want      ledger.State
		wantOrder bool   // the entry names the order and its total
		wantMsg   string // part of the error's message
	}{
		{name: "answered", post: status(201, "order_created.json"), want: ledger.StateDone, wantOrder: true},
		{name: "refused", post: status(402, "error_insufficient_balance.json"), want: ledger.StateFailed},
		{name: "lost, found by look-up", post: lost, getStatus: 200, get: "orders_by_external_id.json", want: ledger.StateRecovered, wantOrder: true},
		{name: "lost, nothing found", post: lost, getStatus: 200, get: "orders_empty.json", want: ledger.StateUnknown,
			wantMsg: "an attempt may have created the order and no order was found by external_id"},
		{name: "lost, look-up fails", post: lost, getStatus: 401, get: "error_unauthorized.json", want: ledger.StateUnknown,
			wantMsg: "an attempt may have created the order and the order look-up by external_id failed"},
		{name: "lost, found an order of another SKU", params: otherSKU, post: lost, getStatus: 200, get: "orders_by_external_id.json", want: ledger.StateFailed,
			wantMsg: "external_id already used: the order with this external_id is for another SKU"},
		{name: "2xx without an order, nothing found", post: func(*http.Request) (*http.Response, error) {
			return jsonResponse(200, []byte(`{"success":true,"data":{}}`)), nil
		}, getStatus: 200, get: "orders_empty.json", want: ledger.StateUnknown,
			wantMsg: "no order was found by external_id"},
		{name: "duplicate of an id the fleet never sent", post: status(409, "error_conflict.json"), want: ledger.StateFailed,
			wantMsg: "external_id already used: this fleet has no record of sending it"},
		{name: "duplicate of an id the fleet sent, found", seed: true, post: status(409, "error_conflict.json"), getStatus: 200, get: "orders_by_external_id.json", want: ledger.StateRecovered, wantOrder: true},
		{name: "duplicate of an id the fleet sent, nothing found", seed: true, post: status(409, "error_conflict.json"), getStatus: 200, get: "orders_empty.json", want: ledger.StateUnknown,
			wantMsg: "the provider already has an order with this external_id, sent by this fleet, and no order was found by external_id"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, tickingClock)
			p := tc.params
			if p.ExternalID == "" {
				p = orderParams()
			}
			var seeded []string
			if tc.seed {
				seeded = append(seeded, record(t, h.c, opCreateOrder, p.ExternalID, p.subject(h.c.Ledger()), ledger.StateUnknown))
			}
			h.onFunc("POST", "/orders", tc.post)
			if tc.get != "" {
				h.on(t, "GET", "/orders", tc.getStatus, tc.get)
			}
			recovered := tc.want == ledger.StateRecovered
			meta := option.Response{Recovered: !recovered} // reused from an earlier call
			o, err := h.c.CreateOrder(context.Background(), p, option.WithResponse(&meta), option.WithRetry(retry.Never()))
			require.Equal(t, recovered, meta.Recovered)

			e := ownEntry(t, h.c, p.ExternalID, seeded...)
			require.Equal(t, tc.want, e.State)
			require.Equal(t, opCreateOrder, e.Call)
			require.Equal(t, p.subject(h.c.Ledger()), e.Subject)
			require.False(t, e.WindowEnd.IsZero(), "the call's window is closed")
			inFlight, lerr := h.c.Ledger().InFlight(context.Background(), e.Subject)
			require.NoError(t, lerr)
			require.Empty(t, inFlight)
			if tc.wantOrder {
				require.NoError(t, err)
				require.Equal(t, orderUUID, o.ID)
				require.Equal(t, recovered, o.Recovered)
				require.Equal(t, []string{orderUUID}, e.ProviderIDs)
				require.True(t, e.Amount.Valid)
				require.True(t, decimal.RequireFromString("25.50").Equal(e.Amount.Decimal), e.Amount.Decimal.String())
				require.Equal(t, "USD", e.Currency)
				return
			}
			require.Nil(t, o)
			require.Error(t, err)
			require.Empty(t, e.ProviderIDs)
			require.False(t, e.Amount.Valid)
			require.True(t, apierror.SafeToRetry(err))
			require.Equal(t, tc.want == ledger.StateUnknown, apierror.MayHaveActed(err))
			var ae *apierror.Error
			require.ErrorAs(t, err, &ae)
			if tc.wantMsg != "" {
				require.Contains(t, ae.Message, tc.wantMsg)
				require.Equal(t, p.ExternalID, ae.Reference)
			}
			if tc.want == ledger.StateUnknown {
				require.True(t, ae.Ambiguous, "the order may exist")
				require.NotErrorIs(t, err, apierror.ErrConflict)
			}
		})
	}
}

// TestOrderCallCallerGaveUpRecordsUnknown: a caller whose context ended
// during a lost attempt gets an error, and the ledger still records the
// order as unknown (the write outlives the caller's context).
func TestOrderCallCallerGaveUpRecordsUnknown(t *testing.T) {
	h := newHarness(t)
	ctx, cancel := context.WithCancel(context.Background())
	h.onFunc("POST", "/orders", func(*http.Request) (*http.Response, error) {
		cancel()
		return nil, errReset
	})
	meta := option.Response{Recovered: true}
	_, err := h.c.CreateOrder(ctx, orderParams(), option.WithResponse(&meta))
	require.Error(t, err)
	require.False(t, meta.Recovered)
	e := ownEntry(t, h.c, orderParams().ExternalID)
	require.Equal(t, ledger.StateUnknown, e.State)
}

// TestDuplicateAnswerReadsTheFleetsRecord: a duplicate answer (409) is
// this call's order only when the fleet's ledger holds a call of the same
// route, external id and order that did not fail; the entries of other
// routes or other orders with the id, listed before it, do not hide it,
// and a failed call of the same order is no proof. The conflict names why.
func TestDuplicateAnswerReadsTheFleetsRecord(t *testing.T) {
	type seed struct {
		op, subject string // subject "" is this order's
		state       ledger.State
	}
	other := "order/00000000-0000-0000-0000-000000000000/0/0"
	tests := []struct {
		name     string
		seeds    []seed
		conflict string // "" when the order is looked up and returned
	}{
		{name: "a top-up with the id, then this order", seeds: []seed{{opTopupESIM, "", ledger.StateUnknown}, {opCreateOrder, "", ledger.StateUnknown}}},
		{name: "another order with the id, then this order", seeds: []seed{{opCreateOrder, other, ledger.StateDone}, {opCreateOrder, "", ledger.StateUnknown}}},
		{name: "this order sent by another route only", seeds: []seed{{opTopupESIM, "", ledger.StateUnknown}},
			conflict: "this fleet has no record of sending it"},
		{name: "this order failed before", seeds: []seed{{opCreateOrder, "", ledger.StateFailed}},
			conflict: "this fleet has no record of sending it"},
		{name: "this order failed before, another order sent", seeds: []seed{{opCreateOrder, "", ledger.StateFailed}, {opCreateOrder, other, ledger.StateUnknown}},
			conflict: "this fleet sent the external_id for another order"},
		{name: "another order only", seeds: []seed{{opCreateOrder, other, ledger.StateFailed}},
			conflict: "this fleet sent the external_id for another order"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, tickingClock)
			p := orderParams()
			var seeded []string
			for _, s := range tc.seeds {
				subject := s.subject
				if subject == "" {
					subject = p.subject(h.c.Ledger())
				}
				seeded = append(seeded, record(t, h.c, s.op, p.ExternalID, subject, s.state))
			}
			h.on(t, "POST", "/orders", 409, "error_conflict.json")
			h.on(t, "GET", "/orders", 200, "orders_by_external_id.json")
			o, err := h.c.CreateOrder(context.Background(), p)
			e := ownEntry(t, h.c, p.ExternalID, seeded...)
			if tc.conflict == "" {
				require.NoError(t, err)
				require.True(t, o.Recovered)
				require.Equal(t, ledger.StateRecovered, e.State)
				return
			}
			require.ErrorIs(t, err, apierror.ErrConflict)
			var ae *apierror.Error
			require.ErrorAs(t, err, &ae)
			require.Contains(t, ae.Message, "external_id already used: "+tc.conflict)
			require.Equal(t, p.ExternalID, ae.Reference)
			require.False(t, apierror.MayHaveActed(err))
			require.True(t, apierror.SafeToRetry(err), "the same id gets the same refusal")
			require.Equal(t, 0, h.count("GET"))
			require.Equal(t, ledger.StateFailed, e.State)
		})
	}
}

// applyFails is a memory Store whose index writes fail once broken: the
// ledger can read what it holds but record nothing new.
type applyFails struct {
	*store.Memory
	broken atomic.Bool
}

func (s *applyFails) Apply(ctx context.Context, w store.IndexWrite) error {
	if s.broken.Load() {
		return errors.New("store unavailable")
	}
	return s.Memory.Apply(ctx, w)
}

// noIndex is a Store that cannot list: the ledger records calls but
// cannot find them by external id.
type noIndex struct{ store.Store }

// TestDuplicateAnswerWhenTheLedgerFails: a call the ledger could not
// record still settles a duplicate answer by what the fleet recorded
// before; a ledger that cannot be read answers as if it had no record,
// and says so.
func TestDuplicateAnswerWhenTheLedgerFails(t *testing.T) {
	t.Run("this call not recorded", func(t *testing.T) {
		st := &applyFails{Memory: store.NewMemory()}
		h := newHarness(t, func(o *Options) { o.Store = st })
		record(t, h.c, opCreateOrder, "ORD-12345", orderParams().subject(h.c.Ledger()), ledger.StateUnknown)
		st.broken.Store(true)
		h.on(t, "POST", "/orders", 409, "error_conflict.json")
		h.on(t, "GET", "/orders", 200, "orders_by_external_id.json")
		o, err := h.c.CreateOrder(context.Background(), orderParams())
		require.NoError(t, err)
		require.True(t, o.Recovered)
		require.Equal(t, orderUUID, o.ID)
	})
	t.Run("ledger cannot list", func(t *testing.T) {
		h := newHarness(t, func(o *Options) { o.Store = noIndex{store.NewMemory()} })
		h.on(t, "POST", "/orders", 409, "error_conflict.json")
		h.on(t, "GET", "/orders", 200, "orders_by_external_id.json")
		_, err := h.c.CreateOrder(context.Background(), orderParams())
		require.ErrorIs(t, err, apierror.ErrConflict)
		require.ErrorContains(t, err, "external_id already used: the fleet's ledger could not be read (")
		require.Equal(t, 0, h.count("GET"))
	})
}

// TestLookUpAfterADuplicateIsRetried: a 409 for an id this fleet sent
// proves the order exists, so a failing look-up is tried three times,
// waiting 200 ms then 400 ms through the client's sleeper, and each
// look-up is listed in the Response with its own error. A caller that gave
// up, or a sleeper that fails, ends the look-ups at once.
func TestLookUpAfterADuplicateIsRetried(t *testing.T) {
	tests := []struct {
		name       string
		failures   int  // look-ups that fail before one finds the order
		cancel     bool // the caller gives up during the first look-up
		sleepFails bool
		wantGets   int
		wantSleeps []time.Duration
		wantFound  bool
	}{
		{name: "found at the third look-up", failures: 2, wantGets: 3, wantSleeps: []time.Duration{200 * time.Millisecond, 400 * time.Millisecond}, wantFound: true},
		{name: "every look-up fails", failures: 5, wantGets: 3, wantSleeps: []time.Duration{200 * time.Millisecond, 400 * time.Millisecond}},
		{name: "caller gives up", failures: 5, cancel: true, wantGets: 1},
		{name: "sleeper fails", failures: 5, sleepFails: true, wantGets: 1, wantSleeps: []time.Duration{200 * time.Millisecond}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var h *harness
			h = newHarness(t, func(o *Options) {
				if tc.sleepFails {
					o.Retry.Sleep = func(_ context.Context, d time.Duration) error {
						h.mu.Lock()
						h.sleeps = append(h.sleeps, d)
						h.mu.Unlock()
						return errors.New("sleeper stopped")
					}
				}
			})
			sentBefore(t, h.c, opCreateOrder, "ORD-12345", orderParams().subject(h.c.Ledger()))
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			h.on(t, "POST", "/orders", 409, "error_conflict.json")
			var gets atomic.Int64
			h.onFunc("GET", "/orders", func(*http.Request) (*http.Response, error) {
				if tc.cancel {
					cancel()
				}
				if int(gets.Add(1)) <= tc.failures {
					return jsonResponse(401, fixture(t, "error_unauthorized.json")), nil
				}
				return jsonResponse(200, fixture(t, "orders_by_external_id.json")), nil
			})
			var meta option.Response
			o, err := h.c.CreateOrder(ctx, orderParams(), option.WithResponse(&meta))
			require.Equal(t, tc.wantGets, h.count("GET"))
			h.mu.Lock()
			sleeps := append([]time.Duration(nil), h.sleeps...)
			h.mu.Unlock()
			require.Equal(t, tc.wantSleeps, sleeps)
			require.Len(t, meta.Lookups, tc.wantGets)
			for i, l := range meta.Lookups {
				if i < tc.failures {
					require.Error(t, l.Err, "look-up %d failed", i)
				} else {
					require.NoError(t, l.Err)
				}
			}
			if tc.wantFound {
				require.NoError(t, err)
				require.True(t, o.Recovered)
				return
			}
			require.Error(t, err)
			require.NotErrorIs(t, err, apierror.ErrConflict)
			require.ErrorContains(t, err, "the order look-up by external_id failed")
		})
	}
}

package topups

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/ledger"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/store"
)

// topupRow is an orders row for the reference on this eSIM.
func topupRow(id, ref, price string) string {
	return `{"id":"` + id + `","type":"topup","description":"` + ref + `","sims":[{"iccid":"` + testICCID + `"}],"price":` + price + `,"currency":"EUR"}`
}

// referenceEntries returns the ledger entries written for ref.
func referenceEntries(t *testing.T, c *Client, ref string) []ledger.Entry {
	t.Helper()
	all, err := c.Ledger().ByReference(context.Background(), ref)
	require.NoError(t, err)
	for _, e := range all {
		got, ok, err := c.Ledger().Get(context.Background(), e.ID)
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, e.State, got.State)
	}
	return all
}

// TestSubmitTopupRecordsItsOutcomeInTheLedger: every way a top-up ends
// leaves one entry in the fleet's ledger with the outcome a reconciler
// relies on: done or recovered with the order's id and price (null when
// the answer stated none), unknown when the top-up may exist, failed when
// none was placed. The subject names the package and only a hash of the
// ICCID; no entry stays in flight; the caller's Response says whether the
// top-up was recovered.
func TestSubmitTopupRecordsItsOutcomeInTheLedger(t *testing.T) {
	const ref = "ref-ledger"
	placed := `{"data":{"id":9667,"type":"topup","description":"` + ref + `","price":"0","currency":"USD"}}`
	tests := []struct {
		name       string
		before     string // the look-up's rows before submitting; "fail" fails it
		submit     httpmock.Responder
		after      string // the settling look-up's rows
		want       ledger.State
		wantID     string
		wantPrice  string // "" when the entry has no amount
		wantCurr   string
		wantSubmit int
		// wantLookups is how many look-ups the Response lists; the last
		// one failed when failedLookup is set.
		wantLookups  int
		failedLookup bool
	}{
		{name: "submitted", submit: jsonResponder(200, fixtureText("submit_topup.json")),
			want: ledger.StateDone, wantID: "9666", wantPrice: "9.5", wantCurr: "USD", wantSubmit: 1, wantLookups: 1},
		{name: "submitted, no price stated", submit: jsonResponder(200, placed),
			want: ledger.StateDone, wantID: "9667", wantCurr: "USD", wantSubmit: 1, wantLookups: 1},
		{name: "found before submitting", before: topupRow("5", ref, "9.5"),
			want: ledger.StateRecovered, wantID: "5", wantPrice: "9.5", wantCurr: "EUR", wantLookups: 1},
		{name: "lost, found after", submit: jsonResponder(503, `{"message":"Service Unavailable"}`), after: topupRow("77", ref, "0"),
			want: ledger.StateRecovered, wantID: "77", wantCurr: "EUR", wantSubmit: 1, wantLookups: 2},
		{name: "lost, nothing found", submit: jsonResponder(503, `{"message":"Service Unavailable"}`),
			want: ledger.StateUnknown, wantSubmit: 1, wantLookups: 2},
		{name: "refused", submit: jsonResponder(422, `{"message":"The package is invalid or out of stock.","code":34}`),
			want: ledger.StateFailed, wantSubmit: 1, wantLookups: 1},
		{name: "lost, the settling look-up fails", submit: jsonResponder(503, `{"message":"Service Unavailable"}`), after: "fail",
			want: ledger.StateUnknown, wantSubmit: 1, wantLookups: 2, failedLookup: true},
		{name: "look-up before submitting fails", before: "fail",
			want: ledger.StateFailed, wantLookups: 1, failedLookup: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			var lookups atomic.Int64
			e.mt.RegisterResponder(http.MethodGet, ordersURL, func(*http.Request) (*http.Response, error) {
				rows := tc.after
				if lookups.Add(1) == 1 {
					rows = tc.before
				}
				if rows == "fail" {
					return httpmock.NewStringResponse(422, `{"meta":{"message":"bad"},"data":{}}`), nil
				}
				return httpmock.NewStringResponse(200, `{"data":[`+rows+`],"meta":{"current_page":1,"last_page":1}}`), nil
			})
			if tc.submit != nil {
				e.mt.RegisterResponder(http.MethodPost, submitURL, tc.submit)
			}
			recovered := tc.want == ledger.StateRecovered
			meta := option.Response{Recovered: !recovered} // reused from an earlier call
			o, err := e.c.SubmitTopup(context.Background(), SubmitTopupParams{PackageID: "p", ICCID: testICCID, Reference: ref}, option.WithResponse(&meta))
			require.Equal(t, tc.wantSubmit, e.calls(http.MethodPost, submitURL))
			require.Equal(t, recovered, meta.Recovered)
			require.Len(t, meta.Lookups, tc.wantLookups)
			for i, l := range meta.Lookups {
				require.Equal(t, opListOrders, l.Op)
				require.Equal(t, tc.failedLookup && i == len(meta.Lookups)-1, l.Err != nil, "look-up %d", i)
			}

			entries := referenceEntries(t, e.c, ref)
			require.Len(t, entries, 1, "one call writes one entry")
			en := entries[0]
			require.Equal(t, tc.want, en.State)
			require.Equal(t, opSubmitTopup, en.Call)
			require.Equal(t, "topup/p/"+e.c.Ledger().Hash(testICCID), en.Subject)
			require.NotContains(t, en.Subject, testICCID)
			require.False(t, en.WindowEnd.IsZero())
			inFlight, lerr := e.c.Ledger().InFlight(context.Background(), en.Subject)
			require.NoError(t, lerr)
			require.Empty(t, inFlight)
			if tc.wantID == "" {
				require.Nil(t, o)
				require.Error(t, err)
				require.Empty(t, en.ProviderIDs)
				require.False(t, en.Amount.Valid)
				require.True(t, apierror.SafeToRetry(err))
				require.Equal(t, tc.want == ledger.StateUnknown, apierror.MayHaveActed(err))
				require.Equal(t, tc.want == ledger.StateUnknown, errors.Is(err, apierror.ErrOutcomeUnknown))
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.wantID, o.ID)
			require.Equal(t, []string{tc.wantID}, en.ProviderIDs)
			require.Equal(t, tc.wantCurr, en.Currency)
			if tc.wantPrice == "" {
				require.False(t, en.Amount.Valid, "a price of zero is no stated amount")
				return
			}
			require.True(t, en.Amount.Valid)
			require.True(t, dec(tc.wantPrice).Equal(en.Amount.Decimal), en.Amount.Decimal.String())
		})
	}
}

// TestSubmitTopupParallelCallsPlaceOneTopup: calls with one reference at
// once, in one process and on a second replica sharing the Store, place
// one top-up, all get it, and the ledger holds one call. A repeat while
// it is remembered sends nothing; a repeat after that finds it by look-up
// and records a recovered call.
func TestSubmitTopupParallelCallsPlaceOneTopup(t *testing.T) {
	const ref = "customer-42/order-7"
	e := newEnv(t)
	c2, err := New(func(o *Options) { *o = *e.c.opts })
	require.NoError(t, err)
	var placed atomic.Bool
	e.mt.RegisterResponder(http.MethodGet, ordersURL, func(*http.Request) (*http.Response, error) {
		rows := ``
		if placed.Load() {
			rows = topupRow("9666", ref, "9.5")
		}
		return httpmock.NewStringResponse(200, `{"data":[`+rows+`],"meta":{"current_page":1,"last_page":1}}`), nil
	})
	p := SubmitTopupParams{PackageID: "bonjour-7days-1gb-topup", ICCID: testICCID, Reference: ref}
	key := submitKeyPrefix + p.ICCID + ":" + p.Reference
	const local = 6
	e.mt.RegisterResponder(http.MethodPost, submitURL, func(*http.Request) (*http.Response, error) {
		// Answer once the other local callers wait on this submit.
		deadline := time.Now().Add(5 * time.Second)
		for e.c.submits.Waiting(key) < local-1 && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		placed.Store(true)
		return httpmock.NewStringResponse(200, fixtureText("submit_topup.json")), nil
	})
	var wg sync.WaitGroup
	ids := make([]string, local+2)
	errs := make([]error, local+2)
	for i := range ids {
		c := e.c
		if i >= local {
			c = c2
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			o, err := c.SubmitTopup(context.Background(), p)
			errs[i] = err
			if o != nil {
				ids[i] = o.ID
			}
		}()
	}
	wg.Wait()
	for i := range ids {
		require.NoError(t, errs[i], "call %d", i)
		require.Equal(t, "9666", ids[i], "call %d", i)
	}
	require.Equal(t, 1, e.calls(http.MethodPost, submitURL), "one top-up for one reference")
	entries := referenceEntries(t, e.c, ref)
	var done, recovered int
	for _, en := range entries {
		switch en.State {
		case ledger.StateDone:
			done++
		case ledger.StateRecovered:
			recovered++
		default:
			t.Fatalf("entry in state %s", en.State)
		}
		require.Equal(t, []string{"9666"}, en.ProviderIDs)
	}
	require.Equal(t, 1, done, "one call submitted")
	gets := e.calls(http.MethodGet, ordersURL)

	// Remembered: a repeat sends nothing and records nothing.
	o, err := e.c.SubmitTopup(context.Background(), p)
	require.NoError(t, err)
	require.Equal(t, "9666", o.ID)
	require.Equal(t, gets, e.calls(http.MethodGet, ordersURL))
	require.Len(t, referenceEntries(t, e.c, ref), len(entries))

	// Forgotten: a repeat looks it up and never submits again.
	e.clock.Advance(submitMemory + time.Minute)
	var meta option.Response
	o, err = e.c.SubmitTopup(context.Background(), p, option.WithResponse(&meta))
	require.NoError(t, err)
	require.Equal(t, "9666", o.ID)
	require.True(t, meta.Recovered)
	require.Equal(t, 1, e.calls(http.MethodPost, submitURL))
	require.Len(t, referenceEntries(t, e.c, ref), len(entries)+1)
	require.Equal(t, recovered+1, len(referenceEntries(t, e.c, ref))-done)
}

// failingStore fails every operation: the Store shared by the fleet is
// down.
type failingStore struct{}

var errStoreDown = errors.New("store down")

func (failingStore) Get(context.Context, string) ([]byte, bool, error) {
	return nil, false, errStoreDown
}
func (failingStore) Set(context.Context, string, []byte, time.Duration) error {
	return errStoreDown
}
func (failingStore) SetNX(context.Context, string, []byte, time.Duration) (bool, error) {
	return false, errStoreDown
}
func (failingStore) Delete(context.Context, string) error { return errStoreDown }

var _ store.Store = failingStore{}

// TestSubmitTopupStoreDownSendsNothing: without the shared Store the
// single flight cannot keep a second replica from submitting, so nothing
// is sent, and the error says no top-up was placed and calling again is
// safe.
func TestSubmitTopupStoreDownSendsNothing(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.Store = failingStore{} })
	emptyOrders(e)
	e.mt.RegisterResponder(http.MethodPost, submitURL, jsonResponder(200, fixtureText("submit_topup.json")))
	o, err := e.c.SubmitTopup(context.Background(), SubmitTopupParams{PackageID: "p", ICCID: testICCID, Reference: "ref-down"})
	require.Nil(t, o)
	require.Zero(t, e.calls(http.MethodPost, submitURL))
	require.ErrorIs(t, err, apierror.ErrUnavailable)
	require.False(t, apierror.MayHaveActed(err), "nothing was sent")
	require.True(t, apierror.SafeToRetry(err))
}

// TestSubmitTopupSettlingLookUpKeepsTheCallersContext: the look-up that
// settles an ambiguous submit runs on the caller's own context while it
// lasts (only a caller that already gave up gets the short settling
// deadline of its own), so the caller's cancel still ends it.
func TestSubmitTopupSettlingLookUpKeepsTheCallersContext(t *testing.T) {
	e := newEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var lookups atomic.Int64
	var ended atomic.Bool
	e.mt.RegisterResponder(http.MethodGet, ordersURL, func(r *http.Request) (*http.Response, error) {
		if lookups.Add(1) == 2 {
			cancel() // the caller gives up during the settling look-up
			ended.Store(r.Context().Err() != nil)
		}
		return httpmock.NewStringResponse(200, `{"data":[],"meta":{"current_page":1,"last_page":1}}`), nil
	})
	e.mt.RegisterResponder(http.MethodPost, submitURL, jsonResponder(503, `{"message":"Service Unavailable"}`))
	_, err := e.c.SubmitTopup(ctx, SubmitTopupParams{PackageID: "p", ICCID: testICCID, Reference: "ref-cancel"})
	require.ErrorIs(t, err, apierror.ErrOutcomeUnknown)
	require.Equal(t, int64(2), lookups.Load())
	require.True(t, ended.Load(), "the caller's cancel reaches the settling look-up")
}

// ledgerDown is a memory Store whose index writes fail: the single flight
// works, the ledger records nothing.
type ledgerDown struct{ *store.Memory }

func (ledgerDown) Apply(context.Context, store.IndexWrite) error { return errStoreDown }

// TestSubmitTopupWithoutALedgerStillTopsUpOnce: a ledger that cannot
// record the call is logged as a warning, and the top-up goes ahead: the
// reference keeps it exactly-once. A ledger that works logs no warning.
func TestSubmitTopupWithoutALedgerStillTopsUpOnce(t *testing.T) {
	for _, down := range []bool{false, true} {
		var logs bytes.Buffer
		e := newEnv(t, func(o *Options) {
			o.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
			if down {
				o.Store = ledgerDown{store.NewMemory(func(mo *store.MemoryOptions) { mo.Now = o.Now })}
			}
		})
		emptyOrders(e)
		e.mt.RegisterResponder(http.MethodPost, submitURL, jsonResponder(200, fixtureText("submit_topup.json")))
		o, err := e.c.SubmitTopup(context.Background(), SubmitTopupParams{PackageID: "p", ICCID: testICCID, Reference: "ref-noledger"})
		require.NoError(t, err)
		require.Equal(t, "9666", o.ID)
		require.Equal(t, 1, e.calls(http.MethodPost, submitURL))
		require.Equal(t, down, bytes.Contains(logs.Bytes(), []byte("ledger could not record a top-up")), logs.String())
	}
}

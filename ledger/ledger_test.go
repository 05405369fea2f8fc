package ledger_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/ledger"
	"github.com/simkit/simkit/store"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newLedger(t *testing.T, st store.Store, c *clock, page int) *ledger.Ledger {
	t.Helper()
	return ledger.New(st, "smsnumbers", "token-secret", func(o *ledger.Options) {
		o.Now = c.now
		o.PageSize = page
		o.Retention = 48 * time.Hour
	})
}

func TestBeginFinishGet(t *testing.T) {
	ctx := context.Background()
	c := &clock{time.Unix(1_700_000_000, 0).UTC()}
	st := store.NewMemory(func(o *store.MemoryOptions) { o.Now = c.now })
	l := newLedger(t, st, c, 0)

	e, err := l.Begin(ctx, ledger.Intent{Call: "GET /v1/user/buy/activation/{country}/{operator}/{product}", Subject: "activation/russia/any/telegram", Reference: "GET /v1/user/buy/activation/russia/any/telegram"})
	require.NoError(t, err)
	require.Equal(t, ledger.StateInFlight, e.State)
	require.Equal(t, c.t, e.WindowStart)
	require.True(t, e.WindowEnd.IsZero())

	inflight, err := l.InFlight(ctx, "activation/russia/any/telegram")
	require.NoError(t, err)
	require.Len(t, inflight, 1)
	require.Equal(t, e.ID, inflight[0].ID)

	c.t = c.t.Add(time.Second)
	require.NoError(t, l.Finish(ctx, e, ledger.Outcome{State: ledger.StateDone, ProviderIDs: []string{"42"}, Amount: decimal.NewNullDecimal(decimal.RequireFromString("1.50")), Currency: "RUB"}))
	got, ok, err := l.Get(ctx, e.ID)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, ledger.StateDone, got.State)
	require.Equal(t, []string{"42"}, got.ProviderIDs)
	require.Equal(t, "1.5", got.Amount.Decimal.String())
	require.Equal(t, c.t, got.WindowEnd)
	require.True(t, got.Holds("42"))

	inflight, err = l.InFlight(ctx, "activation/russia/any/telegram")
	require.NoError(t, err)
	require.Empty(t, inflight, "a finished call leaves the in-flight list")

	subj, err := collect(l.Subject(ctx, "activation/russia/any/telegram", time.Time{}, time.Time{}))
	require.NoError(t, err)
	require.Len(t, subj, 1, "the subject keeps finished calls")

	refs, err := l.ByReference(ctx, "GET /v1/user/buy/activation/russia/any/telegram")
	require.NoError(t, err)
	require.Len(t, refs, 1)
}

func collect(seq func(func(ledger.Entry, error) bool)) ([]ledger.Entry, error) {
	var out []ledger.Entry
	for e, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, e)
	}
	return out, nil
}

func TestEntriesPagesByTimeWindow(t *testing.T) {
	ctx := context.Background()
	c := &clock{time.Unix(1_700_000_000, 0).UTC()}
	st := store.NewMemory(func(o *store.MemoryOptions) { o.Now = c.now })
	l := newLedger(t, st, c, 7)
	start := c.t
	const n = 100
	for i := range n {
		// Several calls share a millisecond: the cursor must not lose any.
		c.t = start.Add(time.Duration(i/3) * time.Millisecond)
		_, err := l.Begin(ctx, ledger.Intent{Call: "POST /orders", Reference: fmt.Sprint("ORD-", i)})
		require.NoError(t, err)
	}
	all, err := collect(l.Entries(ctx, time.Time{}, time.Time{}))
	require.NoError(t, err)
	require.Len(t, all, n)
	seen := map[string]bool{}
	for i, e := range all {
		require.False(t, seen[e.ID])
		seen[e.ID] = true
		if i > 0 {
			require.False(t, e.Started.Before(all[i-1].Started), "oldest first")
		}
	}
	window, err := collect(l.Entries(ctx, start.Add(10*time.Millisecond), start.Add(19*time.Millisecond)))
	require.NoError(t, err)
	require.Len(t, window, 30, "both ends inclusive, 3 calls per millisecond")

	// Break stops the walk.
	count := 0
	for range l.Entries(ctx, time.Time{}, time.Time{}) {
		count++
		if count == 10 {
			break
		}
	}
	require.Equal(t, 10, count)
}

func TestRetentionTrimsIndexes(t *testing.T) {
	ctx := context.Background()
	c := &clock{time.Unix(1_700_000_000, 0).UTC()}
	st := store.NewMemory(func(o *store.MemoryOptions) { o.Now = c.now })
	l := newLedger(t, st, c, 0)
	_, err := l.Begin(ctx, ledger.Intent{Call: "POST /orders", Subject: "s"})
	require.NoError(t, err)
	c.t = c.t.Add(72 * time.Hour)
	_, err = l.Begin(ctx, ledger.Intent{Call: "POST /orders", Subject: "s"})
	require.NoError(t, err)
	all, err := collect(l.Entries(ctx, time.Time{}, time.Time{}))
	require.NoError(t, err)
	require.Len(t, all, 1)
	require.Equal(t, 1, st.Len(), "the old entry expired")
	subj, err := collect(l.Subject(ctx, "s", time.Time{}, time.Time{}))
	require.NoError(t, err)
	require.Len(t, subj, 1)
	inflight, err := l.InFlight(ctx, "s")
	require.NoError(t, err)
	require.Len(t, inflight, 1, "the old call's in-flight member was trimmed")
}

func TestClaimIsExclusive(t *testing.T) {
	ctx := context.Background()
	c := &clock{time.Unix(1_700_000_000, 0)}
	l := newLedger(t, store.NewMemory(), c, 0)
	ok, err := l.Claim(ctx, "order", "7", "entry-a")
	require.NoError(t, err)
	require.True(t, ok)
	ok, err = l.Claim(ctx, "order", "7", "entry-b")
	require.NoError(t, err)
	require.False(t, ok)
	who, ok, err := l.Claimant(ctx, "order", "7")
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, "entry-a", who)
}

// plainStore is a Store without the Indexer capability.
type plainStore struct{ store.Store }

func TestStoreWithoutIndexerCannotList(t *testing.T) {
	ctx := context.Background()
	c := &clock{time.Unix(1_700_000_000, 0)}
	l := newLedger(t, plainStore{store.NewMemory()}, c, 0)
	require.False(t, l.CanList())
	e, err := l.Begin(ctx, ledger.Intent{Call: "POST /orders", Subject: "s", Reference: "r"})
	require.NoError(t, err)
	require.NoError(t, l.Finish(ctx, e, ledger.Outcome{State: ledger.StateFailed}))
	got, ok, err := l.Get(ctx, e.ID)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, ledger.StateFailed, got.State)

	_, err = l.InFlight(ctx, "s")
	require.ErrorIs(t, err, ledger.ErrCannotList)
	_, err = l.ByReference(ctx, "r")
	require.ErrorIs(t, err, ledger.ErrCannotList)
	_, err = collect(l.Entries(ctx, time.Time{}, time.Time{}))
	require.ErrorIs(t, err, ledger.ErrCannotList)
}

func TestNamespaceHidesTheCredential(t *testing.T) {
	a := ledger.New(store.NewMemory(), "smsnumbers", "token-secret")
	b := ledger.New(store.NewMemory(), "smsnumbers", "other-token")
	require.NotContains(t, a.Prefix(), "token-secret")
	require.NotEqual(t, a.Prefix(), b.Prefix(), "accounts never share keys")
	require.True(t, strings.HasPrefix(a.Prefix(), "ledger:{smsnumbers:"))
	require.NotEqual(t, a.Hash("79001234567"), b.Hash("79001234567"), "hashes are keyed per account")
	require.Equal(t, a.Hash("79001234567"), a.Hash("79001234567"))
	require.NotContains(t, a.Hash("79001234567"), "4567")
}

func TestNilLedgerRecordsNothing(t *testing.T) {
	ctx := context.Background()
	var l *ledger.Ledger
	e, err := l.Begin(ctx, ledger.Intent{Call: "x"})
	require.NoError(t, err)
	require.Nil(t, e)
	require.NoError(t, l.Finish(ctx, e, ledger.Outcome{State: ledger.StateDone}))
	require.False(t, l.CanList())
	ok, err := l.Claim(ctx, "order", "1", "")
	require.NoError(t, err)
	require.True(t, ok)
}

func TestCovers(t *testing.T) {
	t0 := time.Unix(1000, 0)
	e := ledger.Entry{WindowStart: t0, WindowEnd: t0.Add(time.Second)}
	for _, tc := range []struct {
		at   time.Duration
		skew time.Duration
		want bool
	}{
		{0, 0, true}, {time.Second, 0, true}, {-time.Millisecond, 0, false},
		{time.Second + time.Millisecond, 0, false}, {-time.Millisecond, time.Millisecond, true},
	} {
		require.Equal(t, tc.want, e.Covers(t0.Add(tc.at), tc.skew, t0.Add(time.Hour)), "at %v skew %v", tc.at, tc.skew)
	}
	open := ledger.Entry{WindowStart: t0}
	require.True(t, open.Covers(t0.Add(time.Minute), 0, t0.Add(time.Hour)), "an open window reaches to now")
}

func TestHashSeparatesValuesAndSubjects(t *testing.T) {
	ctx := context.Background()
	c := &clock{time.Unix(1_700_000_000, 0).UTC()}
	l := newLedger(t, store.NewMemory(func(o *store.MemoryOptions) { o.Now = c.now }), c, 0)
	require.NotEqual(t, l.Hash("79001234567"), l.Hash("79001234568"), "values hash apart")
	require.Len(t, l.Hash("x"), 16)
	var none *ledger.Ledger
	require.NotEqual(t, none.Hash("a"), none.Hash("b"), "a nil ledger still hashes values apart")
	require.Len(t, none.Hash("a"), 16)

	a, err := l.Begin(ctx, ledger.Intent{Call: "POST /orders", Subject: "order/a", Reference: "ref-a"})
	require.NoError(t, err)
	b, err := l.Begin(ctx, ledger.Intent{Call: "POST /orders", Subject: "order/b", Reference: "ref-b"})
	require.NoError(t, err)
	for subject, want := range map[string]string{"order/a": a.ID, "order/b": b.ID} {
		inflight, err := l.InFlight(ctx, subject)
		require.NoError(t, err)
		require.Len(t, inflight, 1, "each subject lists its own calls in flight")
		require.Equal(t, want, inflight[0].ID)
		all, err := collect(l.Subject(ctx, subject, time.Time{}, time.Time{}))
		require.NoError(t, err)
		require.Len(t, all, 1)
		require.Equal(t, want, all[0].ID)
	}
	refs, err := l.ByReference(ctx, "ref-b")
	require.NoError(t, err)
	require.Len(t, refs, 1)
	require.Equal(t, b.ID, refs[0].ID)
}

func TestFinishMergesTheOutcome(t *testing.T) {
	ctx := context.Background()
	c := &clock{time.Unix(1_700_000_000, 0).UTC()}
	l := newLedger(t, store.NewMemory(func(o *store.MemoryOptions) { o.Now = c.now }), c, 0)
	e, err := l.Begin(ctx, ledger.Intent{Call: "POST /orders", Subject: "s", Currency: "EUR", Meta: map[string]string{"units": "2"}})
	require.NoError(t, err)
	c.t = c.t.Add(time.Second)
	require.NoError(t, l.Finish(ctx, e, ledger.Outcome{State: ledger.StateDone, ProviderIDs: []string{"o-1"}, Currency: "USD", Meta: map[string]string{"class": "ok"}}))
	c.t = c.t.Add(time.Second)
	require.NoError(t, l.Finish(ctx, e, ledger.Outcome{State: ledger.StateRefunded}))
	got, ok, err := l.Get(ctx, e.ID)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, ledger.StateRefunded, got.State)
	require.Equal(t, []string{"o-1"}, got.ProviderIDs, "an outcome without ids keeps the ones known")
	require.Equal(t, "USD", got.Currency, "the answer's currency replaces the intent's")
	require.Equal(t, map[string]string{"units": "2", "class": "ok"}, got.Meta, "meta is merged")
	require.Equal(t, c.t, got.Updated, "every write stamps Updated")
	require.Equal(t, c.t.Add(-time.Second), got.WindowEnd, "the window closed at the first outcome")
}

func TestAccessorsAndNilLedger(t *testing.T) {
	ctx := context.Background()
	c := &clock{time.Unix(1_700_000_000, 0).UTC()}
	l := newLedger(t, store.NewMemory(), c, 0)
	require.Equal(t, "smsnumbers", l.Provider())
	require.Equal(t, 48*time.Hour, l.Retention())
	require.Equal(t, c.t, l.Now(), "the ledger reads the clock it was given")
	require.True(t, l.CanList(), "store.Memory can list")
	require.Equal(t, ledger.DefaultRetention, ledger.New(store.NewMemory(), "p", "a").Retention())
	require.WithinDuration(t, time.Now(), ledger.New(store.NewMemory(), "p", "a").Now(), time.Minute, "no clock means time.Now")

	var none *ledger.Ledger
	require.Empty(t, none.Provider())
	require.Empty(t, none.Prefix())
	require.Zero(t, none.Retention())
	require.WithinDuration(t, time.Now(), none.Now(), time.Minute)
	require.NoError(t, none.Update(ctx, nil))
	_, ok, err := none.Claimant(ctx, "order", "1")
	require.NoError(t, err)
	require.False(t, ok)

	require.ErrorIs(t, l.Update(ctx, nil), ledger.ErrNoEntry)
	require.ErrorIs(t, l.Finish(ctx, nil, ledger.Outcome{State: ledger.StateDone}), ledger.ErrNoEntry)
}

// failing is a Store whose writes fail; it lists (or not) like its inner one.
type failing struct{ store.Store }

var errDown = fmt.Errorf("store down")

func (failing) Set(context.Context, string, []byte, time.Duration) error { return errDown }

func (failing) Get(context.Context, string) ([]byte, bool, error) { return nil, false, errDown }

type failingIndexer struct{ *store.Memory }

func (failingIndexer) Apply(context.Context, store.IndexWrite) error { return errDown }

// A money call must not be sent when its entry was not written: Begin,
// Update and Finish return the Store's error, whichever way it writes.
func TestWriteErrorsReachTheCaller(t *testing.T) {
	ctx := context.Background()
	c := &clock{time.Unix(1_700_000_000, 0).UTC()}
	for name, st := range map[string]store.Store{"plain store": failing{store.NewMemory()}, "indexer": failingIndexer{store.NewMemory()}} {
		t.Run(name, func(t *testing.T) {
			l := newLedger(t, st, c, 0)
			e, err := l.Begin(ctx, ledger.Intent{Call: "POST /orders", Subject: "s", Reference: "r"})
			require.ErrorIs(t, err, errDown)
			require.Nil(t, e)
			e = &ledger.Entry{ID: "x", Subject: "s", State: ledger.StateInFlight}
			require.ErrorIs(t, l.Update(ctx, e), errDown)
			require.ErrorIs(t, l.Finish(ctx, e, ledger.Outcome{State: ledger.StateDone}), errDown)
		})
	}
	got, ok, err := newLedger(t, failing{store.NewMemory()}, c, 0).Get(ctx, "x")
	require.ErrorIs(t, err, errDown, "a read error is not an absent entry")
	require.False(t, ok)
	require.Nil(t, got)
	mem := store.NewMemory()
	l := newLedger(t, mem, c, 0)
	require.NoError(t, mem.Set(ctx, l.Prefix()+"e:torn", []byte(`{"id":`), time.Hour))
	_, ok, err = l.Get(ctx, "torn")
	require.ErrorContains(t, err, "decode entry", "a record that does not decode is an error, not an absent entry")
	require.False(t, ok)
	got, ok, err = l.Get(ctx, "never-written")
	require.NoError(t, err, "an absent entry is no error")
	require.False(t, ok)
	require.Nil(t, got)
	var none *ledger.Ledger
	_, ok, err = none.Get(ctx, "x")
	require.NoError(t, err)
	require.False(t, ok)
}

// An entry encoding/json refuses (a clock past year 9999) is an error,
// never a record written half or not at all behind the caller's back.
func TestUnencodableEntryIsAnError(t *testing.T) {
	ctx := context.Background()
	c := &clock{time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}
	_, err := newLedger(t, store.NewMemory(), c, 0).Begin(ctx, ledger.Intent{Call: "POST /orders"})
	require.ErrorContains(t, err, "encode entry")
	c.t = time.Unix(1_700_000_000, 0)
	l := newLedger(t, store.NewMemory(), c, 0)
	e, err := l.Begin(ctx, ledger.Intent{Call: "POST /orders", Subject: "s"})
	require.NoError(t, err)
	e.WindowEnd = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	require.ErrorContains(t, l.Finish(ctx, e, ledger.Outcome{State: ledger.StateDone}), "encode entry")
}

// countingIndexer counts the pages a listing reads.
type countingIndexer struct {
	*store.Memory
	pages int
}

func (c *countingIndexer) RangeIndex(ctx context.Context, index string, r store.IndexRange) ([]store.IndexMember, error) {
	c.pages++
	return c.Memory.RangeIndex(ctx, index, r)
}

// A listing holds one page in memory and reads the ledger a page per
// round trip: PageSize when given, 200 otherwise.
func TestListingsReadPagesOfPageSize(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		page, entries, pages int
	}{{7, 20, 3}, {0, 250, 2}, {0, 200, 2}, {0, 199, 1}} {
		st := &countingIndexer{Memory: store.NewMemory()}
		l := ledger.New(st, "partner", "token", func(o *ledger.Options) { o.PageSize = tc.page })
		for i := range tc.entries {
			_, err := l.Begin(ctx, ledger.Intent{Call: "POST /orders", Reference: fmt.Sprint(i)})
			require.NoError(t, err)
		}
		st.pages = 0
		all, err := collect(l.Entries(ctx, time.Time{}, time.Time{}))
		require.NoError(t, err)
		require.Len(t, all, tc.entries)
		require.Equal(t, tc.pages, st.pages, "page size %d, %d entries", tc.page, tc.entries)
	}
}

package reconcile_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/ledger"
	"github.com/simkit/simkit/observe"
	"github.com/simkit/simkit/reconcile"
	"github.com/simkit/simkit/store"
)

func TestParamsDefaults(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		in      reconcile.Params
		from    time.Time
		wantErr bool
	}{
		{"zero is the last day", reconcile.Params{}, now.Add(-24 * time.Hour), false},
		{"from kept", reconcile.Params{From: now.Add(-time.Hour)}, now.Add(-time.Hour), false},
		{"ends before it starts", reconcile.Params{From: now.Add(time.Hour), To: now}, time.Time{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := tt.in.WithDefaults(now)
			if tt.wantErr {
				require.ErrorIs(t, err, reconcile.ErrBadWindow)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.from, p.From)
			require.Equal(t, now, p.To)
			require.Equal(t, reconcile.DefaultGrace, p.Grace)
			require.Equal(t, reconcile.DefaultDeliveryDeadline, p.DeliveryDeadline)
			require.True(t, p.InWindow(p.From))
			require.False(t, p.InWindow(p.To))
		})
	}
}

// TestReportCapsFindingsNotCounts: a report keeps at most MaxFindings
// findings, and its counts stay exact.
func TestReportCapsFindingsNotCounts(t *testing.T) {
	now := time.Now()
	r := reconcile.NewReport("partner", reconcile.Params{MaxFindings: 2})
	require.True(t, r.Clean())
	require.Len(t, r.Counts, len(reconcile.Kinds()), "every kind is counted, zero included")
	for i := 0; i < 3; i++ {
		r.Add(reconcile.Finding{Kind: reconcile.UnaccountedCharge, At: now.Add(-time.Hour)}, now)
	}
	require.Equal(t, 3, r.Counts[reconcile.UnaccountedCharge])
	require.Equal(t, 3, r.Anomalies())
	require.Len(t, r.Findings, 2)
	require.Equal(t, 1, r.Omitted)
	require.Equal(t, "partner", r.Findings[0].Provider)
	require.Equal(t, time.Hour, r.Findings[0].Age)
	require.NotEmpty(t, r.Findings[0].Action, "every finding says what to do")
	require.False(t, r.Clean())
}

func TestEveryKindSaysWhatToDo(t *testing.T) {
	for _, k := range reconcile.Kinds() {
		require.NotEmpty(t, k.Action(), k)
	}
}

// TestLockOneRunAtATime: a second run of the same provider is refused
// while the first holds the lock, another provider is not, and the lock
// is free again after release.
func TestLockOneRunAtATime(t *testing.T) {
	ctx := context.Background()
	st := store.NewMemory()
	release, err := reconcile.Lock(ctx, st, "partner", time.Minute)
	require.NoError(t, err)
	_, err = reconcile.Lock(ctx, st, "partner", time.Minute)
	require.ErrorIs(t, err, reconcile.ErrBusy)
	other, err := reconcile.Lock(ctx, st, "topups", time.Minute)
	require.NoError(t, err)
	other()
	release()
	again, err := reconcile.Lock(ctx, st, "partner", time.Minute)
	require.NoError(t, err)
	again()
}

// TestRunnerHoldsTheLockForParamsLockTTL: a run's lock lives Params.LockTTL
// when given, so a run that dies keeps the others out only that long.
func TestRunnerHoldsTheLockForParamsLockTTL(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	st := store.NewMemory(func(o *store.MemoryOptions) { o.Now = clock })
	r := reconcile.Runner{Provider: "partner", Store: st, Now: clock}
	_, err := r.Run(ctx, reconcile.Params{LockTTL: time.Minute}, func(ctx context.Context, _ reconcile.Params, _ *reconcile.Report) error {
		_, err := reconcile.Lock(ctx, st, "partner", time.Hour)
		require.ErrorIs(t, err, reconcile.ErrBusy, "held while the run works")
		now = now.Add(2 * time.Minute)
		_, err = reconcile.Lock(ctx, st, "partner", time.Hour)
		require.NoError(t, err, "a run that outlives its LockTTL no longer keeps others out")
		return nil
	})
	require.NoError(t, err)
}

// plainStore hides store.Memory's Indexer: a Store that cannot list.
type plainStore struct{ store.Store }

// reconcileEvents counts the runs reported to the observer.
type reconcileEvents struct {
	observe.Base
	n int
}

func (o *reconcileEvents) Reconcile(context.Context, observe.Reconcile) { o.n++ }

// TestRunnerRefusesALedgerThatCannotList: every provider's check lists its
// ledger, so a run over a Store without listing is refused up front, with
// nothing run: no lock taken, no check called, no observer event.
func TestRunnerRefusesALedgerThatCannotList(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		st      store.Store
		wantErr error
	}{
		{"a Store that cannot list", plainStore{store.NewMemory()}, ledger.ErrCannotList},
		{"a Store that lists", store.NewMemory(), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obs := &reconcileEvents{}
			lockStore := store.NewMemory()
			r := reconcile.Runner{Provider: "partner", Store: lockStore, Observer: obs,
				Ledger: ledger.New(tt.st, "partner", "token")}
			checked := false
			_, err := r.Run(ctx, reconcile.Params{}, func(context.Context, reconcile.Params, *reconcile.Report) error {
				checked = true
				return nil
			})
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				require.False(t, checked, "the check must not run")
				require.Zero(t, obs.n, "nothing was run, so nothing is reported")
				return
			}
			require.NoError(t, err)
			require.True(t, checked)
			require.Equal(t, 1, obs.n)
		})
	}
}

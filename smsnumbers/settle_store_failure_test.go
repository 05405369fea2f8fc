package smsnumbers_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/store"
)

// errStoreDown is the failure of a brokenStore.
var errStoreDown = errors.New("store down")

// brokenStore is a Store that can list the fleet's calls (store.Indexer)
// and fails from a chosen step of a money call on: its writes (Apply: the
// intent, then the lost answer, then the outcome), its listings
// (RangeIndex: the calls on the subject, then those in flight) or its
// claims (SetNX).
type brokenStore struct {
	*store.Memory
	// failApply and failRange fail that write or listing and every later
	// one (1 is the first; 0: never).
	failApply, failRange int
	failClaim            bool

	mu              sync.Mutex
	applies, ranges int
}

func (s *brokenStore) Apply(ctx context.Context, w store.IndexWrite) error {
	s.mu.Lock()
	s.applies++
	fail := s.failApply > 0 && s.applies >= s.failApply
	s.mu.Unlock()
	if fail {
		return errStoreDown
	}
	return s.Memory.Apply(ctx, w)
}

func (s *brokenStore) RangeIndex(ctx context.Context, index string, r store.IndexRange) ([]store.IndexMember, error) {
	s.mu.Lock()
	s.ranges++
	fail := s.failRange > 0 && s.ranges >= s.failRange
	s.mu.Unlock()
	if fail {
		return nil, errStoreDown
	}
	return s.Memory.RangeIndex(ctx, index, r)
}

func (s *brokenStore) SetNX(ctx context.Context, key string, v []byte, ttl time.Duration) (bool, error) {
	if s.failClaim {
		return false, errStoreDown
	}
	return s.Memory.SetNX(ctx, key, v, ttl)
}

// TestSettleStoreFailingMidCall: a Store that fails at any step of a buy
// or payout whose answer was lost (the history holding the one entry that
// call made) never yields a result: before sending, nothing is sent and
// the call may be retried; after, the outcome is unknown and the error
// says what failed. Above all the call never returns no result and no
// error, nor takes the entry it could not prove or claim.
func TestSettleStoreFailingMidCall(t *testing.T) {
	tests := []struct {
		name string
		st   *brokenStore
		why  string // "": nothing was sent
	}{
		{"intent not recorded", &brokenStore{failApply: 1}, ""},
		{"lost answer not recorded", &brokenStore{failApply: 2}, "could not record the lost answer"},
		{"fleet's calls not listed", &brokenStore{failRange: 1}, "the ledger could not be read"},
		{"calls in flight not listed", &brokenStore{failRange: 2}, "the ledger could not be read"},
		{"entry not claimed", &brokenStore{failClaim: true}, "could not be claimed in the ledger"},
	}
	calls := []struct {
		name string
		call func(t *testing.T, p *lostAnswers, st store.Store, meta *option.Response) (bool, error)
	}{
		{"buy", func(t *testing.T, p *lostAnswers, st store.Store, meta *option.Response) (bool, error) {
			o, err := lostAnswerClient(t, p, st).BuyActivation(context.Background(), buyRU, option.WithResponse(meta))
			return o != nil, err
		}},
		{"withdraw", func(t *testing.T, p *lostAnswers, st store.Store, meta *option.Response) (bool, error) {
			w, err := lostAnswerClient(t, p, st).Withdraw(context.Background(), smsPayout, option.WithResponse(meta))
			return w != nil, err
		}},
	}
	for _, call := range calls {
		for _, tc := range tests {
			t.Run(call.name+" "+tc.name, func(t *testing.T) {
				st := &brokenStore{Memory: store.NewMemory(), failApply: tc.st.failApply, failRange: tc.st.failRange, failClaim: tc.st.failClaim}
				p := &lostAnswers{
					orders:   []map[string]any{order(1, 0, "russia", "beeline", "vkontakte")},
					payments: []map[string]any{payment(1, 0, "-10")},
				}
				// A Response reused from an earlier call describes this one.
				meta := option.Response{Recovered: true, StatusCode: 201}
				got, err := call.call(t, p, st, &meta)
				require.Error(t, err, "never no result and no error")
				require.False(t, got)
				require.ErrorContains(t, err, errStoreDown.Error(), "the error says the Store failed")
				require.False(t, meta.Recovered)
				if tc.why == "" {
					require.Zero(t, meta.StatusCode, "nothing was sent")
					require.ErrorIs(t, err, apierror.ErrUnavailable)
					require.True(t, apierror.SafeToRetry(err), "nothing was sent")
					require.False(t, apierror.MayHaveActed(err))
					require.Zero(t, p.sent)
					return
				}
				require.Equal(t, 502, meta.StatusCode)
				require.ErrorIs(t, err, apierror.ErrOutcomeUnknown)
				require.ErrorContains(t, err, tc.why)
				require.True(t, apierror.MayHaveActed(err))
				require.False(t, apierror.SafeToRetry(err))
			})
		}
	}
}

package smsnumbers_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/store"
)

// TestSettleUnknownSaysWhy: the ErrOutcomeUnknown of a buy whose outcome
// could not be settled tells the caller what to look for before buying
// again: why no order was proven, how the buy failed (the provider's text,
// the class of an answer without one, the transport's failure), the
// look-up's own failure, and the window its order would have been created
// in; it names the buy (Reference, Started) and keeps its answer's status.
// It may have acted: it is never safe to retry blindly.
func TestSettleUnknownSaysWhy(t *testing.T) {
	const window = "; attempts from 2026-03-04T05:06:07Z to 2026-03-04T05:06:07Z"
	tests := []struct {
		name   string
		p      *lostAnswers
		status int
		want   []string
	}{
		{"502 and no order", &lostAnswers{}, 502, []string{
			"HTTP 502: outcome unknown: no matching entry that no other call holds was created within this call's attempts; the call failed with: provider unavailable" + window,
		}},
		{"500 with a text, history unreadable", &lostAnswers{buy: 500, buyBody: "internal error", failRead: new(int)}, 500, []string{
			"outcome unknown: the history could not be read; the call failed with: internal error; look-up: ",
			"GET /v1/user/orders: HTTP 401",
		}},
		// The error built for a 2xx naming no order carries no status
		// (WithResponse has it).
		{"2xx naming no order", &lostAnswers{buy: 200, buyBody: "{}"}, 0, []string{
			"outcome unknown: no matching entry that no other call holds was created within this call's attempts; the call failed with: buy answer names no order" + window,
		}},
		{"connection dropped", &lostAnswers{buy: -1}, 0, []string{
			"the call failed with: request failed (",
			"EOF)" + window,
		}},
		{"two orders", &lostAnswers{orders: []map[string]any{order(1, 0, "russia", "beeline", "vkontakte"), order(2, 0, "russia", "beeline", "vkontakte")}}, 502, []string{
			"outcome unknown: 2 matching entries no call holds could only have been made by this call: bought outside simkit or outside this Store?",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o, err := lostAnswerClient(t, tc.p, store.NewMemory()).BuyActivation(context.Background(), buyRU)
			require.Equal(t, 1, tc.p.pagesRead(), "no other call to wait for: the history is read once")
			require.Nil(t, o)
			require.ErrorIs(t, err, apierror.ErrOutcomeUnknown)
			for _, w := range tc.want {
				require.ErrorContains(t, err, w)
			}
			var e *apierror.Error
			require.ErrorAs(t, err, &e)
			require.Equal(t, buyRURef, e.Reference)
			require.Equal(t, settleNow, e.Started)
			require.Equal(t, tc.status, e.StatusCode)
			require.True(t, e.Ambiguous)
			require.True(t, apierror.MayHaveActed(err))
			require.False(t, apierror.SafeToRetry(err))
		})
	}
}

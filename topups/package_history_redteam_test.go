package topups

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
)

// A 2xx package history without its data (empty body, {}, null data) was
// cached for the whole 15-minute window as "this eSIM has no packages": a
// definite, wrong answer served to every caller until the window closed.
// It is a bad response: nothing is cached, the window the request used
// stays closed (the provider counted it) and says when it reopens. An
// empty list is a real answer and is cached.
func TestPackageHistoryWithoutDataIsNotCached(t *testing.T) {
	tests := []struct {
		name string
		body string
		bad  bool
	}{
		{"empty body", ``, true},
		{"empty object", `{}`, true},
		{"null data", `{"data":null}`, true},
		{"empty list", `{"data":[]}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.mt.RegisterResponder(http.MethodGet, historyURL, jsonResponder(200, tt.body))
			h, err := e.c.PackageHistory(context.Background(), testICCID)
			if !tt.bad {
				require.NoError(t, err)
				require.Empty(t, h.Packages)
				return
			}
			require.ErrorIs(t, err, apierror.ErrBadResponse)
			var ae *apierror.Error
			require.ErrorAs(t, err, &ae)
			require.Equal(t, HistoryWindow, ae.RetryAfter)

			e.clock.Advance(time.Minute)
			_, err = e.c.PackageHistory(context.Background(), testICCID)
			require.ErrorIs(t, err, apierror.ErrRateLimited, "nothing cached, window still closed")
			require.Equal(t, 1, e.calls(http.MethodGet, historyURL))
		})
	}
}

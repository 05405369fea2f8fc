package topups

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
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

// When the OAuth token cannot be had (the token endpoint keeps dropping
// the connection), the package-history request is never sent. The token
// failure is ambiguous, though, and used to be taken for the history
// request's: the window was kept closed for 15 minutes without the
// provider ever being asked, and the next call got ErrRateLimited.
func TestPackageHistoryTokenFailureKeepsWindowOpen(t *testing.T) {
	tests := []struct {
		name  string
		token httpmock.Responder
	}{
		{"token connection reset", httpmock.NewErrorResponder(errors.New("connection reset by peer"))},
		{"token 503", jsonResponder(503, `{"message":"down"}`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.mt.RegisterResponder(http.MethodGet, historyURL, jsonResponder(200, fixture(t, "package_history.json")))
			e.mt.RegisterResponder(http.MethodPost, tokenURL, tt.token)
			_, err := e.c.PackageHistory(context.Background(), testICCID)
			require.Error(t, err)
			require.Zero(t, e.calls(http.MethodGet, historyURL))

			e.mt.RegisterResponder(http.MethodPost, tokenURL, jsonResponder(200, `{"data":{"token_type":"Bearer","expires_in":3600,"access_token":"tok-ok"}}`))
			h, err := e.c.PackageHistory(context.Background(), testICCID)
			require.NoError(t, err, "the window was never used")
			require.NotEmpty(t, h.Packages)
			require.Equal(t, 1, e.calls(http.MethodGet, historyURL))
		})
	}
}

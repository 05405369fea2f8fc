package transport

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/option"
)

// TestResponseHistoryNamesEveryAttempt: WithResponse lists every attempt,
// the ones that got no answer included, in order.
func TestResponseHistoryNamesEveryAttempt(t *testing.T) {
	f := newFixture(t)
	reset := errors.New("connection reset")
	f.mt.RegisterResponder(http.MethodGet, base+"/x", sequence(
		httpmock.NewErrorResponder(reset),
		httpmock.NewStringResponder(503, ""),
		httpmock.NewStringResponder(200, `{}`),
	))
	var meta option.Response
	_, err := f.c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x"}, nil, option.WithResponse(&meta))
	require.NoError(t, err)
	require.Equal(t, 3, meta.Attempts)
	require.Len(t, meta.History, 3)
	require.Zero(t, meta.History[0].StatusCode)
	require.ErrorContains(t, meta.History[0].Err, "connection reset")
	require.Equal(t, 503, meta.History[1].StatusCode)
	require.Equal(t, 200, meta.History[2].StatusCode)
}

// TestCallerCancelDuringAttemptIsNotUnavailable: a caller that gives up
// while an attempt is in flight gets its own cancellation back, not a
// provider that looks unavailable.
func TestCallerCancelDuringAttemptIsNotUnavailable(t *testing.T) {
	f := newFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f.mt.RegisterResponder(http.MethodPost, base+"/buy", func(r *http.Request) (*http.Response, error) {
		cancel()
		return nil, r.Context().Err()
	})
	_, err := f.c.Do(ctx, &Request{Method: http.MethodPost, Path: "/buy", Body: []byte(`{}`), Idempotency: NotIdempotent}, nil)
	require.ErrorIs(t, err, context.Canceled)
	require.NotErrorIs(t, err, apierror.ErrUnavailable)
	require.Contains(t, err.Error(), "caller's context")
}

// TestResponseOptionMayBeNil: WithResponse(nil) asks for nothing; the call
// runs as without it.
func TestResponseOptionMayBeNil(t *testing.T) {
	f := newFixture(t)
	f.mt.RegisterResponder(http.MethodGet, base+"/x", httpmock.NewStringResponder(200, `{"n":1}`))
	var out struct{ N int }
	_, err := f.c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x"}, &out, option.WithResponse(nil))
	require.NoError(t, err)
	require.Equal(t, 1, out.N)
}

package transport

import (
	"context"
	"errors"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/observe"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/retry"
)

// TestAttemptDeadline checks which deadline bounds an attempt: the
// caller's when it comes first (the attempt then reuses the caller's
// context, no timer of its own), the per-attempt timeout otherwise.
func TestAttemptDeadline(t *testing.T) {
	cases := []struct {
		name          string
		timeout       time.Duration
		callerTimeout time.Duration // 0: no caller deadline
		wantCallerCtx bool
	}{
		{"caller deadline first", time.Hour, time.Minute, true},
		{"attempt timeout first", time.Minute, time.Hour, false},
		{"no caller deadline", time.Minute, 0, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, func(c *Config) { c.Shared.Timeout = tc.timeout })
			var got time.Time
			f.mt.RegisterResponder(http.MethodGet, base+"/x", func(r *http.Request) (*http.Response, error) {
				got, _ = r.Context().Deadline()
				return &http.Response{StatusCode: 200, Body: http.NoBody, Header: http.Header{}}, nil
			})
			ctx := context.Background()
			if tc.callerTimeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tc.callerTimeout)
				defer cancel()
			}
			start := time.Now()
			_, err := f.c.Do(ctx, &Request{Method: http.MethodGet, Path: "/x"}, nil)
			require.NoError(t, err)
			if tc.wantCallerCtx {
				want, _ := ctx.Deadline()
				require.Equal(t, want, got)
				return
			}
			// The attempt's own deadline: about timeout from the start.
			require.WithinDuration(t, start.Add(tc.timeout), got, time.Minute/2)
		})
	}
}

// TestAttemptTimeoutSaysWhichLimit: an attempt cut off by the per-attempt
// Timeout, while the caller still waits, says so and how long it was, so
// the user does not look for a deadline of their own; the provider may
// have received the request, so the error is ambiguous.
func TestAttemptTimeoutSaysWhichLimit(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.Shared.Timeout = 20 * time.Millisecond })
	f.mt.RegisterResponder(http.MethodPost, base+"/buy", func(r *http.Request) (*http.Response, error) {
		<-r.Context().Done()
		return nil, r.Context().Err()
	})
	_, err := f.c.Do(context.Background(), &Request{Method: http.MethodPost, Path: "/buy", Body: []byte(`{}`), Idempotency: NotIdempotent}, nil)
	var e *apierror.Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, "attempt timed out after 20ms (the per-attempt Timeout)", e.Message)
	require.ErrorIs(t, err, apierror.ErrUnavailable)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.True(t, e.Ambiguous, "the request may have reached the provider")
}

// TestCallerDeadlineEndsTheCall: a caller whose deadline has passed gets a
// timeout back (ErrUnavailable, context.DeadlineExceeded) and nothing is
// sent; a cancellation is the caller's own choice and carries no kind.
func TestCallerDeadlineEndsTheCall(t *testing.T) {
	tests := []struct {
		name     string
		ctx      func() (context.Context, context.CancelFunc)
		wantErr  error
		wantKind error
	}{
		{name: "deadline passed", ctx: func() (context.Context, context.CancelFunc) {
			return context.WithDeadline(context.Background(), time.Unix(1, 0))
		}, wantErr: context.DeadlineExceeded, wantKind: apierror.ErrUnavailable},
		{name: "cancelled", ctx: func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx, cancel
		}, wantErr: context.Canceled, wantKind: nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := &recorder{}
			f := newFixture(t, withObserver(rec))
			f.mt.RegisterResponder(http.MethodPost, base+"/buy", httpmock.NewStringResponder(200, `{}`))
			ctx, cancel := tc.ctx()
			defer cancel()
			_, err := f.c.Do(ctx, &Request{Method: http.MethodPost, Path: "/buy", Body: []byte(`{}`), Idempotency: NotIdempotent}, nil)
			var e *apierror.Error
			require.ErrorAs(t, err, &e)
			require.ErrorIs(t, err, tc.wantErr)
			require.Equal(t, tc.wantKind, e.Kind)
			require.Equal(t, "call ended by the caller's context", e.Message)
			require.False(t, e.Ambiguous, "nothing was sent")
			require.Equal(t, 0, f.mt.GetTotalCallCount())
			events := rec.all()
			end, ok := events[len(events)-1].(observe.CallEnd)
			require.True(t, ok, "the call's end is reported last")
			require.Zero(t, end.Attempts, "the observer counts no attempt")
		})
	}
}

// TestPerCallTimeoutBoundsTheAttempt: option.WithTimeout replaces the
// client's per-attempt Timeout for that call, and the error names it.
func TestPerCallTimeoutBoundsTheAttempt(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.Shared.Timeout = time.Hour })
	f.mt.RegisterResponder(http.MethodPost, base+"/buy", func(r *http.Request) (*http.Response, error) {
		<-r.Context().Done()
		return nil, r.Context().Err()
	})
	_, err := f.c.Do(context.Background(), &Request{Method: http.MethodPost, Path: "/buy", Body: []byte(`{}`), Idempotency: NotIdempotent}, nil,
		option.WithTimeout(20*time.Millisecond))
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.ErrorContains(t, err, "attempt timed out after 20ms")
}

// TestCallerGivesUpDuringBackoff: a caller whose context ends while the
// call waits to retry gets its own cancellation back, the answer that
// made it wait, and whether that answer leaves the outcome open; nothing
// more is sent.
func TestCallerGivesUpDuringBackoff(t *testing.T) {
	tests := []struct {
		name       string
		answer     func(*http.Request) (*http.Response, error)
		wantStatus int // 0: no answer came
	}{
		{name: "after a 503", answer: func(*http.Request) (*http.Response, error) {
			return httpmock.NewStringResponse(503, `busy`), nil
		}, wantStatus: 503},
		{name: "after a reset", answer: func(r *http.Request) (*http.Response, error) {
			return nil, &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			f.mt.RegisterResponder(http.MethodPost, base+"/orders", tc.answer)
			giveUp := retry.Policy{Sleep: func(ctx context.Context, _ time.Duration) error {
				cancel()
				return ctx.Err()
			}}
			resp, err := f.c.Do(ctx, &Request{Method: http.MethodPost, Path: "/orders", Body: []byte(`{}`), Idempotency: Idempotent}, nil, option.WithRetry(giveUp))
			var e *apierror.Error
			require.ErrorAs(t, err, &e)
			require.ErrorIs(t, err, context.Canceled)
			require.Equal(t, "call ended by the caller's context during backoff", e.Message)
			require.True(t, e.Ambiguous, "the attempt may have placed the order")
			require.Equal(t, 1, f.mt.GetTotalCallCount())
			if tc.wantStatus == 0 {
				require.Nil(t, resp)
				return
			}
			require.NotNil(t, resp)
			require.Equal(t, tc.wantStatus, resp.StatusCode)
		})
	}
}

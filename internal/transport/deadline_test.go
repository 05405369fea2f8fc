package transport

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
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

package apierror

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestErrorString(t *testing.T) {
	tests := []struct {
		name string
		err  *Error
		want string
	}{
		{"validation", Validation("partner", "CreateOrder", "external_id is empty"), "simkit partner CreateOrder: external_id is empty"},
		{"status code and message", &Error{Provider: "topups", Op: "POST /orders/topups", StatusCode: 422, Code: "34", Message: "package invalid", RequestID: "r1"},
			"simkit topups POST /orders/topups: HTTP 422 code 34: package invalid [request r1]"},
		{"kind only", &Error{Provider: "smsnumbers", StatusCode: 429, Kind: ErrRateLimited, RetryAfter: 2 * time.Second},
			"simkit smsnumbers: HTTP 429: rate limited (retry after 2s)"},
		{"cause", &Error{Provider: "partner", Op: "GET /me", Message: "request failed", Kind: ErrUnavailable, Err: errors.New("reset")},
			"simkit partner GET /me: request failed: reset"},
		{"not configured", NotConfigured("esimstory"), "simkit esimstory: provider not configured: set its credentials in the options"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, tt.err.Error())
		})
	}
}

func TestClassification(t *testing.T) {
	err := fmt.Errorf("placing order: %w", &Error{Kind: ErrUnavailable, Err: context.DeadlineExceeded})
	require.ErrorIs(t, err, ErrUnavailable)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.NotErrorIs(t, err, ErrNotFound)
	var e *Error
	require.ErrorAs(t, err, &e)
	require.Empty(t, (&Error{}).Unwrap())
}

func TestKindForStatus(t *testing.T) {
	tests := map[int]error{
		400: ErrValidation, 422: ErrValidation, 401: ErrUnauthorized, 403: ErrUnauthorized,
		402: ErrInsufficientFunds, 404: ErrNotFound, 409: ErrConflict, 413: ErrTooLarge,
		429: ErrRateLimited, 502: ErrUnavailable, 503: ErrUnavailable, 504: ErrUnavailable,
		500: ErrServer, 200: nil, 302: nil,
	}
	for status, want := range tests {
		require.Equal(t, want, KindForStatus(status), "status %d", status)
	}
}

func TestCapBodyCopies(t *testing.T) {
	big := make([]byte, MaxRawBody+10)
	got := CapBody(big)
	require.Len(t, got, MaxRawBody)
	small := []byte("abc")
	got = CapBody(small)
	small[0] = 'x'
	require.Equal(t, "abc", string(got), "the error keeps its own copy")
}

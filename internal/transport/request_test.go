package transport

import (
	"context"
	"math"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
)

// TestRequestURL: the URL sent is the base URL and the path, with a query
// only when the request has one: a bare "?" would change what a provider
// signs or caches.
func TestRequestURL(t *testing.T) {
	tests := []struct {
		name  string
		query url.Values
		want  string
	}{
		{name: "no query", want: base + "/numbers"},
		{name: "an empty query", query: url.Values{}, want: base + "/numbers"},
		{name: "a query", query: url.Values{"country": {"de"}, "limit": {"2"}}, want: base + "/numbers?country=de&limit=2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			var got string
			f.mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
				got = r.URL.String()
				return &http.Response{StatusCode: 200, Body: http.NoBody, Header: http.Header{}}, nil
			})
			_, err := f.c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/numbers", Query: tc.query}, nil)
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}

// TestUnencodableBodyIsRefused: a body that cannot be encoded is the
// caller's mistake: a validation error, and nothing is sent.
func TestUnencodableBodyIsRefused(t *testing.T) {
	f := newFixture(t)
	_, err := f.c.Do(context.Background(), &Request{Method: http.MethodPost, Path: "/orders", JSON: map[string]float64{"amount": math.Inf(1)}, Idempotency: NotIdempotent}, nil)
	var e *apierror.Error
	require.ErrorAs(t, err, &e)
	require.ErrorIs(t, err, apierror.ErrValidation)
	require.Equal(t, "cannot encode request body", e.Message)
	require.Equal(t, "POST /orders", e.Op)
	require.Equal(t, 0, f.mt.GetTotalCallCount())
}

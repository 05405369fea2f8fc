package transport

import (
	"context"
	"net/http"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/option"
)

// TestRequestHeaderOnEveryAttempt: a request's prepared Header goes out on
// every attempt, over a call header of the same name, and its shared
// slices are left as they were.
func TestRequestHeaderOnEveryAttempt(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.Header = nil })
	var seen []http.Header
	f.mt.RegisterResponder(http.MethodGet, base+"/me", sequence(
		func(r *http.Request) (*http.Response, error) {
			seen = append(seen, r.Header.Clone())
			return httpmock.NewStringResponse(503, "busy"), nil
		},
		func(r *http.Request) (*http.Response, error) {
			seen = append(seen, r.Header.Clone())
			return httpmock.NewStringResponse(200, `{}`), nil
		},
	))
	prepared := http.Header{"Authorization": []string{"Bearer tok-1"}[:1:1]}
	_, err := f.c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/me", Header: prepared}, nil,
		option.WithHeader("Authorization", "Bearer from-the-call"), option.WithHeader("X-Trace", "t1"))
	require.NoError(t, err)
	require.Len(t, seen, 2)
	for _, h := range seen {
		require.Equal(t, []string{"Bearer tok-1"}, h.Values("Authorization"))
		require.Equal(t, "t1", h.Get("X-Trace"))
	}
	require.Equal(t, http.Header{"Authorization": {"Bearer tok-1"}}, prepared)
}

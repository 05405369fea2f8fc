package topups

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/transport"
)

var topupsURL = testBase + "/customer/v2/sims/" + testICCID + "/topups"

// The token endpoint allows a few calls a minute: 100 goroutines starting
// at once must share one token.
func TestTokenOneFetchForConcurrentFirstCalls(t *testing.T) {
	e := newEnv(t)
	release := make(chan struct{})
	e.mt.RegisterResponder(http.MethodPost, tokenURL, func(*http.Request) (*http.Response, error) {
		<-release // hold the fetch until every caller is queued behind it
		e.tokens.Add(1)
		return httpmock.NewStringResponse(200, fixture(t, "token.json")), nil
	})
	var auth sync.Map
	e.mt.RegisterResponder(http.MethodGet, topupsURL, func(r *http.Request) (*http.Response, error) {
		auth.Store(r.Header.Get("Authorization"), true)
		return httpmock.NewStringResponse(200, `{"data":[]}`), nil
	})

	const n = 100
	var wg, started sync.WaitGroup
	errs := make(chan error, n)
	started.Add(n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			started.Done()
			_, err := e.c.TopupPackages(context.Background(), testICCID)
			errs <- err
		}()
	}
	started.Wait()
	// Every caller but the leader waits on the leader's fetch before it
	// is released: the test exercises the single flight, not the cache.
	require.Eventually(t, func() bool { return e.c.flight.Waiting(e.c.tokenKey) == n-1 }, 10*time.Second, time.Millisecond)
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.Equal(t, 1, e.calls(http.MethodPost, tokenURL))
	require.Equal(t, n, e.calls(http.MethodGet, topupsURL))
	keys := 0
	auth.Range(func(k, _ any) bool { keys++; require.Equal(t, "Bearer tok-1-abcdef", k); return true })
	require.Equal(t, 1, keys)
}

func TestTokenSentAsMultipartClientCredentials(t *testing.T) {
	e := newEnv(t)
	e.mt.RegisterResponder(http.MethodPost, tokenURL, func(r *http.Request) (*http.Response, error) {
		require.True(t, strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data"))
		require.NoError(t, r.ParseMultipartForm(1<<20))
		require.Equal(t, "client-1", r.FormValue("client_id"))
		require.Equal(t, "s3cret-value", r.FormValue("client_secret"))
		require.Equal(t, "client_credentials", r.FormValue("grant_type"))
		return httpmock.NewStringResponse(200, fixture(t, "token.json")), nil
	})
	e.mt.RegisterResponder(http.MethodGet, topupsURL, jsonResponder(200, `{"data":[]}`))
	_, err := e.c.TopupPackages(context.Background(), testICCID)
	require.NoError(t, err)
}

// A cached token is reused until TokenRefreshMargin before expiry.
func TestTokenReusedUntilShortlyBeforeExpiry(t *testing.T) {
	e := newEnv(t) // default responder: expires_in 3600
	e.mt.RegisterResponder(http.MethodGet, topupsURL, jsonResponder(200, `{"data":[]}`))
	ctx := context.Background()
	_, err := e.c.TopupPackages(ctx, testICCID)
	require.NoError(t, err)
	e.clock.Advance(3600*time.Second - time.Minute - time.Second)
	_, err = e.c.TopupPackages(ctx, testICCID)
	require.NoError(t, err)
	require.Equal(t, 1, e.calls(http.MethodPost, tokenURL))
	e.clock.Advance(2 * time.Second)
	_, err = e.c.TopupPackages(ctx, testICCID)
	require.NoError(t, err)
	require.Equal(t, 2, e.calls(http.MethodPost, tokenURL))
}

func TestTokenTTL(t *testing.T) {
	tests := []struct {
		name   string
		margin time.Duration
		life   time.Duration
		want   time.Duration
	}{
		{"default margin", 0, time.Hour, time.Hour - time.Minute},
		{"custom margin", 5 * time.Minute, time.Hour, 55 * time.Minute},
		{"short token uses a tenth", 0, 100 * time.Second, 90 * time.Second},
		{"no lifetime sent", 0, 0, unknownTokenTTL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Client{opts: &Options{TokenRefreshMargin: tt.margin}}
			require.Equal(t, tt.want, c.tokenTTL(tt.life))
		})
	}
}

// A 401 drops the token, fetches exactly one new one and replays once.
func TestUnauthorizedRefreshesOnceAndReplays(t *testing.T) {
	e := newEnv(t)
	var seen []string
	var mu sync.Mutex
	e.mt.RegisterResponder(http.MethodGet, topupsURL, func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		seen = append(seen, r.Header.Get("Authorization"))
		mu.Unlock()
		if r.Header.Get("Authorization") != "Bearer tok-2" {
			return httpmock.NewStringResponse(401, `{"meta":{"message":"Unauthenticated."}}`), nil
		}
		return httpmock.NewStringResponse(200, fixture(t, "topup_packages.json")), nil
	})
	pkgs, err := e.c.TopupPackages(context.Background(), testICCID)
	require.NoError(t, err)
	require.Len(t, pkgs.Packages, 2)
	require.Equal(t, 2, e.calls(http.MethodPost, tokenURL), "one initial fetch, one refresh")
	require.Equal(t, []string{"Bearer tok-1", "Bearer tok-2"}, seen, "one replay with the new token")

	// The refreshed token is cached for later calls.
	_, err = e.c.TopupPackages(context.Background(), testICCID)
	require.NoError(t, err)
	require.Equal(t, 2, e.calls(http.MethodPost, tokenURL))
}

func TestUnauthorizedTwiceIsErrUnauthorized(t *testing.T) {
	e := newEnv(t)
	e.mt.RegisterResponder(http.MethodGet, topupsURL, jsonResponder(401, `{"meta":{"message":"Unauthenticated."}}`))
	_, err := e.c.TopupPackages(context.Background(), testICCID)
	require.ErrorIs(t, err, apierror.ErrUnauthorized)
	require.Equal(t, 2, e.calls(http.MethodPost, tokenURL))
	require.Equal(t, 2, e.calls(http.MethodGet, topupsURL))
	require.NotContains(t, err.Error(), "tok-")
}

// A 401 from a caller holding a token that was already replaced must not
// drop the replacement.
func TestForgetTokenKeepsReplacement(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	require.NoError(t, e.c.opts.Store.Set(ctx, e.c.tokenKey, []byte("new"), time.Hour))
	require.NoError(t, e.c.forgetToken(ctx, "old"))
	v, ok, err := e.c.opts.Store.Get(ctx, e.c.tokenKey)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, "new", string(v))
	require.NoError(t, e.c.forgetToken(ctx, "new"))
	_, ok, _ = e.c.opts.Store.Get(ctx, e.c.tokenKey)
	require.False(t, ok)
}

func TestTokenEndpointFailures(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		kind   error
	}{
		{"bad credentials", 401, `{"meta":{"message":"Invalid client credentials"}}`, apierror.ErrUnauthorized},
		{"malformed answer leaks no token", 200, `{"data":{"access_token":"tok-secret","expires_in":"soon"}}`, transport.ErrBadResponse},
		{"no token", 200, `{"data":{}}`, transport.ErrBadResponse},
		{"422 naming client_id", 422, `{"data":{"client_id":"The selected client id is invalid."},"meta":{"message":"the parameter is invalid"}}`, apierror.ErrUnauthorized},
		{"422 naming client_secret", 422, `{"data":{"client_secret":"The client secret field is required."},"meta":{"message":"the parameter is invalid"}}`, apierror.ErrUnauthorized},
		{"422 about the grant", 422, `{"data":{"grant_type":"The selected grant type is invalid."},"meta":{"message":"the parameter is invalid"}}`, apierror.ErrValidation},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			e := newEnv(t, func(o *Options) {
				o.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			})
			e.mt.RegisterResponder(http.MethodPost, tokenURL, jsonResponder(tt.status, tt.body))
			_, err := e.c.TopupPackages(context.Background(), testICCID)
			require.ErrorIs(t, err, tt.kind)
			require.Equal(t, 0, e.calls(http.MethodGet, topupsURL))
			var ae *apierror.Error
			require.ErrorAs(t, err, &ae)
			require.NotContains(t, string(ae.Raw), "tok-secret")
			require.NotContains(t, err.Error(), "tok-secret")
			require.NotContains(t, err.Error(), "s3cret-value")
			require.NotContains(t, logs.String(), "s3cret-value")
		})
	}
}

// Debug logs of a whole token round trip, refresh included, carry neither
// the token nor the client secret.
func TestTokenNeverLogged(t *testing.T) {
	var logs bytes.Buffer
	e := newEnv(t, func(o *Options) {
		o.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	e.mt.RegisterResponder(http.MethodGet, topupsURL, func(r *http.Request) (*http.Response, error) {
		if r.Header.Get("Authorization") == "Bearer tok-1" {
			return httpmock.NewStringResponse(401, `{}`), nil
		}
		return httpmock.NewStringResponse(200, `{"data":[]}`), nil
	})
	_, err := e.c.TopupPackages(context.Background(), testICCID)
	require.NoError(t, err)
	require.Contains(t, logs.String(), "token refused")
	require.NotContains(t, logs.String(), "tok-")
	require.NotContains(t, logs.String(), "s3cret-value")
}

func TestTokenWaitEndsWithContext(t *testing.T) {
	e := newEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := e.c.TopupPackages(ctx, testICCID)
	require.ErrorIs(t, err, context.Canceled)
	require.Equal(t, 0, e.mt.GetTotalCallCount())
}

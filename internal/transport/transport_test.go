package transport

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/retry"
)

const base = "https://api.test/v1"

// sleeps records every backoff the transport asks for instead of waiting.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeps) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

type fixture struct {
	mt     *httpmock.MockTransport
	c      *Client
	sleeps *sleeps
	now    time.Time
}

func newFixture(t *testing.T, edit ...func(*Config)) *fixture {
	t.Helper()
	f := &fixture{mt: httpmock.NewMockTransport(), sleeps: &sleeps{}, now: time.Unix(1768478058, 0)}
	p := retry.Default()
	p.NoJitter = true
	p.Sleep = f.sleeps.sleep
	cfg := Config{
		Provider: "test",
		BaseURL:  base,
		Shared: option.Shared{
			Transport: f.mt,
			Retry:     p,
			Now:       func() time.Time { return f.now },
		},
		Header: http.Header{"Authorization": {"Bearer tok-secret-123"}},
	}
	for _, e := range edit {
		e(&cfg)
	}
	c, err := New(cfg)
	require.NoError(t, err)
	f.c = c
	return f
}

// sequence answers the i-th call with steps[i] (the last one repeats).
func sequence(steps ...httpmock.Responder) httpmock.Responder {
	var n atomic.Int32
	return func(r *http.Request) (*http.Response, error) {
		i := int(n.Add(1)) - 1
		if i >= len(steps) {
			i = len(steps) - 1
		}
		return steps[i](r)
	}
}

func TestRetries(t *testing.T) {
	date := time.Unix(1768478058, 0).Add(7 * time.Second).UTC().Format(http.TimeFormat)
	tests := []struct {
		name      string
		method    string
		idem      Idempotency
		steps     []httpmock.Responder
		wantCalls int
		wantErr   error
		wantSleep []time.Duration
	}{
		{
			name:      "transport error then 200 is retried",
			method:    http.MethodGet,
			steps:     []httpmock.Responder{httpmock.NewErrorResponder(errors.New("connection reset")), httpmock.NewStringResponder(200, `{"ok":true}`)},
			wantCalls: 2,
			wantSleep: []time.Duration{200 * time.Millisecond},
		},
		{
			name:      "503 then 200 is retried on the rate-limit schedule",
			method:    http.MethodGet,
			steps:     []httpmock.Responder{httpmock.NewStringResponder(503, "busy"), httpmock.NewStringResponder(200, `{"ok":true}`)},
			wantCalls: 2,
			wantSleep: []time.Duration{time.Second},
		},
		{
			name:   "429 with Retry-After seconds waits that long",
			method: http.MethodGet,
			steps: []httpmock.Responder{
				httpmock.NewStringResponder(429, "slow down").HeaderSet(http.Header{"Retry-After": {"2"}}),
				httpmock.NewStringResponder(200, `{}`),
			},
			wantCalls: 2,
			wantSleep: []time.Duration{2 * time.Second},
		},
		{
			name:      "429 without Retry-After is retried on the rate-limit schedule",
			method:    http.MethodGet,
			steps:     []httpmock.Responder{httpmock.NewStringResponder(429, "slow down"), httpmock.NewStringResponder(200, `{}`)},
			wantCalls: 2,
			wantSleep: []time.Duration{time.Second},
		},
		{
			name:   "429 with Retry-After as HTTP date waits until then",
			method: http.MethodGet,
			steps: []httpmock.Responder{
				httpmock.NewStringResponder(429, "slow down").HeaderSet(http.Header{"Retry-After": {date}}),
				httpmock.NewStringResponder(200, `{}`),
			},
			wantCalls: 2,
			wantSleep: []time.Duration{7 * time.Second},
		},
		{
			name:   "Retry-After beyond the cap is returned, not waited",
			method: http.MethodGet,
			steps: []httpmock.Responder{
				httpmock.NewStringResponder(429, "slow down").HeaderSet(http.Header{"Retry-After": {"3600"}}),
			},
			wantCalls: 1,
			wantErr:   apierror.ErrRateLimited,
		},
		{
			name:      "POST is not retried",
			method:    http.MethodPost,
			steps:     []httpmock.Responder{httpmock.NewStringResponder(503, "busy"), httpmock.NewStringResponder(200, `{}`)},
			wantCalls: 1,
			wantErr:   apierror.ErrUnavailable,
		},
		{
			name:      "POST marked idempotent is retried",
			method:    http.MethodPost,
			idem:      Idempotent,
			steps:     []httpmock.Responder{httpmock.NewErrorResponder(errors.New("timeout")), httpmock.NewStringResponder(201, `{}`)},
			wantCalls: 2,
			wantSleep: []time.Duration{200 * time.Millisecond},
		},
		{
			name:      "GET marked not idempotent is not retried",
			method:    http.MethodGet,
			idem:      NotIdempotent,
			steps:     []httpmock.Responder{httpmock.NewStringResponder(502, "bad gateway"), httpmock.NewStringResponder(200, `{}`)},
			wantCalls: 1,
			wantErr:   apierror.ErrUnavailable,
		},
		{
			name:      "500 is not retried even for GET",
			method:    http.MethodGet,
			steps:     []httpmock.Responder{httpmock.NewStringResponder(500, "boom"), httpmock.NewStringResponder(200, `{}`)},
			wantCalls: 1,
			wantErr:   apierror.ErrServer,
		},
		{
			name:      "attempts are bounded by the policy",
			method:    http.MethodGet,
			steps:     []httpmock.Responder{httpmock.NewStringResponder(504, "")},
			wantCalls: 3,
			wantErr:   apierror.ErrUnavailable,
			wantSleep: []time.Duration{200 * time.Millisecond, 400 * time.Millisecond},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.mt.RegisterResponder(tt.method, base+"/thing", sequence(tt.steps...))
			var out map[string]any
			_, err := f.c.Do(context.Background(), &Request{Method: tt.method, Path: "/thing", Idempotency: tt.idem, Body: []byte(`{}`)}, &out)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				var e *apierror.Error
				require.ErrorAs(t, err, &e)
				require.Equal(t, "test", e.Provider)
			} else {
				require.NoError(t, err)
			}
			require.Equal(t, tt.wantCalls, f.mt.GetTotalCallCount())
			require.Equal(t, tt.wantSleep, f.sleeps.all())
		})
	}
}

func TestSignRunsPerAttemptWithFreshTimestamp(t *testing.T) {
	f := newFixture(t)
	var seen []http.Header
	f.mt.RegisterResponder(http.MethodPost, base+"/orders", sequence(
		func(r *http.Request) (*http.Response, error) {
			seen = append(seen, r.Header.Clone())
			f.now = f.now.Add(3 * time.Second) // the retry happens later
			return httpmock.NewStringResponse(503, "busy"), nil
		},
		func(r *http.Request) (*http.Response, error) {
			seen = append(seen, r.Header.Clone())
			return httpmock.NewStringResponse(201, `{}`), nil
		},
	))
	sign := func(h http.Header, now time.Time) error {
		ts := strconv.FormatInt(now.Unix(), 10)
		h.Set("X-Timestamp", ts)
		h.Set("X-Signature", "sig-"+ts)
		return nil
	}
	_, err := f.c.Do(context.Background(), &Request{Method: http.MethodPost, Path: "/orders", JSON: map[string]string{"external_id": "ORD-1"}, Idempotency: Idempotent, Sign: sign}, nil)
	require.NoError(t, err)
	require.Len(t, seen, 2)
	require.Equal(t, "1768478058", seen[0].Get("X-Timestamp"))
	require.Equal(t, "1768478061", seen[1].Get("X-Timestamp"))
	for _, h := range seen {
		require.Len(t, h.Values("X-Signature"), 1, "a retry replaces the signature, never appends")
		require.Equal(t, "sig-"+h.Get("X-Timestamp"), h.Get("X-Signature"))
		require.Equal(t, "Bearer tok-secret-123", h.Get("Authorization"))
		require.Equal(t, "application/json", h.Get("Content-Type"))
	}
}

func TestBodyIsResentWholeOnRetry(t *testing.T) {
	f := newFixture(t)
	var bodies []string
	f.mt.RegisterResponder(http.MethodPost, base+"/orders", sequence(
		func(r *http.Request) (*http.Response, error) {
			b, _ := io.ReadAll(r.Body)
			bodies = append(bodies, string(b))
			return nil, errors.New("reset")
		},
		func(r *http.Request) (*http.Response, error) {
			b, _ := io.ReadAll(r.Body)
			bodies = append(bodies, string(b))
			return httpmock.NewStringResponse(200, `{}`), nil
		},
	))
	_, err := f.c.Do(context.Background(), &Request{Method: http.MethodPost, Path: "/orders", JSON: map[string]string{"external_id": "ORD-1"}, Idempotency: Idempotent}, nil)
	require.NoError(t, err)
	require.Equal(t, []string{`{"external_id":"ORD-1"}`, `{"external_id":"ORD-1"}`}, bodies)
}

func TestCancelDuringBackoffReturnsPromptly(t *testing.T) {
	f := newFixture(t, func(c *Config) {
		p := retry.Default()
		p.BaseDelay = time.Hour
		p.MaxDelay = time.Hour
		c.Shared.Retry = p // real sleeper
	})
	f.mt.RegisterResponder(http.MethodGet, base+"/slow", httpmock.NewErrorResponder(errors.New("reset")))
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(20*time.Millisecond, cancel)
	start := time.Now()
	_, err := f.c.Do(ctx, &Request{Method: http.MethodGet, Path: "/slow"}, nil)
	require.ErrorIs(t, err, context.Canceled)
	require.Less(t, time.Since(start), 20*time.Millisecond+50*time.Millisecond)
}

func TestPerAttemptTimeoutIsRetried(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.Shared.Timeout = 20 * time.Millisecond })
	f.mt.RegisterResponder(http.MethodGet, base+"/x", sequence(
		func(r *http.Request) (*http.Response, error) {
			<-r.Context().Done()
			return nil, r.Context().Err()
		},
		httpmock.NewStringResponder(200, `{"n":1}`),
	))
	var out struct{ N int }
	resp, err := f.c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x"}, &out)
	require.NoError(t, err)
	require.Equal(t, 1, out.N)
	require.Equal(t, 2, resp.Attempts)
}

func TestErrorsAreTyped(t *testing.T) {
	f := newFixture(t, func(c *Config) {
		c.DecodeError = func(resp *Response) *apierror.Error {
			if strings.Contains(string(resp.Body), "balance") {
				return &apierror.Error{Message: "not enough balance", Code: "11", Kind: apierror.ErrInsufficientFunds}
			}
			return nil
		}
	})
	f.mt.RegisterResponder(http.MethodGet, base+"/pay", httpmock.NewStringResponder(400, `low balance`).HeaderSet(http.Header{"X-Request-Id": {"req-42"}}))
	f.mt.RegisterResponder(http.MethodGet, base+"/missing", httpmock.NewStringResponder(404, ``))
	f.mt.RegisterResponder(http.MethodGet, base+"/moved", httpmock.NewStringResponder(302, ``).HeaderSet(http.Header{"Location": {"/404.html"}}))
	f.mt.RegisterResponder(http.MethodGet, base+"/garbled", httpmock.NewStringResponder(200, `{not json`))

	_, err := f.c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/pay"}, nil)
	var e *apierror.Error
	require.ErrorAs(t, err, &e)
	require.ErrorIs(t, err, apierror.ErrInsufficientFunds)
	require.Equal(t, 400, e.StatusCode)
	require.Equal(t, "11", e.Code)
	require.Equal(t, "req-42", e.RequestID)
	require.Equal(t, "GET /pay", e.Op)
	require.Equal(t, []byte("low balance"), e.Raw)
	require.Contains(t, e.Error(), "not enough balance")

	_, err = f.c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/missing"}, nil)
	require.ErrorIs(t, err, apierror.ErrNotFound)

	resp, err := f.c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/moved"}, nil)
	require.Error(t, err, "a redirect is never followed")
	require.Equal(t, 302, resp.StatusCode)
	require.Equal(t, 1, f.mt.GetCallCountInfo()["GET "+base+"/moved"])

	var out map[string]any
	_, err = f.c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/garbled"}, &out)
	require.ErrorIs(t, err, ErrBadResponse)
}

func TestResponseBodyIsCapped(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.Shared.MaxResponseBytes = 1024 })
	f.mt.RegisterResponder(http.MethodGet, base+"/big", httpmock.NewStringResponder(200, strings.Repeat("x", 4096)))
	_, err := f.c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/big"}, nil)
	require.ErrorIs(t, err, apierror.ErrTooLarge)
	require.Equal(t, 1, f.mt.GetTotalCallCount(), "an oversized body is not retried")
}

func TestCallOptions(t *testing.T) {
	f := newFixture(t)
	f.mt.RegisterResponder(http.MethodGet, base+"/x?a=1+2", sequence(
		httpmock.NewStringResponder(503, ""),
		func(r *http.Request) (*http.Response, error) {
			require.Equal(t, "trace-1", r.Header.Get("X-Trace"))
			require.Equal(t, "Bearer tok-secret-123", r.Header.Get("Authorization"), "a call header never replaces auth")
			resp := httpmock.NewStringResponse(200, `{}`)
			resp.Header = http.Header{"X-Ratelimit-Remaining": {"9"}, "X-Ratelimit-Limit": {"10"}, "X-Ratelimit-Reset": {"1768478100"}}
			return resp, nil
		},
	))
	var meta option.Response
	_, err := f.c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x", Query: map[string][]string{"a": {"1 2"}}}, nil,
		option.WithHeader("X-Trace", "trace-1"),
		option.WithHeader("Authorization", "Bearer evil"),
		option.WithResponse(&meta),
		option.WithTimeout(time.Second),
	)
	require.NoError(t, err)
	require.Equal(t, 2, meta.Attempts)
	require.Equal(t, 200, meta.StatusCode)
	require.Equal(t, 9, meta.RateLimit.Remaining)
	require.Equal(t, 10, meta.RateLimit.Limit)
	require.Equal(t, int64(1768478100), meta.RateLimit.Reset.Unix())

	// A per-call policy replaces the client's: one attempt only.
	f.mt.RegisterResponder(http.MethodGet, base+"/once", httpmock.NewStringResponder(503, ""))
	_, err = f.c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/once"}, nil, option.WithRetry(retry.Never()))
	require.ErrorIs(t, err, apierror.ErrUnavailable)
	require.Equal(t, 1, f.mt.GetCallCountInfo()["GET "+base+"/once"])
}

func TestMultipartFormIsSent(t *testing.T) {
	f := newFixture(t)
	f.mt.RegisterResponder(http.MethodPost, base+"/token", func(r *http.Request) (*http.Response, error) {
		require.NoError(t, r.ParseMultipartForm(1<<20))
		require.Equal(t, "client_credentials", r.FormValue("grant_type"))
		return httpmock.NewStringResponse(200, `{}`), nil
	})
	_, err := f.c.Do(context.Background(), &Request{Method: http.MethodPost, Path: "/token", Form: map[string]string{"grant_type": "client_credentials"}}, nil)
	require.NoError(t, err)
}

func TestNewValidatesConfig(t *testing.T) {
	_, err := New(Config{Provider: "p"})
	require.ErrorIs(t, err, apierror.ErrNotConfigured)
	_, err = New(Config{Provider: "p", BaseURL: "ftp://x"})
	require.ErrorIs(t, err, apierror.ErrValidation)
	fixed := time.Unix(1768478058, 0)
	c, err := New(Config{Provider: "p", BaseURL: "https://x/", Shared: option.Shared{HTTPClient: &http.Client{}, UserAgent: "shop/1", Now: func() time.Time { return fixed }}})
	require.NoError(t, err)
	require.Equal(t, fixed, c.Now(), "signatures and caches use the injected clock")
	require.Equal(t, "simkit-go/"+Version+" shop/1", c.header.Get("User-Agent"))
	require.Equal(t, "application/json", c.header.Get("Accept"), "every provider answers JSON")
	c, err = New(Config{Provider: "p", BaseURL: "https://x/", Header: http.Header{"Accept": {"text/plain"}}})
	require.NoError(t, err)
	require.Equal(t, "text/plain", c.header.Get("Accept"), "a provider's own Accept wins")
}

func TestNothingSecretReachesLogsOrErrors(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	f := newFixture(t, func(c *Config) { c.Shared.Logger = logger })
	f.mt.RegisterResponder(http.MethodPost, base+"/orders", sequence(
		httpmock.NewErrorResponder(errors.New("reset")),
		httpmock.NewStringResponder(503, "busy"),
		httpmock.NewStringResponder(401, `{"message":"bad token"}`),
	))
	sign := func(h http.Header, now time.Time) error {
		h.Set("X-Signature", "sig-very-secret-abcdef")
		return nil
	}
	_, err := f.c.Do(context.Background(), &Request{Method: http.MethodPost, Path: "/orders", Idempotency: Idempotent, Sign: sign, JSON: map[string]string{"k": "v"}}, nil)
	require.ErrorIs(t, err, apierror.ErrUnauthorized)
	require.NotEmpty(t, logs.String(), "debug and retry lines were written")
	for _, secret := range []string{"tok-secret-123", "sig-very-secret-abcdef"} {
		require.NotContains(t, logs.String(), secret)
		require.NotContains(t, err.Error(), secret)
	}
}

func TestCancelledContextSendsNothing(t *testing.T) {
	f := newFixture(t)
	f.mt.RegisterResponder(http.MethodGet, base+"/x", httpmock.NewStringResponder(200, `{}`))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := f.c.Do(ctx, &Request{Method: http.MethodGet, Path: "/x"}, nil)
	require.ErrorIs(t, err, context.Canceled)
	require.Equal(t, 0, f.mt.GetTotalCallCount())
}

func TestSigningFailureIsNotRetried(t *testing.T) {
	f := newFixture(t)
	boom := errors.New("no key")
	var meta option.Response
	_, err := f.c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x", Sign: func(http.Header, time.Time) error { return boom }}, nil, option.WithResponse(&meta))
	require.ErrorIs(t, err, apierror.ErrValidation)
	require.ErrorIs(t, err, boom)
	require.Equal(t, 0, f.mt.GetTotalCallCount())
	require.Empty(t, f.sleeps.all())
	require.Len(t, meta.History, 1)
	require.EqualError(t, meta.History[0].Err, "signing: no key", "the attempt's history says it failed at signing")
}

func TestRetryPolicyResolution(t *testing.T) {
	five := retry.Policy{MaxAttempts: 5}
	limit := func(p retry.Policy) retry.Policy {
		if p.MaxAttempts > 2 {
			p.MaxAttempts = 2
		}
		return p
	}
	tests := []struct {
		name string
		sh   option.Shared
		cfg  Config
		want int
	}{
		{"nothing set: retry.Default", option.Shared{}, Config{}, 3},
		{"nothing set: provider schedule", option.Shared{}, Config{DefaultRetry: retry.Policy{MaxAttempts: 2}}, 2},
		{"fleet-wide policy within provider limits", option.Shared{DefaultRetry: five}, Config{LimitRetry: limit}, 2},
		{"fleet-wide policy without limits", option.Shared{DefaultRetry: five}, Config{}, 5},
		{"provider's own Retry is taken as given", option.Shared{Retry: five, DefaultRetry: retry.Never()}, Config{LimitRetry: limit}, 5},
		{"zero Retry keeps the provider schedule", option.Shared{Retry: retry.Policy{NoJitter: true}}, Config{DefaultRetry: retry.Policy{MaxAttempts: 2}}, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, resolvePolicy(tc.sh, tc.cfg).Attempts())
		})
	}
}

func TestPerCallPolicyMergesLikeClientPolicy(t *testing.T) {
	f := newFixture(t)
	f.mt.RegisterResponder("GET", base+"/x", httpmock.NewStringResponder(503, ""))
	var meta option.Response
	_, err := f.c.Do(context.Background(), &Request{Method: "GET", Path: "/x"}, nil,
		option.WithRetry(retry.Policy{NoJitter: true}), option.WithResponse(&meta))
	require.Error(t, err)
	require.Equal(t, 3, meta.Attempts, "a per-call policy with zero MaxAttempts keeps the client's schedule, as a client-level one does")
}

// TestUnbuildableRequestFails: a request the HTTP stack refuses to build
// (a multipart form on a GET) ends the call with an error and sends
// nothing; it never crashes the caller.
func TestUnbuildableRequestFails(t *testing.T) {
	f := newFixture(t)
	f.mt.RegisterResponder(http.MethodGet, base+"/upload", httpmock.NewStringResponder(200, `{}`))
	var meta option.Response
	_, err := f.c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/upload", Form: map[string]string{"file": "x"}}, nil, option.WithResponse(&meta))
	require.ErrorContains(t, err, "multipart content is not allowed")
	require.Equal(t, 0, f.mt.GetTotalCallCount())
	require.NotEmpty(t, meta.History)
	require.Zero(t, meta.History[0].StatusCode)
}

// TestRetryableDecidesNetworkRetries: a policy whose Retryable refuses
// network failures sends a read once, however many attempts it allows.
func TestRetryableDecidesNetworkRetries(t *testing.T) {
	f := newFixture(t)
	f.mt.RegisterResponder(http.MethodGet, base+"/x", httpmock.NewErrorResponder(errors.New("connection reset")))
	answersOnly := retry.Policy{MaxAttempts: 5, Retryable: func(resp *http.Response, err error) bool { return err == nil }}
	_, err := f.c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x"}, nil, option.WithRetry(answersOnly))
	require.ErrorIs(t, err, apierror.ErrUnavailable)
	require.Equal(t, 1, f.mt.GetTotalCallCount())
	require.Empty(t, f.sleeps.all())
}

// TestOnlyA2xxIsASuccess: only a 2xx answer is decoded into out; any
// other status, an informational or a 3xx one included, is an error that
// carries it, even when its body would decode.
func TestOnlyA2xxIsASuccess(t *testing.T) {
	for _, tc := range []struct {
		status int
		ok     bool
	}{{101, false}, {199, false}, {200, true}, {204, true}, {299, true}, {300, false}, {304, false}} {
		t.Run(strconv.Itoa(tc.status), func(t *testing.T) {
			f := newFixture(t)
			f.mt.RegisterResponder(http.MethodGet, base+"/x", httpmock.NewStringResponder(tc.status, `{"n":1}`))
			var out struct{ N int }
			resp, err := f.c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x"}, &out)
			require.Equal(t, tc.status, resp.StatusCode)
			if tc.ok {
				require.NoError(t, err)
				require.Equal(t, 1, out.N)
				return
			}
			var e *apierror.Error
			require.ErrorAs(t, err, &e)
			require.Equal(t, tc.status, e.StatusCode)
			require.Zero(t, out.N, "an error answer is not decoded into out")
		})
	}
}

// TestRetryAfterCap: a Retry-After up to the policy's MaxRetryAfter is
// waited out and the call retried; a longer one is returned as
// ErrRateLimited at once; a policy without a cap (a negative MaxRetryAfter:
// zero inherits the default cap) waits out any.
func TestRetryAfterCap(t *testing.T) {
	tests := []struct {
		name       string
		cap        time.Duration
		retryAfter string
		wantCalls  int
		wantSleep  []time.Duration
	}{
		{name: "exactly the cap", cap: 2 * time.Second, retryAfter: "2", wantCalls: 2, wantSleep: []time.Duration{2 * time.Second}},
		{name: "over the cap", cap: 2 * time.Second, retryAfter: "3", wantCalls: 1},
		{name: "no cap", cap: -1, retryAfter: "3600", wantCalls: 2, wantSleep: []time.Duration{time.Hour}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			f.mt.RegisterResponder(http.MethodGet, base+"/x", sequence(
				httpmock.NewStringResponder(429, "slow down").HeaderSet(http.Header{"Retry-After": {tc.retryAfter}}),
				httpmock.NewStringResponder(200, `{}`),
			))
			_, err := f.c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x"}, nil, option.WithRetry(retry.Policy{MaxRetryAfter: tc.cap}))
			if tc.wantCalls == 1 {
				require.ErrorIs(t, err, apierror.ErrRateLimited)
			} else {
				require.NoError(t, err)
			}
			require.Equal(t, tc.wantCalls, f.mt.GetTotalCallCount())
			require.Equal(t, tc.wantSleep, f.sleeps.all())
		})
	}
}

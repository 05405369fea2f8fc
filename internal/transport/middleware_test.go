package transport

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/option"
)

// seen records what a middleware saw of each attempt.
type seen struct {
	mu      sync.Mutex
	headers []http.Header
	order   []string
}

func (s *seen) mw(name string) option.Middleware {
	return func(r *http.Request, next option.MiddlewareNext) (*http.Response, error) {
		s.mu.Lock()
		s.order = append(s.order, name)
		if name == "client" {
			s.headers = append(s.headers, r.Header.Clone())
		}
		s.mu.Unlock()
		r.Header.Set("X-Added-By-"+name, "1")
		return next(r)
	}
}

func TestMiddlewareSeesEveryAttemptWithFinalHeaders(t *testing.T) {
	s := &seen{}
	f := newFixture(t, func(c *Config) { c.Shared.Middleware = []option.Middleware{s.mw("client")} })
	var got []http.Header
	f.mt.RegisterResponder(http.MethodPost, base+"/orders", sequence(
		func(r *http.Request) (*http.Response, error) {
			got = append(got, r.Header.Clone())
			f.now = f.now.Add(time.Second) // the retry is signed at a later clock reading
			return httpmock.NewStringResponse(503, `{}`), nil
		},
		func(r *http.Request) (*http.Response, error) {
			got = append(got, r.Header.Clone())
			return httpmock.NewStringResponse(200, `{"ok":true}`), nil
		},
	))
	req := &Request{Method: http.MethodPost, Path: "/orders", JSON: map[string]string{"a": "b"}, Idempotency: Idempotent,
		Sign: func(h http.Header, now time.Time) error {
			h.Set("X-Signature", "sig-"+strconv.FormatInt(now.Unix(), 10))
			return nil
		}}
	_, err := f.c.Do(context.Background(), req, nil, option.WithHeader("X-Trace", "t1"), option.WithMiddleware(s.mw("call")))
	require.NoError(t, err)

	require.Len(t, s.headers, 2, "the middleware runs once per attempt, retries included")
	require.Equal(t, []string{"client", "call", "client", "call"}, s.order, "the client's middleware is outermost")
	for i, h := range s.headers {
		require.Equal(t, "Bearer tok-secret-123", h.Get("Authorization"), "attempt %d", i+1)
		require.Equal(t, "t1", h.Get("X-Trace"), "per-call headers are set before the middleware runs")
		require.Equal(t, "application/json", h.Get("Content-Type"))
		require.Equal(t, got[i].Get("X-Signature"), h.Get("X-Signature"), "the middleware sees the signature that is sent")
		require.Equal(t, "1", got[i].Get("X-Added-By-client"), "a header the middleware adds reaches the wire")
		require.Equal(t, "1", got[i].Get("X-Added-By-call"))
	}
	require.NotEqual(t, s.headers[0].Get("X-Signature"), s.headers[1].Get("X-Signature"), "each attempt is signed afresh before the middleware")
}

func TestMiddlewareCannotResendAtMostOnceRequest(t *testing.T) {
	tests := []struct {
		name      string
		idem      Idempotency
		method    string
		wantSends int
		wantErr   error
	}{
		{name: "non-idempotent POST", idem: NotIdempotent, method: http.MethodPost, wantSends: 1, wantErr: option.ErrResent},
		{name: "a GET that spends money", idem: NotIdempotent, method: http.MethodGet, wantSends: 1, wantErr: option.ErrResent},
		{name: "idempotent POST may be repeated by the middleware", idem: Idempotent, method: http.MethodPost, wantSends: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var sends atomic.Int32
			var bodies []string
			var mu sync.Mutex
			var second error
			twice := func(r *http.Request, next option.MiddlewareNext) (*http.Response, error) {
				resp, err := next(r)
				if err != nil {
					return nil, err
				}
				_ = resp.Body.Close()
				if r.GetBody != nil {
					r.Body, _ = r.GetBody()
				}
				resp, second = next(r)
				if second != nil {
					return nil, second
				}
				return resp, nil
			}
			f := newFixture(t, func(c *Config) { c.Shared.Middleware = []option.Middleware{twice} })
			f.mt.RegisterResponder(tt.method, base+"/buy", func(r *http.Request) (*http.Response, error) {
				sends.Add(1)
				if r.Body != nil {
					b, _ := io.ReadAll(r.Body)
					mu.Lock()
					bodies = append(bodies, string(b))
					mu.Unlock()
				}
				return httpmock.NewStringResponse(200, `{}`), nil
			})
			req := &Request{Method: tt.method, Path: "/buy", Idempotency: tt.idem}
			if tt.method == http.MethodPost {
				req.JSON = map[string]int{"n": 1}
			}
			_, err := f.c.Do(context.Background(), req, nil)
			require.Equal(t, int32(tt.wantSends), sends.Load())
			if tt.wantErr == nil {
				require.NoError(t, err)
				require.NoError(t, second)
				require.Equal(t, []string{`{"n":1}`, `{"n":1}`}, bodies, "a repeatable body is rewound")
				return
			}
			require.ErrorIs(t, second, tt.wantErr, "the second send is refused")
			require.ErrorIs(t, err, tt.wantErr)
			require.True(t, Ambiguous(err), "the first send may have been acted on")
		})
	}
}

func TestMiddlewareBodyOfAtMostOnceRequestCannotBeRewound(t *testing.T) {
	getBody := true
	mw := func(r *http.Request, next option.MiddlewareNext) (*http.Response, error) {
		// Without GetBody neither net/http nor another client the
		// middleware hands the request to can rewind and resend it.
		getBody = r.GetBody != nil
		return next(r)
	}
	f := newFixture(t, func(c *Config) { c.Shared.Middleware = []option.Middleware{mw} })
	f.mt.RegisterResponder(http.MethodPost, base+"/orders", httpmock.NewStringResponder(200, `{}`))
	_, err := f.c.Do(context.Background(), &Request{Method: http.MethodPost, Path: "/orders", JSON: map[string]int{"n": 1}, Idempotency: NotIdempotent}, nil)
	require.NoError(t, err)
	require.False(t, getBody, "an at-most-once body offers no GetBody")
}

func TestMiddlewareRefusalSendsNothing(t *testing.T) {
	errOpen := errors.New("circuit open")
	refuse := func(*http.Request, option.MiddlewareNext) (*http.Response, error) { return nil, errOpen }
	f := newFixture(t)
	var sends atomic.Int32
	f.mt.RegisterResponder(http.MethodPost, base+"/orders", func(*http.Request) (*http.Response, error) {
		sends.Add(1)
		return httpmock.NewStringResponse(200, `{}`), nil
	})
	_, err := f.c.Do(context.Background(), &Request{Method: http.MethodPost, Path: "/orders", JSON: map[string]int{"n": 1}, Idempotency: NotIdempotent}, nil,
		option.WithMiddleware(refuse))
	require.ErrorIs(t, err, errOpen)
	var e *apierror.Error
	require.ErrorAs(t, err, &e)
	require.False(t, Ambiguous(err), "a middleware that never called next sent nothing")
	require.Zero(t, sends.Load())
}

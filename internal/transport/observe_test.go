package transport

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/observe"
)

// recorder keeps every event it is given, in order.
type recorder struct {
	observe.Base
	mu     sync.Mutex
	events []any
}

type ctxMark struct{}

func (r *recorder) add(e any) {
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
}

func (r *recorder) CallStart(ctx context.Context, e observe.CallStart) context.Context {
	r.add(e)
	return context.WithValue(ctx, ctxMark{}, "call")
}

func (r *recorder) CallEnd(ctx context.Context, e observe.CallEnd) {
	if ctx.Value(ctxMark{}) != "call" {
		e.Outcome = "lost the call's context"
	}
	r.add(e)
}

func (r *recorder) AttemptStart(ctx context.Context, e observe.AttemptStart) context.Context {
	if ctx.Value(ctxMark{}) != "call" {
		e.Route = "lost the call's context"
	}
	r.add(e)
	return context.WithValue(ctx, ctxMark{}, "attempt")
}

func (r *recorder) AttemptEnd(ctx context.Context, e observe.AttemptEnd) {
	if ctx.Value(ctxMark{}) != "attempt" {
		e.Route = "lost the attempt's context"
	}
	r.add(e)
}

func (r *recorder) LimiterWait(ctx context.Context, e observe.LimiterWait) {
	if ctx.Value(ctxMark{}) != "attempt" {
		e.Route = "lost the attempt's context"
	}
	e.Waited = 0 // wall time: not comparable
	r.add(e)
}

func (r *recorder) all() []any {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]any(nil), r.events...)
}

// scrub zeroes the wall-clock fields so events compare with literals.
func scrub(events []any) []any {
	out := make([]any, len(events))
	for i, e := range events {
		switch v := e.(type) {
		case observe.CallStart:
			v.Start = time.Time{}
			e = v
		case observe.CallEnd:
			v.Start, v.End, v.Err = time.Time{}, time.Time{}, nil
			e = v
		case observe.AttemptStart:
			if v.ServerAddress != "api.test" || v.ServerPort != 443 {
				v.Route = "wrong server " + v.ServerAddress
			}
			v.Start, v.ServerAddress, v.ServerPort = time.Time{}, "", 0
			e = v
		case observe.AttemptEnd:
			v.Start, v.Duration, v.Err = time.Time{}, 0, nil
			e = v
		}
		out[i] = e
	}
	return out
}

func withObserver(obs observe.Observer) func(*Config) {
	return func(c *Config) { c.Shared.Observer = obs }
}

func TestObserverSeesCallsAndAttempts(t *testing.T) {
	const route = "GET /things/{id}"
	tests := []struct {
		name  string
		steps []httpmock.Responder
		want  []any
	}{
		{
			name:  "success",
			steps: []httpmock.Responder{httpmock.NewStringResponder(200, `{}`).HeaderSet(http.Header{"X-Request-Id": {"req-1"}, "X-Ratelimit-Remaining": {"9"}})},
			want: []any{
				observe.CallStart{Provider: "test", Method: "GET", Route: route},
				observe.AttemptStart{Provider: "test", Method: "GET", Route: route, Attempt: 1},
				observe.AttemptEnd{Provider: "test", Method: "GET", Route: route, Attempt: 1, StatusCode: 200, RequestID: "req-1",
					RateLimit: observe.RateLimit{Remaining: 9}, Outcome: "ok"},
				observe.CallEnd{Provider: "test", Method: "GET", Route: route, Attempts: 1, StatusCode: 200, RequestID: "req-1", Outcome: "ok"},
			},
		},
		{
			name: "rate limited then ok",
			steps: []httpmock.Responder{
				httpmock.NewStringResponder(429, `{}`).HeaderSet(http.Header{"Retry-After": {"2"}, "X-Request-Id": {"req-1"}}),
				httpmock.NewStringResponder(200, `{}`).HeaderSet(http.Header{"X-Request-Id": {"req-2"}}),
			},
			want: []any{
				observe.CallStart{Provider: "test", Method: "GET", Route: route},
				observe.AttemptStart{Provider: "test", Method: "GET", Route: route, Attempt: 1},
				observe.AttemptEnd{Provider: "test", Method: "GET", Route: route, Attempt: 1, StatusCode: 429, RequestID: "req-1",
					RateLimit: observe.RateLimit{RetryAfter: 2 * time.Second}, Outcome: "rate_limited",
					RetryReason: observe.RetryRateLimited, RetryWait: 2 * time.Second},
				observe.AttemptStart{Provider: "test", Method: "GET", Route: route, Attempt: 2, Waited: 2 * time.Second},
				observe.AttemptEnd{Provider: "test", Method: "GET", Route: route, Attempt: 2, StatusCode: 200, RequestID: "req-2", Outcome: "ok"},
				observe.CallEnd{Provider: "test", Method: "GET", Route: route, Attempts: 2, StatusCode: 200, RequestID: "req-2", Outcome: "ok"},
			},
		},
		{
			name:  "an error answer",
			steps: []httpmock.Responder{httpmock.NewStringResponder(404, `{}`).HeaderSet(http.Header{"X-Request-Id": {"req-1"}})},
			want: []any{
				observe.CallStart{Provider: "test", Method: "GET", Route: route},
				observe.AttemptStart{Provider: "test", Method: "GET", Route: route, Attempt: 1},
				observe.AttemptEnd{Provider: "test", Method: "GET", Route: route, Attempt: 1, StatusCode: 404, RequestID: "req-1", Outcome: "not_found"},
				observe.CallEnd{Provider: "test", Method: "GET", Route: route, Attempts: 1, StatusCode: 404, RequestID: "req-1", Outcome: "not_found"},
			},
		},
		{
			name:  "network failures until the policy gives up",
			steps: []httpmock.Responder{httpmock.NewErrorResponder(errReset)},
			want: []any{
				observe.CallStart{Provider: "test", Method: "GET", Route: route},
				observe.AttemptStart{Provider: "test", Method: "GET", Route: route, Attempt: 1},
				observe.AttemptEnd{Provider: "test", Method: "GET", Route: route, Attempt: 1, Outcome: "unavailable", RetryReason: observe.RetryNetwork, RetryWait: 200 * time.Millisecond},
				observe.AttemptStart{Provider: "test", Method: "GET", Route: route, Attempt: 2, Waited: 200 * time.Millisecond},
				observe.AttemptEnd{Provider: "test", Method: "GET", Route: route, Attempt: 2, Outcome: "unavailable", RetryReason: observe.RetryNetwork, RetryWait: 400 * time.Millisecond},
				observe.AttemptStart{Provider: "test", Method: "GET", Route: route, Attempt: 3, Waited: 400 * time.Millisecond},
				observe.AttemptEnd{Provider: "test", Method: "GET", Route: route, Attempt: 3, Outcome: "unavailable"},
				observe.CallEnd{Provider: "test", Method: "GET", Route: route, Attempts: 3, Outcome: "unavailable"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			f := newFixture(t, withObserver(rec))
			f.mt.RegisterResponder("GET", base+"/things/7", sequence(tt.steps...))
			_, _ = f.c.Do(context.Background(), &Request{Method: "GET", Path: "/things/7", Op: route}, nil)
			require.Equal(t, tt.want, scrub(rec.all()))
		})
	}
}

var errReset = &resetError{}

type resetError struct{}

func (*resetError) Error() string { return "connection reset by peer" }

func TestObserverSeesLimiterWaits(t *testing.T) {
	rec := &recorder{}
	f := newFixture(t, withObserver(rec), func(c *Config) { c.Shared.Limiter = NewLimiter(1000, 1) })
	f.mt.RegisterResponder("POST", base+"/orders", httpmock.NewStringResponder(201, `{}`))
	_, err := f.c.Do(context.Background(), &Request{Method: "POST", Path: "/orders", Op: "POST /orders"}, nil)
	require.NoError(t, err)
	var waits []observe.LimiterWait
	for _, e := range rec.all() {
		if w, ok := e.(observe.LimiterWait); ok {
			waits = append(waits, w)
		}
	}
	require.Equal(t, []observe.LimiterWait{{Provider: "test", Route: "POST /orders", Attempt: 1, Limiter: observe.LimiterPace, Admitted: true}}, waits)
}

func TestRequestIDHeaderIsConfigurable(t *testing.T) {
	tests := []struct {
		name     string
		provider string
		user     string
		want     string
	}{
		{name: "default", want: "from-x-request-id"},
		{name: "provider's own", provider: "X-Trace", want: "from-x-trace"},
		{name: "user's wins", provider: "X-Trace", user: "Cf-Ray", want: "from-cf-ray"},
		{name: "any spelling of the name", user: "cf-RAY", want: "from-cf-ray"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, func(c *Config) { c.RequestIDHeader, c.Shared.RequestIDHeader = tt.provider, tt.user })
			f.mt.RegisterResponder("GET", base+"/x", httpmock.NewStringResponder(404, `{}`).HeaderSet(http.Header{
				"X-Request-Id": {"from-x-request-id"}, "X-Trace": {"from-x-trace"}, "Cf-Ray": {"from-cf-ray"}}))
			resp, err := f.c.Do(context.Background(), &Request{Method: "GET", Path: "/x"}, nil)
			require.Error(t, err)
			require.Equal(t, tt.want, resp.RequestID)
			require.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestLogLinesCarryRouteAttemptAndRequestID(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	f := newFixture(t, func(c *Config) { c.Shared.Logger = logger })
	f.mt.RegisterResponder("GET", base+"/things/7", sequence(
		httpmock.NewStringResponder(503, `{}`).HeaderSet(http.Header{"X-Request-Id": {"req-1"}}),
		httpmock.NewStringResponder(200, `{}`).HeaderSet(http.Header{"X-Request-Id": {"req-2"}}),
	))
	_, err := f.c.Do(context.Background(), &Request{Method: "GET", Path: "/things/7", Op: "GET /things/{id}"}, nil)
	require.NoError(t, err)
	lines := bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n"))
	require.Len(t, lines, 3) // attempt 1, retrying, attempt 2
	for _, want := range [][]string{
		{`"msg":"simkit: attempt"`, `"attempt":1`, `"status":503`, `"request_id":"req-1"`},
		{`"msg":"simkit: retrying"`, `"attempt":1`, `"status":503`, `"request_id":"req-1"`},
		{`"msg":"simkit: attempt"`, `"attempt":2`, `"status":200`, `"request_id":"req-2"`},
	} {
		line := string(lines[0])
		lines = lines[1:]
		for _, w := range append(want, `"provider":"test"`, `"route":"GET /things/{id}"`) {
			require.Contains(t, line, w)
		}
	}
}

func TestNoObserverIsTheDefault(t *testing.T) {
	f := newFixture(t)
	require.Nil(t, f.c.Observer())
	f2 := newFixture(t, withObserver(&recorder{}))
	require.NotNil(t, f2.c.Observer())
}

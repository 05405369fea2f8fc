package transport

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/retry"
)

// dropServer answers /warm normally and, for /buy, does the work (counts
// it) and then kills the connection without answering: the failure that
// makes net/http replay a GET sent on a reused keep-alive connection.
func dropServer(t *testing.T, mode string) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var bought atomic.Int32
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/warm" {
			_, _ = w.Write([]byte(`{}`))
			return
		}
		bought.Add(1)
		if hj, ok := w.(http.Hijacker); ok {
			conn, _, err := hj.Hijack()
			if err == nil {
				_ = conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler) // HTTP/2: reset the stream
	})
	srv := httptest.NewUnstartedServer(h)
	switch mode {
	case "http/1.1":
		srv.Start()
	case "tls":
		srv.StartTLS()
	case "h2":
		srv.EnableHTTP2 = true
		srv.StartTLS()
	}
	t.Cleanup(srv.Close)
	return srv, &bought
}

func TestNotIdempotentReachesTheProviderAtMostOnce(t *testing.T) {
	for _, mode := range []string{"http/1.1", "tls", "h2"} {
		for _, reused := range []bool{false, true} {
			name := mode + "/fresh"
			if reused {
				name = mode + "/reused"
			}
			t.Run(name, func(t *testing.T) {
				srv, bought := dropServer(t, mode)
				rt := srv.Client().Transport.(*http.Transport)
				if mode == "h2" {
					rt.ForceAttemptHTTP2 = true
				}
				c, err := New(Config{Provider: "test", BaseURL: srv.URL, Shared: option.Shared{
					Transport: rt, Retry: retry.Policy{MaxAttempts: 3, Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() }},
				}})
				require.NoError(t, err)
				ctx := context.Background()
				if reused {
					_, err := c.Do(ctx, &Request{Method: http.MethodGet, Path: "/warm"}, nil)
					require.NoError(t, err)
				}
				_, err = c.Do(ctx, &Request{Method: http.MethodGet, Path: "/buy", Idempotency: NotIdempotent}, nil)
				require.Error(t, err)
				require.Equal(t, int32(1), bought.Load(), "the buy reached the provider more than once")
				require.True(t, Ambiguous(err), "a dropped answer after sending is ambiguous: %v", err)
				require.ErrorIs(t, err, apierror.ErrUnavailable)
			})
		}
	}
}

// TestPlainGETIsReplayedOnReusedConnection shows what the at-most-once
// marking prevents: without it, net/http sends the dropped GET again by
// itself on a reused HTTP/1.1 connection.
func TestPlainGETIsReplayedOnReusedConnection(t *testing.T) {
	srv, bought := dropServer(t, "http/1.1")
	c, err := New(Config{Provider: "test", BaseURL: srv.URL, Shared: option.Shared{Transport: srv.Client().Transport, Retry: retry.Never()}})
	require.NoError(t, err)
	_, err = c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/warm"}, nil)
	require.NoError(t, err)
	_, err = c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/buy"}, nil)
	require.Error(t, err)
	require.Equal(t, int32(2), bought.Load(), "net/http's own replay of an idle-connection GET")
}

// TestOnceGETSendsNoBody checks that the unrewindable body the marking adds
// is invisible on the wire: the provider sees a plain GET.
func TestOnceGETSendsNoBody(t *testing.T) {
	var got atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Store(strings.Join([]string{r.Method, r.Header.Get("Content-Length"), strings.Join(r.TransferEncoding, ",")}, "|"))
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	t.Cleanup(srv.Close)
	c, err := New(Config{Provider: "test", BaseURL: srv.URL})
	require.NoError(t, err)
	var out struct{ OK bool }
	_, err = c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/buy", Idempotency: NotIdempotent}, &out)
	require.NoError(t, err)
	require.True(t, out.OK)
	require.Equal(t, "GET||", got.Load())
}

// TestTransportFailureNamesTheRouteNotThePath: net/http's error quotes the
// URL, which holds ICCIDs and phone numbers; errors and logs get the route
// template instead, for every provider.
func TestTransportFailureNamesTheRouteNotThePath(t *testing.T) {
	srv, _ := dropServer(t, "http/1.1")
	var logs strings.Builder
	c, err := New(Config{Provider: "test", BaseURL: srv.URL, Shared: option.Shared{
		Retry:  retry.Never(),
		Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}})
	require.NoError(t, err)
	_, err = c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/v1/user/reuse/telegram/79001234567", Op: "GET /v1/user/reuse/{product}/{number}", Idempotency: NotIdempotent}, nil)
	require.Error(t, err)
	require.Contains(t, err.Error(), "/v1/user/reuse/{product}/{number}")
	for _, leak := range []string{"79001234567", "telegram", srv.URL} {
		require.NotContains(t, err.Error(), leak)
		require.NotContains(t, logs.String(), leak)
	}
}

// TestNotIdempotentBodyIsSentWholeAndNeverReplayed: the unrewindable body
// still carries the caller's bytes, and a request net/http would otherwise
// replay from its rewindable body (a POST with an Idempotency-Key header, on
// a reused connection that dies after the write) reaches the provider once.
func TestNotIdempotentBodyIsSentWholeAndNeverReplayed(t *testing.T) {
	t.Run("body arrives", func(t *testing.T) {
		var got atomic.Value
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			got.Store(string(b))
			_, _ = w.Write([]byte(`{}`))
		}))
		t.Cleanup(srv.Close)
		c, err := New(Config{Provider: "test", BaseURL: srv.URL})
		require.NoError(t, err)
		_, err = c.Do(context.Background(), &Request{Method: http.MethodPost, Path: "/buy", Body: []byte(`{"qty":1}`), ContentType: "application/json", Idempotency: NotIdempotent}, nil)
		require.NoError(t, err)
		require.Equal(t, `{"qty":1}`, got.Load())
	})
	t.Run("never replayed", func(t *testing.T) {
		srv, bought := dropServer(t, "http/1.1")
		c, err := New(Config{Provider: "test", BaseURL: srv.URL, Shared: option.Shared{Transport: srv.Client().Transport, Retry: retry.Never()}})
		require.NoError(t, err)
		ctx := context.Background()
		_, err = c.Do(ctx, &Request{Method: http.MethodGet, Path: "/warm"}, nil)
		require.NoError(t, err)
		_, err = c.Do(ctx, &Request{Method: http.MethodPost, Path: "/buy", Body: []byte(`{"qty":1}`), ContentType: "application/json",
			Header: http.Header{"Idempotency-Key": {"k1"}}, Idempotency: NotIdempotent}, nil)
		require.Error(t, err)
		require.Equal(t, int32(1), bought.Load(), "net/http replayed the POST from its rewindable body")
	})
}

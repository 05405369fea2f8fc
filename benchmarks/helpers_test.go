// Package benchmarks measures simkit against the floors a hand-written
// client pays: every SDK call has a "resty" twin (resty v2 sending the same
// request with no SDK logic: the SDK's own request path, so SDK/resty is
// the SDK's cost) and a "raw" twin (plain net/http, encoding/json and
// crypto/hmac, the absolute floor). Twins encode and decode the same typed
// structs the SDK does. Sides of a pair run in one loop, in alternating
// blocks (see runPair); run them with -benchtime=1x and read the table with
// scripts/benchtable.
package benchmarks

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-resty/resty/v2"
)

// fixture reads a provider answer from testdata, so both sides of a pair
// decode exactly what the SDK's own tests decode.
func fixture(tb testing.TB, provider, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", provider, name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// routes maps a path suffix to the JSON body answered for it.
type routes map[string][]byte

func (rt routes) body(path string) []byte {
	for suffix, b := range rt {
		if strings.HasSuffix(path, suffix) {
			return b
		}
	}
	return nil
}

// memoryRT answers in memory, so an in-memory pair measures the client
// stack alone: no sockets, no server.
type memoryRT struct{ routes routes }

func (m memoryRT) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		_ = r.Body.Close()
	}
	b := m.routes.body(r.URL.Path)
	status := http.StatusOK
	if b == nil {
		status, b = http.StatusNotFound, []byte(`{"success":false,"message":"no route"}`)
	}
	return &http.Response{
		StatusCode:    status,
		Header:        http.Header{"Content-Type": {"application/json"}},
		Body:          io.NopCloser(bytes.NewReader(b)),
		ContentLength: int64(len(b)),
		Request:       r,
	}, nil
}

// loopback serves routes over a real TCP socket on 127.0.0.1.
func loopback(tb testing.TB, rt routes) *httptest.Server {
	return delayed(tb, rt, 0)
}

// delayed is loopback with the server answering after delay, as a real
// provider takes time to answer.
func delayed(tb testing.TB, rt routes, delay time.Duration) *httptest.Server {
	tb.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if delay > 0 {
			time.Sleep(delay)
		}
		b := rt.body(r.URL.Path)
		if b == nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(b)
	}))
	tb.Cleanup(srv.Close)
	return srv
}

// pooledTransport is the connection pool both sides of a loopback pair
// use, so a difference comes from the client code, not from pool sizes.
func pooledTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 512
	t.MaxIdleConnsPerHost = 512
	t.IdleConnTimeout = 90 * time.Second
	return t
}

// pooled is the RoundTripper maker of a loopback target.
func pooled() http.RoundTripper { return pooledTransport() }

// rawGet is the hand-written GET: build, send, read, close. Decoding is the
// caller's.
func rawGet(ctx context.Context, hc *http.Client, url string, header http.Header) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	return send(hc, req)
}

func send(hc *http.Client, req *http.Request) ([]byte, error) {
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 != 2 {
		return nil, &statusError{resp.StatusCode}
	}
	return b, nil
}

type statusError struct{ code int }

func (e *statusError) Error() string { return http.StatusText(e.code) }

// restyFor is the bare resty client of a twin: resty v2 over the same
// transport, the provider's fixed headers set once, nothing else.
func restyFor(rt http.RoundTripper, header http.Header) *resty.Client {
	c := resty.NewWithClient(&http.Client{Transport: rt})
	for k, v := range header {
		c.Header[k] = v
	}
	return c
}

// restyResult checks a resty answer the way a bare resty client does.
func restyResult(resp *resty.Response, err error) error {
	if err != nil {
		return err
	}
	if resp.IsError() {
		return &statusError{resp.StatusCode()}
	}
	return nil
}

// Package benchmarks measures simkit against the floor a hand-written client
// pays: every SDK benchmark has a "raw" twin doing the same request with
// plain net/http, encoding/json and crypto/hmac. Pairs are named X/sdk and
// X/raw so scripts/benchtable can print their ratio.
package benchmarks

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
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
	tb.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
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

// percentile returns the p-th percentile (0..1) of d, sorting it.
func percentile(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	i := int(float64(len(d)-1) * p)
	return d[i]
}

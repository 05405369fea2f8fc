package partner

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/retry"
	"github.com/simkit/simkit/signing"
)

const (
	testBase   = "https://api.example/v1/partner"
	testToken  = "s2s-token-123"
	testSecret = "partner-secret-xyz"
	seedTS     = 1768478058
	seedSKU    = "019bc0dd-8562-7173-afd9-a5cc534fafb7"
	seedICCID  = "8944422711108338982"
	orderUUID  = "7898e683-4e56-44a3-9782-eca3f758a844"
	productID  = "0a1b2c3d-0000-4000-8000-000000000001"
)

// maxWaits bounds the waits one test's client may make.
const maxWaits = 100

// harness is a client over an httpmock transport with a fixed clock and a
// retry policy that records its waits instead of sleeping.
type harness struct {
	c  *Client
	mt *httpmock.MockTransport

	mu     sync.Mutex
	sleeps []time.Duration
	reqs   []recorded
}

// recorded is one request as the mock server saw it.
type recorded struct {
	Method string
	Path   string
	Query  map[string][]string
	Header http.Header
	Body   []byte
}

func newHarness(t *testing.T, fns ...func(*Options)) *harness {
	t.Helper()
	h := &harness{mt: httpmock.NewMockTransport()}
	pol := retry.Default()
	pol.Sleep = func(_ context.Context, d time.Duration) error {
		h.mu.Lock()
		h.sleeps = append(h.sleeps, d)
		n := len(h.sleeps)
		h.mu.Unlock()
		if n > maxWaits {
			// A retry or look-up loop that never ends would spin here
			// until the test binary times out.
			t.Errorf("more than %d waits: a retry loop does not end", maxWaits)
			return errors.New("too many waits")
		}
		return nil
	}
	all := append([]func(*Options){func(o *Options) {
		o.BaseURL = testBase
		o.Token = signing.NewSecret(testToken)
		o.Secret = signing.NewSecret(testSecret)
		o.Transport = h.mt
		o.Retry = pol
		o.Limiter = option.NoLimit
		o.Now = func() time.Time { return time.Unix(seedTS, 0) }
	}}, fns...)
	c, err := New(all...)
	require.NoError(t, err)
	h.c = c
	return h
}

// on registers a responder that records the request and answers status with
// the named fixture ("" for an empty body).
func (h *harness) on(t *testing.T, method, path string, status int, name string) {
	t.Helper()
	body := []byte{}
	if name != "" {
		body = fixture(t, name)
	}
	h.onFunc(method, path, func(*http.Request) (*http.Response, error) {
		return jsonResponse(status, body), nil
	})
}

// onFunc registers a recording responder running fn.
func (h *harness) onFunc(method, path string, fn func(*http.Request) (*http.Response, error)) {
	h.mt.RegisterResponder(method, testBase+path, func(r *http.Request) (*http.Response, error) {
		h.record(r)
		return fn(r)
	})
}

func (h *harness) record(r *http.Request) {
	var b []byte
	if r.Body != nil {
		b, _ = io.ReadAll(r.Body)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.reqs = append(h.reqs, recorded{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header.Clone(), Body: b})
}

func (h *harness) requests() []recorded {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]recorded(nil), h.reqs...)
}

func (h *harness) count(method string) int {
	n := 0
	for _, r := range h.requests() {
		if r.Method == method {
			n++
		}
	}
	return n
}

func jsonResponse(status int, body []byte) *http.Response {
	resp := httpmock.NewBytesResponse(status, body)
	resp.Header.Set("Content-Type", "application/json")
	return resp
}

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("../testdata/partner/" + name)
	require.NoError(t, err)
	return b
}

// hmacHex is an independent HMAC-SHA256, so signature tests do not only
// compare the signing package with itself.
func hmacHex(key, msg string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(msg))
	return hex.EncodeToString(m.Sum(nil))
}

func readCloser(b []byte) io.ReadCloser { return io.NopCloser(bytes.NewReader(b)) }

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

package smsnumbers

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
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
	testBase  = "https://sms.test"
	testToken = "tok-secret-123"
)

// fixture reads testdata/smsnumbers/name.
func fixture(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "smsnumbers", name))
	require.NoError(t, err)
	return string(b)
}

// sent is one request the mock received.
type sent struct {
	Method string
	Path   string
	Query  map[string][]string
	Header http.Header
	Body   []byte
}

// harness is a client wired to an httpmock transport, a recording sleeper
// and no pacing.
type harness struct {
	c  *Client
	mt *httpmock.MockTransport

	mu     sync.Mutex
	reqs   []sent
	sleeps []time.Duration
}

func newHarness(t testing.TB, fns ...func(*Options)) *harness {
	t.Helper()
	h := &harness{mt: httpmock.NewMockTransport()}
	c, err := New(append([]func(*Options){func(o *Options) {
		o.BaseURL = testBase
		o.Token = signing.NewSecret(testToken)
		o.Transport = h.mt
		o.Limiter = option.NoLimit
		o.Retry = retry.Policy{
			MaxAttempts: 3, BaseDelay: 200 * time.Millisecond, MaxDelay: 5 * time.Second,
			RateLimitDelay: time.Second, NoJitter: true,
			Sleep: func(ctx context.Context, d time.Duration) error {
				h.mu.Lock()
				h.sleeps = append(h.sleeps, d)
				h.mu.Unlock()
				return ctx.Err()
			},
		}
	}}, fns...)...)
	require.NoError(t, err)
	h.c = c
	return h
}

// reply answers every request with the given responses in turn (the last
// one repeats), recording each request.
func (h *harness) reply(responses ...func() *http.Response) {
	n := 0
	h.mt.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
		var body []byte
		if req.Body != nil {
			body, _ = io.ReadAll(req.Body)
		}
		h.mu.Lock()
		h.reqs = append(h.reqs, sent{Method: req.Method, Path: req.URL.EscapedPath(), Query: req.URL.Query(), Header: req.Header.Clone(), Body: body})
		i := n
		if i >= len(responses) {
			i = len(responses) - 1
		}
		n++
		h.mu.Unlock()
		return responses[i](), nil
	})
}

func (h *harness) requests() []sent {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]sent(nil), h.reqs...)
}

func (h *harness) recordedSleeps() []time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]time.Duration(nil), h.sleeps...)
}

// text builds a response with a plain-text (or JSON) body.
func text(status int, body string) func() *http.Response {
	return func() *http.Response {
		r := httpmock.NewStringResponse(status, body)
		r.Header.Set("Content-Type", "application/json")
		return r
	}
}

// redirect builds a 302 to loc.
func redirect(loc string) func() *http.Response {
	return func() *http.Response {
		r := httpmock.NewStringResponse(http.StatusFound, "")
		r.Header.Set("Location", loc)
		return r
	}
}

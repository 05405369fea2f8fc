package topups

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/internal/fakeclock"
	"github.com/simkit/simkit/retry"
	"github.com/simkit/simkit/signing"
	"github.com/simkit/simkit/store"
)

const (
	testBase    = "https://topups.test"
	testRenewal = "https://renew.test"
	testICCID   = "89852341234567890123"
	tokenURL    = testBase + "/customer/v2/token"
)

// clock is the project's fake clock, shared by the client and its memory
// store.
type clock = fakeclock.Clock

// env is one client wired to an httpmock transport, an injected clock and
// a recording sleeper, so no test touches the network or waits.
type env struct {
	c      *Client
	mt     *httpmock.MockTransport
	clock  *clock
	sleeps *[]time.Duration
	tokens atomic.Int64 // tokens issued by the default token responder
}

func newEnv(t *testing.T, extra ...func(*Options)) *env {
	t.Helper()
	e := &env{mt: httpmock.NewMockTransport(), clock: fakeclock.At(time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC))}
	var mu sync.Mutex
	sleeps := []time.Duration{}
	e.sleeps = &sleeps
	fns := []func(*Options){func(o *Options) {
		o.BaseURL = testBase
		o.ClientID = "client-1"
		o.ClientSecret = signing.NewSecret("s3cret-value")
		o.Transport = e.mt
		o.Now = e.clock.Now
		o.Store = store.NewMemory(func(mo *store.MemoryOptions) { mo.Now = e.clock.Now })
		o.Retry = retry.Policy{Sleep: func(_ context.Context, d time.Duration) error {
			mu.Lock()
			defer mu.Unlock()
			sleeps = append(sleeps, d)
			return nil
		}}
	}}
	c, err := New(append(fns, extra...)...)
	require.NoError(t, err)
	e.c = c
	e.mt.RegisterResponder(http.MethodPost, tokenURL, func(*http.Request) (*http.Response, error) {
		n := e.tokens.Add(1)
		return httpmock.NewStringResponse(200, `{"data":{"token_type":"Bearer","expires_in":3600,"access_token":"tok-`+strconv.FormatInt(n, 10)+`"}}`), nil
	})
	return e
}

// calls returns how many requests reached "METHOD URL".
func (e *env) calls(method, url string) int { return e.mt.GetCallCountInfo()[method+" "+url] }

func fixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "topups", name))
	require.NoError(t, err)
	return string(b)
}

// jsonResponder answers with status and body, JSON content type.
func jsonResponder(status int, body string) httpmock.Responder {
	return func(*http.Request) (*http.Response, error) {
		r := httpmock.NewStringResponse(status, body)
		r.Header.Set("Content-Type", "application/json")
		return r, nil
	}
}

// fixtureText reads a fixture for use in table literals (no *testing.T yet).
func fixtureText(name string) string {
	b, err := os.ReadFile(filepath.Join("..", "testdata", "topups", name))
	if err != nil {
		return "missing fixture " + name
	}
	return string(b)
}

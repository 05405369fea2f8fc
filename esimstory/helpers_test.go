package esimstory_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/esimstory"
	"github.com/simkit/simkit/internal/fakeclock"
	"github.com/simkit/simkit/retry"
	"github.com/simkit/simkit/signing"
)

const (
	testAccessKey = "AK-test-123"
	testRawSecret = "super-secret-signing-key"
	ordersURL     = "https://api.esimstory.com/api/v1/api_partner/orders"
	optionA       = "a1b2c3d4-e5f6-7890-abcd-ef1234567890"
	optionB       = "b2c3d4e5-f6a7-8901-bcde-f12345678901"
)

// testSecret is the base64 secret key the provider would hand out.
var testSecret = signing.NewSecret(base64.StdEncoding.EncodeToString([]byte(testRawSecret)))

// fakeClock is the project's fake clock; retry sleeps advance it.
type fakeClock = fakeclock.Clock

func newClock() *fakeClock { return fakeclock.At(time.Unix(1768478058, 0).UTC()) }

// testClient builds a client over mt whose retry sleeps advance clock
// instead of waiting.
func testClient(t *testing.T, mt *httpmock.MockTransport, clock *fakeClock, fns ...func(*esimstory.Options)) *esimstory.Client {
	t.Helper()
	base := []func(*esimstory.Options){func(o *esimstory.Options) {
		o.AccessKey = signing.NewSecret(testAccessKey)
		o.SecretKey = testSecret
		o.Transport = mt
		o.Now = clock.Now
		p := retry.Default()
		p.NoJitter = true
		p.Sleep = func(_ context.Context, d time.Duration) error {
			clock.Advance(d)
			return nil
		}
		o.Retry = p
	}}
	c, err := esimstory.New(append(base, fns...)...)
	require.NoError(t, err)
	return c
}

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "esimstory", name))
	require.NoError(t, err)
	return b
}

// jsonResponder answers status with a fixture body and records each
// request's headers.
func jsonResponder(status int, body []byte, seen *[]http.Header) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		if seen != nil {
			*seen = append(*seen, req.Header.Clone())
		}
		resp := httpmock.NewBytesResponse(status, body)
		resp.Header.Set("Content-Type", "application/json")
		return resp, nil
	}
}

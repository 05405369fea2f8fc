// Package peers measures other Go SDKs the way simkit is measured: each
// peer call beside a raw net/http twin that sends the same request and
// decodes the same typed struct. It is a module of its own, so simkit's
// go.mod never gains a peer's dependencies.
package peers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v82"

	"github.com/simkit/simkit/benchmarks/internal/pair"
)

const stripeKey = "sk_test_bench_0123456789"

// memoryRT answers every request with body, in memory, so a pair measures
// the client stack alone.
type memoryRT struct{ body []byte }

func (m memoryRT) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		_ = r.Body.Close()
	}
	return &http.Response{
		StatusCode:    http.StatusOK,
		Header:        http.Header{"Content-Type": {"application/json"}, "Request-Id": {"req_bench"}},
		Body:          io.NopCloser(bytes.NewReader(m.body)),
		ContentLength: int64(len(m.body)),
		Request:       r,
	}, nil
}

// BenchmarkPeer is stripe-go's Balance.Retrieve (GET /v1/balance) against
// the same request by hand, decoding into stripe.Balance.
func BenchmarkPeer(b *testing.B) {
	body, err := os.ReadFile("testdata/balance.json")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("stripe-go/balance/mem", func(b *testing.B) {
		const base = "https://api.stripe.test"
		backends := stripe.NewBackendsWithConfig(&stripe.BackendConfig{
			HTTPClient:    &http.Client{Transport: memoryRT{body}},
			URL:           stripe.String(base),
			LeveledLogger: &stripe.LeveledLogger{Level: stripe.LevelNull},
		})
		sc := stripe.NewClient(stripeKey, stripe.WithBackends(backends))
		hc := &http.Client{Transport: memoryRT{body}}
		sdk := func(ctx context.Context) error {
			bal, err := sc.V1Balance.Retrieve(ctx, nil)
			if err == nil && len(bal.Available) == 0 {
				err = errors.New("no balance")
			}
			return err
		}
		raw := func(ctx context.Context) error {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/v1/balance", nil)
			if err != nil {
				return err
			}
			req.Header.Set("Authorization", "Bearer "+stripeKey)
			resp, err := hc.Do(req)
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			ans, err := io.ReadAll(resp.Body)
			if err != nil {
				return err
			}
			if resp.StatusCode != http.StatusOK {
				return errors.New(resp.Status)
			}
			var bal stripe.Balance
			if err := json.Unmarshal(ans, &bal); err != nil {
				return err
			}
			if len(bal.Available) == 0 {
				return errors.New("no balance")
			}
			return nil
		}
		pair.MustPass(b, "sdk", sdk)
		pair.MustPass(b, "raw", raw)
		pair.Run(b, pair.Config{Block: 10 * time.Millisecond}, pair.Serial("sdk", sdk), pair.Serial("raw", raw))
	})
}

package benchmarks

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/simkit/simkit/esimstory"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/partner"
	"github.com/simkit/simkit/signing"
	"github.com/simkit/simkit/smsnumbers"
	"github.com/simkit/simkit/topups"
)

const (
	benchToken      = "tok-bench-0123456789"
	benchSecret     = "partner-secret-0123456789abcdef"
	benchAccessKey  = "AK123"
	benchICCID      = "8944422711108338982"
	benchSKU        = "019bc0dd-8562-7173-afd9-a5cc534fafb7"
	esimOrdersPath  = "/api/v1/api_partner/orders"
	esimOptionID    = "a1b2c3d4-e5f6-7890-abcd-ef1234567890"
	topupsTokenPath = "/customer/v2/token"
)

// esimKey is the eSIM Story secret before base64, which keys its MAC.
var esimKey = []byte("esim-story-raw-key-0123456789")

// call is one request of a pair; both sides take the same context.
type call func(ctx context.Context) error

// target is where a pair's requests go: an in-memory RoundTripper or a
// loopback server. Each side gets its own transport (same settings).
type target struct {
	name string
	base string
	rt   func() http.RoundTripper
}

func targets(b *testing.B, rt routes) []target {
	srv := loopback(b, rt)
	return []target{
		{name: "mem", base: "https://api.test", rt: func() http.RoundTripper { return memoryRT{rt} }},
		{name: "loop", base: srv.URL, rt: func() http.RoundTripper { return pooledTransport() }},
	}
}

// runPair runs sdk and raw as the sub-benchmarks X/sdk and X/raw.
func runPair(b *testing.B, sdk, raw call) {
	for _, side := range []struct {
		name string
		fn   call
	}{{"sdk", sdk}, {"raw", raw}} {
		b.Run(side.name, func(b *testing.B) {
			ctx := context.Background()
			if err := side.fn(ctx); err != nil { // warm pools and caches
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := side.fn(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// partnerEnvelope is what a hand-written client decodes a Partner answer into.
type partnerEnvelope[T any] struct {
	Success bool `json:"success"`
	Data    T    `json:"data"`
}

func partnerClient(b *testing.B, base string, rt http.RoundTripper) *partner.Client {
	c, err := partner.New(func(o *partner.Options) {
		o.BaseURL = base + "/v1/partner"
		o.Token = signing.NewSecret(benchToken)
		o.Secret = signing.NewSecret(benchSecret)
		o.Shared.Transport = rt
	})
	if err != nil {
		b.Fatal(err)
	}
	return c
}

var partnerHeader = http.Header{"Authorization": {"Bearer " + benchToken}, "Accept": {"application/json"}}

func BenchmarkGet(b *testing.B) {
	b.Run("partner", func(b *testing.B) {
		rt := routes{"/balance": fixture(b, "partner", "balance.json")}
		for _, tg := range targets(b, rt) {
			b.Run(tg.name, func(b *testing.B) {
				c := partnerClient(b, tg.base, tg.rt())
				hc := &http.Client{Transport: tg.rt()}
				url := tg.base + "/v1/partner/balance"
				runPair(b, func(ctx context.Context) error {
					_, err := c.Balance(ctx)
					return err
				}, func(ctx context.Context) error {
					body, err := rawGet(ctx, hc, url, partnerHeader)
					if err != nil {
						return err
					}
					var env partnerEnvelope[*partner.Balance]
					if err := json.Unmarshal(body, &env); err != nil {
						return err
					}
					if !env.Success {
						return errors.New("success false")
					}
					return nil
				})
			})
		}
	})
	b.Run("smsnumbers", func(b *testing.B) {
		rt := routes{"/v1/user/profile": fixture(b, "smsnumbers", "profile.json")}
		for _, tg := range targets(b, rt) {
			b.Run(tg.name, func(b *testing.B) {
				c, err := smsnumbers.New(func(o *smsnumbers.Options) {
					o.BaseURL = tg.base
					o.Token = signing.NewSecret(benchToken)
					o.Shared.Transport = tg.rt()
					o.Shared.Limiter = option.NoLimit // pacing would measure the limiter
				})
				if err != nil {
					b.Fatal(err)
				}
				hc := &http.Client{Transport: tg.rt()}
				url := tg.base + "/v1/user/profile"
				hdr := http.Header{"Authorization": {"Bearer " + benchToken}, "Accept": {"application/json"}}
				runPair(b, func(ctx context.Context) error {
					_, err := c.Profile(ctx)
					return err
				}, func(ctx context.Context) error {
					body, err := rawGet(ctx, hc, url, hdr)
					if err != nil {
						return err
					}
					var p smsnumbers.Profile
					return json.Unmarshal(body, &p)
				})
			})
		}
	})
	b.Run("topups", func(b *testing.B) {
		rt := routes{
			topupsTokenPath: fixture(b, "topups", "token.json"),
			"/topups":       fixture(b, "topups", "topup_packages.json"),
		}
		for _, tg := range targets(b, rt) {
			b.Run(tg.name, func(b *testing.B) {
				c, err := topups.New(func(o *topups.Options) {
					o.BaseURL = tg.base
					o.ClientID = "client"
					o.ClientSecret = signing.NewSecret("client-secret")
					o.Shared.Transport = tg.rt()
				})
				if err != nil {
					b.Fatal(err)
				}
				hc := &http.Client{Transport: tg.rt()}
				url := tg.base + "/customer/v2/sims/" + benchICCID + "/topups"
				// The raw side holds its token in a variable, as a
				// hand-written client would; the SDK's comes from its Store
				// (cached by runPair's warm-up call).
				hdr := http.Header{"Authorization": {"Bearer tok-1-abcdef"}, "Accept": {"application/json"}}
				runPair(b, func(ctx context.Context) error {
					_, err := c.TopupPackages(ctx, benchICCID)
					return err
				}, func(ctx context.Context) error {
					body, err := rawGet(ctx, hc, url, hdr)
					if err != nil {
						return err
					}
					var out struct {
						Data []topups.Package `json:"data"`
					}
					return json.Unmarshal(body, &out)
				})
			})
		}
	})
	b.Run("esimstory-post", func(b *testing.B) {
		rt := routes{"/v1/api_partner/orders": fixture(b, "esimstory", "order_qty3.json")}
		for _, tg := range targets(b, rt) {
			b.Run(tg.name, func(b *testing.B) {
				c, err := esimstory.New(func(o *esimstory.Options) {
					o.BaseURL = tg.base + "/api"
					o.AccessKey = benchAccessKey
					o.SecretKey = signing.NewSecret(base64.StdEncoding.EncodeToString(esimKey))
					o.Shared.Transport = tg.rt()
				})
				if err != nil {
					b.Fatal(err)
				}
				hc := &http.Client{Transport: tg.rt()}
				url := tg.base + esimOrdersPath
				params := esimstory.CreateOrderParams{ExternalOrderID: "ORD-1", Products: []esimstory.OrderProductParams{{OptionID: esimOptionID, Qty: 3}}}
				runPair(b, func(ctx context.Context) error {
					_, err := c.CreateOrder(ctx, params)
					return err
				}, func(ctx context.Context) error {
					body, err := json.Marshal(map[string]any{"external_order_id": params.ExternalOrderID, "products": params.Products})
					if err != nil {
						return err
					}
					req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
					if err != nil {
						return err
					}
					ts := strconv.FormatInt(time.Now().Unix(), 10)
					m := hmac.New(sha256.New, esimKey)
					m.Write([]byte("POST\n" + esimOrdersPath + "\n" + ts + "\n" + benchAccessKey))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("Accept", "application/json")
					req.Header.Set(signing.HeaderESIMStoryAccessKey, benchAccessKey)
					req.Header.Set(signing.HeaderESIMStoryTimestamp, ts)
					req.Header.Set(signing.HeaderESIMStorySignature, hex.EncodeToString(m.Sum(nil)))
					ans, err := send(hc, req)
					if err != nil {
						return err
					}
					var out esimstory.Order
					return json.Unmarshal(ans, &out)
				})
			})
		}
	})
}

// BenchmarkSignedPOST is a Partner create order (signed per attempt) against
// the same POST written by hand with crypto/hmac.
func BenchmarkSignedPOST(b *testing.B) {
	rt := routes{"/orders": fixture(b, "partner", "order_created.json")}
	for _, tg := range targets(b, rt) {
		b.Run("partner/"+tg.name, func(b *testing.B) {
			c := partnerClient(b, tg.base, tg.rt())
			hc := &http.Client{Transport: tg.rt()}
			url := tg.base + "/v1/partner/orders"
			params := partner.CreateOrderParams{ExternalID: "ORD-12345", Item: partner.OrderItemParams{SKUID: benchSKU, Quantity: 1}}
			key := []byte(benchSecret)
			runPair(b, func(ctx context.Context) error {
				_, err := c.CreateOrder(ctx, params)
				return err
			}, func(ctx context.Context) error {
				body, err := json.Marshal(map[string]any{
					"external_id": params.ExternalID,
					"item":        map[string]any{"sku_id": params.Item.SKUID, "quantity": params.Item.Quantity},
				})
				if err != nil {
					return err
				}
				req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
				if err != nil {
					return err
				}
				ts := strconv.FormatInt(time.Now().Unix(), 10)
				m := hmac.New(sha256.New, key)
				m.Write([]byte(ts + params.Item.SKUID + params.ExternalID))
				for k, v := range partnerHeader {
					req.Header[k] = v
				}
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set(signing.HeaderTimestamp, ts)
				req.Header.Set(signing.HeaderSignature, hex.EncodeToString(m.Sum(nil)))
				ans, err := send(hc, req)
				if err != nil {
					return err
				}
				var env partnerEnvelope[*partner.Order]
				if err := json.Unmarshal(ans, &env); err != nil {
					return err
				}
				if !env.Success || env.Data == nil {
					return errors.New("no order")
				}
				return nil
			})
		})
	}
}

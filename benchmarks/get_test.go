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

	"github.com/simkit/simkit/benchmarks/internal/pair"
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
	topupsToken     = "tok-1-abcdef" // testdata/topups/token.json
)

// esimKey is the eSIM Story secret before base64, which keys its MAC.
var esimKey = []byte("esim-story-raw-key-0123456789")

// call is one operation of one side.
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
		{name: "loop", base: srv.URL, rt: pooled},
	}
}

// cfgFor is the pair configuration of a target. A loopback call costs ten
// times an in-memory one, so its blocks are longer, and it runs on one P:
// client and server goroutines then hand over on one thread instead of
// waking each other across cores, which halved the spread of its
// per-round ratios on a loaded machine.
func cfgFor(tg target) pair.Config {
	if tg.name == "loop" {
		return pair.Config{Block: 10 * time.Millisecond, Procs: 1}
	}
	return pair.Config{}
}

// trio is one typical call three ways: through the SDK, through bare
// resty, through net/http.
type trio struct{ sdk, resty, raw call }

// run checks every side once, then measures them as one pair.
func (t trio) run(b *testing.B, cfg pair.Config) {
	b.Helper()
	pair.MustPass(b, "sdk", t.sdk)
	pair.MustPass(b, "resty", t.resty)
	pair.MustPass(b, "raw", t.raw)
	pair.Run(b, cfg, pair.Serial("sdk", t.sdk), pair.Serial("resty", t.resty), pair.Serial("raw", t.raw))
}

// within makes every side of t call with ctx.
func (t trio) within(ctx context.Context) trio {
	w := func(fn call) call { return func(context.Context) error { return fn(ctx) } }
	return trio{sdk: w(t.sdk), resty: w(t.resty), raw: w(t.raw)}
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

// partnerBalance is partner Balance (GET /balance) three ways.
func partnerBalance(b *testing.B, base string, rt func() http.RoundTripper) trio {
	c := partnerClient(b, base, rt())
	rc := restyFor(rt(), partnerHeader)
	hc := &http.Client{Transport: rt()}
	url := base + "/v1/partner/balance"
	return trio{
		sdk: func(ctx context.Context) error {
			_, err := c.Balance(ctx)
			return err
		},
		resty: func(ctx context.Context) error {
			var env partnerEnvelope[*partner.Balance]
			if err := restyResult(rc.R().SetContext(ctx).SetResult(&env).Get(url)); err != nil {
				return err
			}
			if !env.Success || env.Data == nil {
				return errors.New("no balance")
			}
			return nil
		},
		raw: func(ctx context.Context) error {
			body, err := rawGet(ctx, hc, url, partnerHeader)
			if err != nil {
				return err
			}
			var env partnerEnvelope[*partner.Balance]
			if err := json.Unmarshal(body, &env); err != nil {
				return err
			}
			if !env.Success || env.Data == nil {
				return errors.New("no balance")
			}
			return nil
		},
	}
}

// BenchmarkGet is one typical call per provider, in memory (client stack
// only) and over loopback.
func BenchmarkGet(b *testing.B) {
	b.Run("partner", func(b *testing.B) {
		rt := routes{"/balance": fixture(b, "partner", "balance.json")}
		for _, tg := range targets(b, rt) {
			b.Run(tg.name, func(b *testing.B) { partnerBalance(b, tg.base, tg.rt).run(b, cfgFor(tg)) })
		}
		// The caller's own deadline comes before the client's timeout (30 s
		// by default), as with a request-scoped context in a server: the
		// SDK then sets no timer of its own. Every side gets that context.
		b.Run("mem-deadline", func(b *testing.B) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			t := partnerBalance(b, "https://api.test", func() http.RoundTripper { return memoryRT{rt} })
			t.within(ctx).run(b, pair.Config{})
		})
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
				hdr := http.Header{"Authorization": {"Bearer " + benchToken}, "Accept": {"application/json"}}
				rc := restyFor(tg.rt(), hdr)
				hc := &http.Client{Transport: tg.rt()}
				url := tg.base + "/v1/user/profile"
				trio{
					sdk: func(ctx context.Context) error {
						_, err := c.Profile(ctx)
						return err
					},
					resty: func(ctx context.Context) error {
						var p smsnumbers.Profile
						return restyResult(rc.R().SetContext(ctx).SetResult(&p).Get(url))
					},
					raw: func(ctx context.Context) error {
						body, err := rawGet(ctx, hc, url, hdr)
						if err != nil {
							return err
						}
						var p smsnumbers.Profile
						return json.Unmarshal(body, &p)
					},
				}.run(b, cfgFor(tg))
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
				// The twins hold the token in a variable, as a hand-written
				// client would; the SDK's comes from its Store (cached by
				// the check run before the pair).
				hdr := http.Header{"Authorization": {"Bearer " + topupsToken}, "Accept": {"application/json"}}
				rc := restyFor(tg.rt(), hdr)
				hc := &http.Client{Transport: tg.rt()}
				url := tg.base + "/customer/v2/sims/" + benchICCID + "/topups"
				type answer struct {
					Data []topups.Package `json:"data"`
				}
				trio{
					sdk: func(ctx context.Context) error {
						_, err := c.TopupPackages(ctx, benchICCID)
						return err
					},
					resty: func(ctx context.Context) error {
						var out answer
						return restyResult(rc.R().SetContext(ctx).SetResult(&out).Get(url))
					},
					raw: func(ctx context.Context) error {
						body, err := rawGet(ctx, hc, url, hdr)
						if err != nil {
							return err
						}
						var out answer
						return json.Unmarshal(body, &out)
					},
				}.run(b, cfgFor(tg))
			})
		}
	})
	b.Run("esimstory-post", func(b *testing.B) {
		rt := routes{"/v1/api_partner/orders": fixture(b, "esimstory", "order_qty3.json")}
		for _, tg := range targets(b, rt) {
			b.Run(tg.name, func(b *testing.B) { esimCreateOrder(b, tg).run(b, cfgFor(tg)) })
		}
	})
}

// esimOrderBody and esimOrderAnswer are what a hand-written eSIM Story
// client sends and decodes: the same shapes the SDK uses.
type esimOrderBody struct {
	ExternalOrderID string                         `json:"external_order_id"`
	Products        []esimstory.OrderProductParams `json:"products"`
}

type esimOrderAnswer struct {
	Products []esimstory.OrderedUnit `json:"products"`
}

// esimSign is eSIM Story's signature, computed by hand.
func esimSign(ts string) string {
	m := hmac.New(sha256.New, esimKey)
	m.Write([]byte("POST\n" + esimOrdersPath + "\n" + ts + "\n" + benchAccessKey))
	return hex.EncodeToString(m.Sum(nil))
}

// esimCreateOrder is eSIM Story CreateOrder (signed POST) three ways.
func esimCreateOrder(b *testing.B, tg target) trio {
	c, err := esimstory.New(func(o *esimstory.Options) {
		o.BaseURL = tg.base + "/api"
		o.AccessKey = signing.NewSecret(benchAccessKey)
		o.SecretKey = signing.NewSecret(base64.StdEncoding.EncodeToString(esimKey))
		o.Shared.Transport = tg.rt()
	})
	if err != nil {
		b.Fatal(err)
	}
	hdr := http.Header{"Accept": {"application/json"}, signing.HeaderESIMStoryAccessKey: {benchAccessKey}}
	rc := restyFor(tg.rt(), hdr)
	hc := &http.Client{Transport: tg.rt()}
	url := tg.base + esimOrdersPath
	params := esimstory.CreateOrderParams{ExternalOrderID: "ORD-1", Products: []esimstory.OrderProductParams{{OptionID: esimOptionID, Qty: 3}}}
	check := func(out *esimOrderAnswer) error {
		if len(out.Products) == 0 {
			return errors.New("no products")
		}
		return nil
	}
	return trio{
		sdk: func(ctx context.Context) error {
			_, err := c.CreateOrder(ctx, params)
			return err
		},
		resty: func(ctx context.Context) error {
			ts := strconv.FormatInt(time.Now().Unix(), 10)
			var out esimOrderAnswer
			err := restyResult(rc.R().SetContext(ctx).
				SetHeader(signing.HeaderESIMStoryTimestamp, ts).
				SetHeader(signing.HeaderESIMStorySignature, esimSign(ts)).
				SetBody(esimOrderBody{ExternalOrderID: params.ExternalOrderID, Products: params.Products}).
				SetResult(&out).Post(url))
			if err != nil {
				return err
			}
			return check(&out)
		},
		raw: func(ctx context.Context) error {
			body, err := json.Marshal(esimOrderBody{ExternalOrderID: params.ExternalOrderID, Products: params.Products})
			if err != nil {
				return err
			}
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
			if err != nil {
				return err
			}
			ts := strconv.FormatInt(time.Now().Unix(), 10)
			for k, v := range hdr {
				req.Header[k] = v
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set(signing.HeaderESIMStoryTimestamp, ts)
			req.Header.Set(signing.HeaderESIMStorySignature, esimSign(ts))
			ans, err := send(hc, req)
			if err != nil {
				return err
			}
			var out esimOrderAnswer
			if err := json.Unmarshal(ans, &out); err != nil {
				return err
			}
			return check(&out)
		},
	}
}

// partnerOrderBody is the Partner create-order body a hand-written client
// sends: the same typed shape as the SDK's.
type partnerOrderBody struct {
	ExternalID string `json:"external_id"`
	Item       struct {
		SKUID    string `json:"sku_id"`
		Quantity int    `json:"quantity,omitempty"`
	} `json:"item"`
}

// BenchmarkSignedPOST is a Partner create order (signed per attempt) three
// ways.
func BenchmarkSignedPOST(b *testing.B) {
	rt := routes{"/orders": fixture(b, "partner", "order_created.json")}
	for _, tg := range targets(b, rt) {
		b.Run("partner/"+tg.name, func(b *testing.B) {
			c := partnerClient(b, tg.base, tg.rt())
			rc := restyFor(tg.rt(), partnerHeader)
			hc := &http.Client{Transport: tg.rt()}
			url := tg.base + "/v1/partner/orders"
			params := partner.CreateOrderParams{ExternalID: "ORD-12345", Item: partner.OrderItemParams{SKUID: benchSKU, Quantity: 1}}
			key := []byte(benchSecret)
			sign := func(ts string) string {
				m := hmac.New(sha256.New, key)
				m.Write([]byte(ts + params.Item.SKUID + params.ExternalID))
				return hex.EncodeToString(m.Sum(nil))
			}
			var body partnerOrderBody
			body.ExternalID, body.Item.SKUID, body.Item.Quantity = params.ExternalID, params.Item.SKUID, params.Item.Quantity
			check := func(env *partnerEnvelope[*partner.Order]) error {
				if !env.Success || env.Data == nil {
					return errors.New("no order")
				}
				return nil
			}
			trio{
				sdk: func(ctx context.Context) error {
					_, err := c.CreateOrder(ctx, params)
					return err
				},
				resty: func(ctx context.Context) error {
					ts := strconv.FormatInt(time.Now().Unix(), 10)
					var env partnerEnvelope[*partner.Order]
					err := restyResult(rc.R().SetContext(ctx).
						SetHeader(signing.HeaderTimestamp, ts).
						SetHeader(signing.HeaderSignature, sign(ts)).
						SetBody(&body).SetResult(&env).Post(url))
					if err != nil {
						return err
					}
					return check(&env)
				},
				raw: func(ctx context.Context) error {
					raw, err := json.Marshal(&body)
					if err != nil {
						return err
					}
					req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(raw))
					if err != nil {
						return err
					}
					ts := strconv.FormatInt(time.Now().Unix(), 10)
					for k, v := range partnerHeader {
						req.Header[k] = v
					}
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set(signing.HeaderTimestamp, ts)
					req.Header.Set(signing.HeaderSignature, sign(ts))
					ans, err := send(hc, req)
					if err != nil {
						return err
					}
					var env partnerEnvelope[*partner.Order]
					if err := json.Unmarshal(ans, &env); err != nil {
						return err
					}
					return check(&env)
				},
			}.run(b, cfgFor(tg))
		})
	}
}

// BenchmarkLatency is partner Balance over loopback with the server
// answering after 0, 1 and 20 ms: what share of a real call is the SDK's.
func BenchmarkLatency(b *testing.B) {
	rt := routes{"/balance": fixture(b, "partner", "balance.json")}
	for _, tc := range []struct {
		name  string
		delay time.Duration
		cfg   pair.Config
	}{
		{"0ms", 0, pair.Config{Block: 10 * time.Millisecond, Procs: 1}}, // CPU-bound: judged like Get/*/loop
		{"1ms", time.Millisecond, pair.Config{Block: 20 * time.Millisecond, Rounds: 61, Wall: true}},
		{"20ms", 20 * time.Millisecond, pair.Config{Block: 100 * time.Millisecond, Rounds: 21, Wall: true}},
	} {
		b.Run("partner/"+tc.name, func(b *testing.B) {
			srv := delayed(b, rt, tc.delay)
			partnerBalance(b, srv.URL, pooled).run(b, tc.cfg)
		})
	}
}

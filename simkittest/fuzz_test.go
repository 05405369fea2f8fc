package simkittest

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// The fuzz targets send any method, path, query, header and body to one
// fake behind the front (request ids, journal), as a served fake gets
// them. A valid request is signed (or carries a token) when the input
// says so, so the fuzzer reaches past authentication into every route.
// Nothing may panic, and no input may make a fake answer 5xx: bad input
// gets the provider's 4xx. CI runs each with a bounded -fuzztime.

var fuzzNow = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

type fuzzHarness struct {
	provider string
	h        http.Handler
	// auth adds what a valid caller sends, given the request and its body.
	auth func(r *http.Request, body []byte)
}

func fuzzFront(provider, prefix string, fake http.Handler) http.Handler {
	var ids atomic.Uint64
	return newFront(provider, prefix, &Faults{}, &Journal{}, func() time.Time { return fuzzNow }, &ids, fake)
}

func newFuzzHarness(t testing.TB, provider string) *fuzzHarness {
	now := func() time.Time { return fuzzNow }
	switch provider {
	case ProviderPartner:
		fake := NewPartnerFake(PartnerFakeConfig{Token: FakePartnerToken, Secret: FakePartnerSecret, Now: now})
		t.Cleanup(fake.Close)
		return &fuzzHarness{provider: provider, h: fuzzFront(provider, PartnerPrefix, fake), auth: func(r *http.Request, body []byte) {
			r.Header.Set("Authorization", "Bearer "+FakePartnerToken)
			var in struct {
				ExternalID any `json:"external_id"`
				Item       struct {
					SKUID any `json:"sku_id"`
				} `json:"item"`
			}
			_ = json.Unmarshal(body, &in)
			ts := strconv.FormatInt(fuzzNow.Unix(), 10)
			mid := fmtScalar(in.Item.SKUID)
			if p, ok := strings.CutPrefix(r.URL.Path, PartnerPrefix+"/services/esim/"); ok {
				mid, _, _ = strings.Cut(p, "/")
			}
			mac := hmac.New(sha256.New, []byte(FakePartnerSecret))
			mac.Write([]byte(ts + mid + fmtScalar(in.ExternalID)))
			r.Header.Set("X-Timestamp", ts)
			r.Header.Set("X-Signature", hex.EncodeToString(mac.Sum(nil)))
		}}
	case ProviderSMS:
		fake := NewSMSFake(SMSFakeConfig{Token: FakeSMSToken, Now: now})
		return &fuzzHarness{provider: provider, h: fuzzFront(provider, "", fake), auth: func(r *http.Request, _ []byte) {
			r.Header.Set("Authorization", "Bearer "+FakeSMSToken)
		}}
	case ProviderESIMStory:
		fake := NewESIMStoryFake(ESIMStoryFakeConfig{AccessKey: FakeESIMStoryAccessKey, SecretKey: FakeESIMStorySecretKey, Now: now})
		t.Cleanup(fake.Close)
		key, _ := base64.StdEncoding.DecodeString(FakeESIMStorySecretKey)
		return &fuzzHarness{provider: provider, h: fuzzFront(provider, ESIMStoryPrefix, fake), auth: func(r *http.Request, _ []byte) {
			ts := strconv.FormatInt(fuzzNow.Unix(), 10)
			mac := hmac.New(sha256.New, key)
			mac.Write([]byte(r.Method + "\n" + r.URL.Path + "\n" + ts + "\n" + FakeESIMStoryAccessKey))
			r.Header.Set("X-Esim-Story-Access-Key", FakeESIMStoryAccessKey)
			r.Header.Set("X-Esim-Story-Timestamp", ts)
			r.Header.Set("X-Esim-Story-Signature", hex.EncodeToString(mac.Sum(nil)))
		}}
	default:
		fake := NewTopupsFake(TopupsFakeConfig{ClientID: FakeTopupsClientID, ClientSecret: FakeTopupsClientSecret, RenewalKey: FakeRenewalKey, Now: now, TokenLimit: -1})
		form := url.Values{"client_id": {FakeTopupsClientID}, "client_secret": {FakeTopupsClientSecret}, "grant_type": {"client_credentials"}}
		req := httptest.NewRequest(http.MethodPost, "/customer/v2/token", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		fake.ServeHTTP(rec, req)
		var tok struct {
			Data struct {
				AccessToken string `json:"access_token"`
			} `json:"data"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &tok); err != nil || tok.Data.AccessToken == "" {
			t.Fatalf("no token: %s", rec.Body.String())
		}
		return &fuzzHarness{provider: provider, h: fuzzFront(provider, "", fake), auth: func(r *http.Request, _ []byte) {
			if strings.HasPrefix(r.URL.Path, "/api/third-party/") {
				r.Header.Set("Authorization", "Bearer "+FakeRenewalKey)
				return
			}
			r.Header.Set("Authorization", "Bearer "+tok.Data.AccessToken)
		}}
	}
}

func fmtScalar(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return ""
}

// serve sends one fuzzed request, unless the input is not an HTTP
// request a server would hand to a handler at all.
func (h *fuzzHarness) serve(t *testing.T, method, target, ctype string, auth bool, body []byte) {
	if method == "" || strings.ContainsAny(method, " \t\r\n()<>@,;:\\\"/[]?={}") {
		return
	}
	u, err := url.ParseRequestURI(target)
	if err != nil || !strings.HasPrefix(target, "/") {
		return
	}
	r := &http.Request{Method: method, URL: u, RequestURI: target, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{}, Host: "fake.invalid", ContentLength: int64(len(body))}
	r.Body = http.NoBody
	if len(body) > 0 {
		r.Body = readCloser{bytes.NewReader(body)}
	}
	r = r.WithContext(context.Background())
	if ctype != "" && !strings.ContainsAny(ctype, "\r\n") {
		r.Header.Set("Content-Type", ctype)
	}
	if auth {
		h.auth(r, body)
	}
	rec := httptest.NewRecorder()
	h.h.ServeHTTP(rec, r)
	if rec.Code >= 500 {
		t.Fatalf("%s %s %s (%q): %d %s", h.provider, method, target, body, rec.Code, rec.Body.String())
	}
}

type readCloser struct{ *bytes.Reader }

func (readCloser) Close() error { return nil }

// fuzzSeeds adds every route of the provider with plausible requests,
// and the requests that once crashed a handler.
func fuzzSeeds(f *testing.F, provider string, extra ...[3]string) {
	for _, route := range providerRoutes[provider] {
		method, path, _ := strings.Cut(route, " ")
		path = strings.NewReplacer("{iccid}", TopupsSeedICCID, "{id}", "1", "{uuid}", PartnerSKUVoucher,
			"{country}", "russia", "{operator}", "any", "{product}", "vkontakte", "{number}", "79000000001", "{lang}", "en").Replace(path)
		f.Add(method, path, "application/json", true, []byte(`{}`))
	}
	for _, e := range extra {
		f.Add(e[0], e[1], "application/json", true, []byte(e[2]))
	}
}

func fuzzTarget(f *testing.F, provider string) {
	h := newFuzzHarness(f, provider)
	f.Fuzz(func(t *testing.T, method, target, ctype string, auth bool, body []byte) {
		h.serve(t, method, target, ctype, auth, body)
	})
}

func FuzzPartnerFake(f *testing.F) {
	fuzzSeeds(f, ProviderPartner,
		[3]string{"POST", "/v1/partner/orders", `{"external_id":"e-1","item":{"sku_id":"` + PartnerSKUVoucher + `","quantity":1}}`},
		[3]string{"POST", "/v1/partner/orders", `{"external_id":"e-2","item":{"sku_id":"` + PartnerSKUVoucher + `","quantity":9223372036854775807,"amount":"1e400"}}`},
		[3]string{"GET", "/v1/partner/orders?per_page=9223372036854775807&cursor=eyJvZmZzZXQiOjkyMjMzNzIwMzY4NTQ3NzU4MDd9", ``},
		[3]string{"POST", "/v1/partner/services/esim/89852341234567890123/topup", `{"external_id":"t-1"}`},
	)
	fuzzTarget(f, ProviderPartner)
}

func FuzzSMSFake(f *testing.F) {
	fuzzSeeds(f, ProviderSMS,
		[3]string{"GET", "/v1/user/orders?limit=9223372036854775807&offset=1", ``},
		[3]string{"GET", "/v1/user/payments?limit=9223372036854775807&offset=1", ``},
		[3]string{"GET", "/v1/user/buy/activation/russia/any/vkontakte?maxPrice=NaN", ``},
		[3]string{"GET", "/v1/user/buy/activation/russia/any/vkontakte?maxPrice=1e400", ``},
		[3]string{"POST", "/v1/vendor/withdraw", `{"receiver":"1","method":"visa","amount":"1e400","fee":"unitpay"}`},
		[3]string{"POST", "/v1/user/max-prices", `{"product_name":"vkontakte","price":1e400}`},
		[3]string{"GET", "/404.html", ``},
	)
	fuzzTarget(f, ProviderSMS)
}

func FuzzESIMStoryFake(f *testing.F) {
	fuzzSeeds(f, ProviderESIMStory,
		[3]string{"POST", "/api/v1/api_partner/orders", `{"external_order_id":"x","products":[{"option_id":"` + ESIMStoryOptionA + `","qty":2}]}`},
		[3]string{"POST", "/api/v1/api_partner/orders", `{"external_order_id":1e400,"products":[{"option_id":"` + ESIMStoryOptionA + `","qty":9223372036854775807}]}`},
	)
	fuzzTarget(f, ProviderESIMStory)
}

func FuzzTopupsFake(f *testing.F) {
	fuzzSeeds(f, ProviderTopups,
		[3]string{"GET", "/customer/v2/orders?page=9223372036854775807", ``},
		[3]string{"GET", "/customer/v2/orders?page=9223372036854775807&limit=100", ``},
		[3]string{"GET", "/v2/orders?include=sims,status&filter[created_at]=2026-01-01%20-%202026-12-31", ``},
		[3]string{"POST", "/v2/orders/topups", `{"package_id":"merhaba-7days-1gb-topup","iccid":"89852341234567890123","description":"r"}`},
		[3]string{"POST", "/api/third-party/partner/renew-number/", `{"email":"user@example.com"}`},
	)
	fuzzTarget(f, ProviderTopups)
}

package simkit_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit"
	"github.com/simkit/simkit/esimstory"
	"github.com/simkit/simkit/partner"
	"github.com/simkit/simkit/simkittest"
	"github.com/simkit/simkit/smsnumbers"
	"github.com/simkit/simkit/topups"
)

// attempts is a middleware recording every attempt it sees, with the
// headers it carried, per route path.
type attempts struct {
	mu  sync.Mutex
	got []seenAttempt
}

type seenAttempt struct {
	method, path string
	header       http.Header
}

func (a *attempts) mw(r *http.Request, next simkit.MiddlewareNext) (*http.Response, error) {
	a.mu.Lock()
	a.got = append(a.got, seenAttempt{r.Method, r.URL.Path, r.Header.Clone()})
	a.mu.Unlock()
	return next(r)
}

// to returns the attempts sent to a path ending in suffix.
func (a *attempts) to(method, suffix string) []seenAttempt {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []seenAttempt
	for _, s := range a.got {
		if s.method == method && len(s.path) >= len(suffix) && s.path[len(s.path)-len(suffix):] == suffix {
			out = append(out, s)
		}
	}
	return out
}

func newRawEnv(t *testing.T) (*simkittest.Env, *attempts) {
	t.Helper()
	a := &attempts{}
	env := simkittest.New(t, func(c *simkittest.Config) {
		c.ClientOptions = append(c.ClientOptions, simkit.WithMiddleware(a.mw))
	})
	return env, a
}

// partnerOrderBody is a create-order body as the provider documents it.
func partnerOrderBody(ext string) map[string]any {
	return map[string]any{"external_id": ext, "item": map[string]any{"sku_id": simkittest.PartnerSKUVoucher, "quantity": 1}}
}

func TestDoPartner(t *testing.T) {
	ctx := context.Background()
	env, seen := newRawEnv(t)
	c := env.Client.Partner

	var bal struct {
		Success bool `json:"success"`
		Data    struct {
			Balance decimal.Decimal `json:"balance"`
		} `json:"data"`
	}
	require.NoError(t, c.Do(ctx, http.MethodGet, "/balance", partner.DoParams{}, &bal))
	require.True(t, bal.Success)
	require.True(t, bal.Data.Balance.Equal(env.Partner.Balance()), "a raw read decodes the whole envelope")

	var order struct {
		Data struct {
			ExternalID string `json:"external_id"`
		} `json:"data"`
	}
	ext := "raw-order-1"
	require.NoError(t, c.Do(ctx, http.MethodPost, "/orders", partner.DoParams{
		Body:   partnerOrderBody(ext),
		Signed: []string{simkittest.PartnerSKUVoucher, ext},
	}, &order), "the fake checks the signature over timestamp, sku_id and external_id")
	require.Equal(t, ext, order.Data.ExternalID)
	sent := seen.to(http.MethodPost, "/orders")
	require.Len(t, sent, 1)
	require.NotEmpty(t, sent[0].header.Get("X-Signature"), "the middleware sees the signature")
	require.NotEmpty(t, sent[0].header.Get("X-Timestamp"))
	require.Equal(t, "Bearer "+simkittest.FakePartnerToken, sent[0].header.Get("Authorization"))

	typed, err := c.FindOrderByExternalID(ctx, ext)
	require.NoError(t, err)
	require.Equal(t, ext, typed.ExternalID, "the raw order is the provider's, readable by the typed calls")

	tests := []struct {
		name   string
		method string
		path   string
		p      partner.DoParams
		before func()
		want   error
	}{
		{name: "unsigned order", method: http.MethodPost, path: "/orders", p: partner.DoParams{Body: partnerOrderBody("raw-unsigned")}, want: simkit.ErrUnauthorized},
		{name: "duplicate external id", method: http.MethodPost, path: "/orders",
			p: partner.DoParams{Body: partnerOrderBody(ext), Signed: []string{simkittest.PartnerSKUVoucher, ext}}, want: simkit.ErrConflict},
		{name: "insufficient balance", method: http.MethodPost, path: "/orders",
			p:      partner.DoParams{Body: partnerOrderBody("raw-broke"), Signed: []string{simkittest.PartnerSKUVoucher, "raw-broke"}},
			before: func() { env.Partner.SetBalance(decimal.Zero) }, want: simkit.ErrInsufficientFunds},
		{name: "unknown order", method: http.MethodGet, path: "/orders/00000000-0000-4000-8000-000000000000", want: simkit.ErrNotFound},
		{name: "undocumented route", method: http.MethodGet, path: "/no/such/route", want: simkit.ErrNotFound},
		{name: "bad path is refused before sending", method: http.MethodGet, path: "balance", want: simkit.ErrValidation},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.before != nil {
				tt.before()
			}
			err := c.Do(ctx, tt.method, tt.path, tt.p, nil)
			require.ErrorIs(t, err, tt.want)
			var e *simkit.Error
			require.ErrorAs(t, err, &e)
			require.Equal(t, partner.Provider, e.Provider)
		})
	}
}

func TestDoESIMStory(t *testing.T) {
	ctx := context.Background()
	env, seen := newRawEnv(t)
	c := env.Client.ESIMStory
	body := func(ext string) map[string]any {
		return map[string]any{"external_order_id": ext, "products": []map[string]any{{"option_id": simkittest.ESIMStoryOptionA, "qty": 1}}}
	}

	var out struct {
		Products []struct {
			TopupID  string `json:"topup_id"`
			OptionID string `json:"option_id"`
		} `json:"products"`
	}
	require.NoError(t, c.Do(ctx, http.MethodPost, "/v1/api_partner/orders", esimstory.DoParams{Body: body("raw-es-1")}, &out),
		"the fake checks the signature over method, full path, timestamp and access key")
	require.Len(t, out.Products, 1)
	require.Equal(t, simkittest.ESIMStoryOptionA, out.Products[0].OptionID)
	require.NotEmpty(t, out.Products[0].TopupID)
	sent := seen.to(http.MethodPost, "/v1/api_partner/orders")
	require.Len(t, sent, 1)
	require.NotEmpty(t, sent[0].header.Get("X-Esim-Story-Signature"))

	tests := []struct {
		name         string
		method, path string
		p            esimstory.DoParams
		want         error
	}{
		{name: "duplicate external order id", method: http.MethodPost, path: "/v1/api_partner/orders", p: esimstory.DoParams{Body: body("raw-es-1")}, want: simkit.ErrConflict},
		{name: "unknown option", method: http.MethodPost, path: "/v1/api_partner/orders",
			p: esimstory.DoParams{Body: map[string]any{"external_order_id": "raw-es-2", "products": []map[string]any{{"option_id": "00000000-0000-4000-8000-000000000000", "qty": 1}}}}, want: simkit.ErrNotFound},
		{name: "undocumented route, signed and refused as the provider does", method: http.MethodGet, path: "/v1/api_partner/products", want: simkit.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := c.Do(ctx, tt.method, tt.path, tt.p, nil)
			require.ErrorIs(t, err, tt.want)
		})
	}
}

func TestDoTopups(t *testing.T) {
	ctx := context.Background()
	env, seen := newRawEnv(t)
	c := env.Client.Topups

	var list struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	path := "/customer/v2/sims/" + simkittest.TopupsSeedICCID + "/topups"
	require.NoError(t, c.Do(ctx, http.MethodGet, path, topups.DoParams{Route: "/customer/v2/sims/{iccid}/topups"}, &list))
	require.NotEmpty(t, list.Data)
	sent := seen.to(http.MethodGet, "/topups")
	require.Len(t, sent, 1)
	require.Contains(t, sent[0].header.Get("Authorization"), "Bearer ", "the cached OAuth token")

	var order json.RawMessage
	require.NoError(t, c.Do(ctx, http.MethodPost, "/customer/v2/orders/topups", topups.DoParams{
		Body: map[string]string{"package_id": list.Data[0].ID, "iccid": simkittest.TopupsSeedICCID, "description": "raw-topup-1"},
	}, &order))
	require.Contains(t, string(order), "raw-topup-1")

	env.Topups.ForceError("/customer/v2/orders/topups", 11)
	err := c.Do(ctx, http.MethodPost, "/customer/v2/orders/topups", topups.DoParams{
		Body: map[string]string{"package_id": list.Data[0].ID, "iccid": simkittest.TopupsSeedICCID, "description": "raw-topup-2"},
	}, nil)
	require.ErrorIs(t, err, simkit.ErrInsufficientFunds)
	var e *simkit.Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, topups.CodeInsufficientCredit, e.Code)

	// An endpoint simkit does not type, as the README's example calls it.
	sims := struct {
		Data []struct {
			ICCID string `json:"iccid"`
		} `json:"data"`
	}{}
	require.NoError(t, c.Do(ctx, http.MethodGet, "/customer/v2/sims", topups.DoParams{Query: url.Values{"limit": {"10"}}}, &sims))
	require.NotEmpty(t, sims.Data)

	err = c.Do(ctx, http.MethodGet, "/customer/v2/esims-usage", topups.DoParams{Query: url.Values{"limit": {"10"}}}, nil)
	require.ErrorIs(t, err, simkit.ErrNotFound, "an endpoint the provider does not serve answers as the provider's 404")
}

func TestDoSMS(t *testing.T) {
	ctx := context.Background()
	env, seen := newRawEnv(t)
	c := env.Client.SMS

	var countries map[string]json.RawMessage
	require.NoError(t, c.Do(ctx, http.MethodGet, "/v1/guest/countries", smsnumbers.DoParams{}, &countries))
	require.NotEmpty(t, countries)
	sent := seen.to(http.MethodGet, "/v1/guest/countries")
	require.Len(t, sent, 1)
	require.Empty(t, sent[0].header.Get("Authorization"), "guest calls go out without the token")

	var profile struct {
		Email string `json:"email"`
	}
	require.NoError(t, c.Do(ctx, http.MethodGet, "/v1/user/profile", smsnumbers.DoParams{}, &profile))
	require.NotEmpty(t, profile.Email)
	require.Equal(t, "Bearer "+simkittest.FakeSMSToken, seen.to(http.MethodGet, "/v1/user/profile")[0].header.Get("Authorization"))

	buy := "/v1/user/buy/activation/russia/any/telegram"
	env.SMS.ForceError(buy, "no free phones")
	err := c.Do(ctx, http.MethodGet, buy, smsnumbers.DoParams{}, nil)
	require.ErrorIs(t, err, simkit.ErrOutOfStock, "a 200 answer saying no free phones is an error")

	err = c.Do(ctx, http.MethodGet, "/v1/user/no-such-route", smsnumbers.DoParams{}, nil)
	require.ErrorIs(t, err, simkit.ErrNotFound, "the provider redirects unknown paths to its 404 page")
}

// TestDoSentOnceUnderDroppedAnswer drops the answer after the provider
// acted, for every provider's raw money call, with calls in parallel: each
// reaches the provider once unless marked idempotent.
func TestDoSentOnceUnderDroppedAnswer(t *testing.T) {
	const parallel = 4
	ctx := context.Background()
	tests := []struct {
		name         string
		provider     string
		method, path string
		do           func(env *simkittest.Env, i int, idempotent bool) error
	}{
		{name: "partner order", provider: simkittest.ProviderPartner, method: http.MethodPost, path: "/orders",
			do: func(env *simkittest.Env, i int, idem bool) error {
				ext := fmt.Sprintf("drop-%d-%t", i, idem)
				return env.Client.Partner.Do(ctx, http.MethodPost, "/orders", partner.DoParams{Body: partnerOrderBody(ext),
					Signed: []string{simkittest.PartnerSKUVoucher, ext}, Idempotent: idem}, nil)
			}},
		{name: "eSIM Story order", provider: simkittest.ProviderESIMStory, method: http.MethodPost, path: "/v1/api_partner/orders",
			do: func(env *simkittest.Env, i int, idem bool) error {
				return env.Client.ESIMStory.Do(ctx, http.MethodPost, "/v1/api_partner/orders", esimstory.DoParams{Idempotent: idem,
					Body: map[string]any{"external_order_id": fmt.Sprintf("drop-%d-%t", i, idem), "products": []map[string]any{{"option_id": simkittest.ESIMStoryOptionA, "qty": 1}}}}, nil)
			}},
		{name: "top-up order", provider: simkittest.ProviderTopups, method: http.MethodPost, path: "/customer/v2/orders/topups",
			do: func(env *simkittest.Env, i int, idem bool) error {
				return env.Client.Topups.Do(ctx, http.MethodPost, "/customer/v2/orders/topups", topups.DoParams{Idempotent: idem,
					Body: map[string]string{"package_id": topupPackage(t, env), "iccid": simkittest.TopupsSeedICCID, "description": fmt.Sprintf("drop-%d-%t", i, idem)}}, nil)
			}},
		{name: "SMS buy (a GET)", provider: simkittest.ProviderSMS, method: http.MethodGet, path: "/v1/user/buy/activation/russia/any/telegram",
			do: func(env *simkittest.Env, _ int, idem bool) error {
				return env.Client.SMS.Do(ctx, http.MethodGet, "/v1/user/buy/activation/russia/any/telegram", smsnumbers.DoParams{Idempotent: idem}, nil)
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, seen := newRawEnv(t)
			topupPackage(t, env) // the token and package list are fetched before the faults
			env.Faults.Add(simkittest.Fault{Provider: tt.provider, Method: tt.method, Path: tt.path, Kind: simkittest.DropAfterHandling})
			errs := make([]error, parallel)
			var wg sync.WaitGroup
			for i := range parallel {
				wg.Add(1)
				go func() {
					defer wg.Done()
					errs[i] = tt.do(env, i, false)
				}()
			}
			wg.Wait()
			for _, err := range errs {
				var e *simkit.Error
				require.ErrorAs(t, err, &e)
				require.True(t, e.Ambiguous, "a dropped answer leaves the outcome open")
			}
			require.Len(t, seen.to(tt.method, tt.path), parallel, "each call was sent once")
			require.Equal(t, parallel, env.Faults.Hits())

			// Marked idempotent, the same call is retried by the policy.
			require.Error(t, tt.do(env, 0, true))
			require.Len(t, seen.to(tt.method, tt.path), parallel+env.Config.Retry.MaxAttempts)
		})
	}
}

// topupPackage returns a top-up package id for the seed eSIM.
func topupPackage(t *testing.T, env *simkittest.Env) string {
	t.Helper()
	pkgs, err := env.Client.Topups.TopupPackages(context.Background(), simkittest.TopupsSeedICCID)
	require.NoError(t, err)
	require.NotEmpty(t, pkgs.Packages)
	return pkgs.Packages[0].ID
}

// countingLimiter admits everything and counts the waits.
type countingLimiter struct {
	mu sync.Mutex
	n  int
}

func (l *countingLimiter) Wait(ctx context.Context) error {
	l.mu.Lock()
	l.n++
	l.mu.Unlock()
	return ctx.Err()
}

func (l *countingLimiter) waits() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.n
}

// Raw calls are paced by the client's limiter like typed calls, every
// attempt the middleware passes on included.
func TestDoIsPaced(t *testing.T) {
	ctx := context.Background()
	lim := &countingLimiter{}
	a := &attempts{}
	env := simkittest.New(t, func(c *simkittest.Config) {
		c.ClientOptions = append(c.ClientOptions, simkit.WithLimiter(lim), simkit.WithMiddleware(a.mw))
	})
	require.NoError(t, env.Client.Partner.Do(ctx, http.MethodGet, "/balance", partner.DoParams{}, nil))
	require.NoError(t, env.Client.SMS.Do(ctx, http.MethodGet, "/v1/guest/countries", smsnumbers.DoParams{}, nil))
	require.NoError(t, env.Client.Topups.Do(ctx, http.MethodGet, "/customer/v2/sims/"+simkittest.TopupsSeedICCID+"/topups", topups.DoParams{}, nil))
	require.Error(t, env.Client.ESIMStory.Do(ctx, http.MethodGet, "/v1/api_partner/products", esimstory.DoParams{}, nil))
	a.mu.Lock()
	sent := len(a.got)
	a.mu.Unlock()
	require.Equal(t, 5, sent, "four raw calls and the top-ups token")
	require.Equal(t, sent, lim.waits(), "every attempt waited for the limiter")
}

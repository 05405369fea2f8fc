package simkittest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// providerClock is a settable clock shared by the SMS and top-up fake tests.
type providerClock struct {
	mu sync.Mutex
	t  time.Time
}

func newProviderClock() *providerClock {
	return &providerClock{t: time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)}
}

func (c *providerClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *providerClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

const smsTestToken = "sms-test-token"

type smsEnv struct {
	t     *testing.T
	fake  *SMSFake
	srv   *httptest.Server
	clock *providerClock
}

func newSMSEnv(t *testing.T, mod func(*SMSFakeConfig)) *smsEnv {
	t.Helper()
	clock := newProviderClock()
	cfg := SMSFakeConfig{Token: smsTestToken, Now: clock.Now}
	if mod != nil {
		mod(&cfg)
	}
	fake := NewSMSFake(cfg)
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	return &smsEnv{t: t, fake: fake, srv: srv, clock: clock}
}

// get sends a request with the good token (token "" sends none) and returns
// status, body and the Location header; redirects are not followed.
func (e *smsEnv) do(method, path, token, body string) (int, string, http.Header) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	require.NoError(e.t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	require.NoError(e.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(e.t, err)
	return resp.StatusCode, string(b), resp.Header
}

func (e *smsEnv) get(path string) (int, string) {
	e.t.Helper()
	s, b, _ := e.do(http.MethodGet, path, smsTestToken, "")
	return s, b
}

func (e *smsEnv) getJSON(path string, out any) {
	e.t.Helper()
	s, b := e.get(path)
	require.Equal(e.t, http.StatusOK, s, b)
	require.NoError(e.t, json.Unmarshal([]byte(b), out), b)
}

type smsOrderJSON struct {
	ID      int64           `json:"id"`
	Phone   string          `json:"phone"`
	Product string          `json:"product"`
	Price   decimal.Decimal `json:"price"`
	Status  string          `json:"status"`
	Expires time.Time       `json:"expires"`
	Country string          `json:"country"`
	SMS     []struct {
		Text, Code, Sender string
	} `json:"sms"`
}

func (e *smsEnv) buy(path string) smsOrderJSON {
	e.t.Helper()
	var o smsOrderJSON
	e.getJSON(path, &o)
	return o
}

func TestSMSAuth(t *testing.T) {
	e := newSMSEnv(t, nil)
	tests := []struct {
		name, path, token string
		status            int
	}{
		{"user without token", "/v1/user/profile", "", 401},
		{"user wrong token", "/v1/user/profile", "nope", 401},
		{"vendor wrong token", "/v1/vendor/wallets", "nope", 401},
		{"user good token", "/v1/user/profile", smsTestToken, 200},
		{"guest needs none", "/v1/guest/countries", "", 200},
		{"flash accepts a token", "/v1/guest/flash/en", smsTestToken, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, b, _ := e.do(http.MethodGet, tt.path, tt.token, "")
			require.Equal(t, tt.status, s)
			if s == 401 {
				require.Empty(t, b, "401 must come with an empty body")
			}
		})
	}
}

func TestSMSEmptyTokenRefusesEverything(t *testing.T) {
	e := newSMSEnv(t, func(c *SMSFakeConfig) { c.Token = "" })
	s, _, _ := e.do(http.MethodGet, "/v1/user/profile", "", "")
	require.Equal(t, 401, s)
}

func TestSMSUnknownRouteRedirects(t *testing.T) {
	e := newSMSEnv(t, nil)
	for _, p := range []string{"/v1/nope", "/v2/user/profile", "/v1/user/nope", "/v1/guest/flash/de"} {
		s, _, h := e.do(http.MethodGet, p, smsTestToken, "")
		require.Equal(t, http.StatusFound, s, p)
		require.Equal(t, "/404.html", h.Get("Location"), p)
	}
}

func TestSMSProfileBalanceGoesDownAndRefuses(t *testing.T) {
	e := newSMSEnv(t, func(c *SMSFakeConfig) { c.Balance = decimal.NewFromInt(50) })
	o := e.buy("/v1/user/buy/activation/russia/any/vkontakte")
	require.Equal(t, "21", o.Price.String())
	require.Equal(t, "+7", o.Phone[:2])
	require.Len(t, o.Phone, 12)
	var p struct {
		Balance decimal.Decimal `json:"balance"`
		Rating  decimal.Decimal `json:"rating"`
	}
	e.getJSON("/v1/user/profile", &p)
	require.Equal(t, "29", p.Balance.String())
	require.Equal(t, "96", p.Rating.String())
	e.buy("/v1/user/buy/activation/russia/beeline/vkontakte")
	require.Equal(t, "8", e.fake.Balance().String())
	s, b := e.get("/v1/user/buy/activation/russia/any/vkontakte")
	require.Equal(t, http.StatusBadRequest, s)
	require.Equal(t, "not enough user balance", b)
	require.Equal(t, 131, e.fake.Stock("russia", "beeline", "vkontakte"))
}

func TestSMSBuyErrors(t *testing.T) {
	e := newSMSEnv(t, nil)
	tests := []struct {
		name, path string
		status     int
		body       string
	}{
		{"no stock answers 200", "/v1/user/buy/activation/russia/mts/telegram", 200, "no free phones"},
		{"no stock on one operator", "/v1/user/buy/activation/russia/matrix/1688", 200, "no free phones"},
		{"bad country", "/v1/user/buy/activation/narnia/any/telegram", 400, "bad country"},
		{"bad operator", "/v1/user/buy/activation/russia/virtual18/telegram", 400, "bad operator"},
		{"no product", "/v1/user/buy/activation/russia/any/nosuch", 400, "no product"},
		{"hosting product as activation", "/v1/user/buy/activation/russia/any/1day", 400, "no product"},
		{"reuse unknown number", "/v1/user/reuse/vkontakte/79001112233", 400, "reuse not possible"},
		{"reuse bad number", "/v1/user/reuse/vkontakte/12", 400, "reuse not possible"},
		{"check unknown order", "/v1/user/check/1", 404, "order not found"},
		{"check non-numeric id", "/v1/user/check/abc", 404, "order not found"},
		{"inbox unknown order", "/v1/user/sms/inbox/1", 404, "order not found"},
		{"bad category", "/v1/user/orders?category=x", 400, "bad category"},
		{"prices bad country", "/v1/guest/prices?country=narnia", 400, "bad country"},
		{"prices no product", "/v1/guest/prices?product=nosuch", 400, "no product"},
		{"products bad operator", "/v1/guest/products/russia/nosuch", 400, "bad operator"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, b, h := e.do(http.MethodGet, tt.path, smsTestToken, "")
			require.Equal(t, tt.status, s)
			require.Equal(t, tt.body, b)
			require.Contains(t, h.Get("Content-Type"), "text/plain")
		})
	}
	require.Equal(t, "100", e.fake.Balance().String(), "refused buys cost nothing")
}

func TestSMSRatingZeroRefusesBuys(t *testing.T) {
	e := newSMSEnv(t, nil)
	e.fake.SetRating(decimal.Zero)
	s, b := e.get("/v1/user/buy/activation/russia/any/vkontakte")
	require.Equal(t, 400, s)
	require.Equal(t, "not enough rating", b)
}

func TestSMSStateMachine(t *testing.T) {
	tests := []struct {
		name    string
		steps   func(e *smsEnv, id int64) // drives the order
		action  string                    // final call
		status  int
		body    string // plain-text error, or "" for an order
		want    string // order status after
		balance string
	}{
		{"check pending", nil, "check", 200, "", SMSPending, "79"},
		{"cancel pending refunds", nil, "cancel", 200, "", SMSCanceled, "100"},
		{"ban pending refunds", nil, "ban", 200, "", SMSBanned, "100"},
		{"finish without sms", nil, "finish", 400, "order no sms", SMSPending, "79"},
		{"delivered sms", func(e *smsEnv, id int64) {
			require.NoError(e.t, e.fake.DeliverSMS(id, "VK: 09363", "09363"))
		}, "check", 200, "", SMSReceived, "79"},
		{"cancel refused after sms", func(e *smsEnv, id int64) {
			require.NoError(e.t, e.fake.DeliverSMS(id, "VK: 09363", "09363"))
		}, "cancel", 400, "order has sms", SMSReceived, "79"},
		{"ban refused after sms", func(e *smsEnv, id int64) {
			require.NoError(e.t, e.fake.DeliverSMS(id, "VK: 09363", "09363"))
		}, "ban", 400, "order has sms", SMSReceived, "79"},
		{"finish after sms", func(e *smsEnv, id int64) {
			require.NoError(e.t, e.fake.DeliverSMS(id, "VK: 09363", "09363"))
		}, "finish", 200, "", SMSFinished, "79"},
		{"finish twice is idempotent", func(e *smsEnv, id int64) {
			require.NoError(e.t, e.fake.DeliverSMS(id, "x", "1"))
			e.get("/v1/user/finish/" + strconv.FormatInt(id, 10))
		}, "finish", 200, "", SMSFinished, "79"},
		{"timeout by clock refunds", func(e *smsEnv, _ int64) {
			e.clock.Add(15 * time.Minute)
		}, "check", 200, "", SMSTimeout, "100"},
		{"still pending just before expiry", func(e *smsEnv, _ int64) {
			e.clock.Add(15*time.Minute - time.Second)
		}, "check", 200, "", SMSPending, "79"},
		{"expire control", func(e *smsEnv, id int64) {
			require.NoError(e.t, e.fake.Expire(id))
		}, "check", 200, "", SMSTimeout, "100"},
		{"cancel after timeout", func(e *smsEnv, id int64) {
			require.NoError(e.t, e.fake.Expire(id))
		}, "cancel", 400, "order expired", SMSTimeout, "100"},
		{"finish after cancel", func(e *smsEnv, id int64) {
			e.get("/v1/user/cancel/" + strconv.FormatInt(id, 10))
		}, "finish", 400, "order expired", SMSCanceled, "100"},
		{"received auto-finishes at expiry", func(e *smsEnv, id int64) {
			require.NoError(e.t, e.fake.DeliverSMS(id, "x", "1"))
			e.clock.Add(time.Hour)
		}, "check", 200, "", SMSFinished, "79"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newSMSEnv(t, nil)
			o := e.buy("/v1/user/buy/activation/russia/beeline/vkontakte")
			require.Equal(t, SMSPending, o.Status)
			require.Equal(t, e.clock.Now().Add(15*time.Minute), o.Expires)
			if tt.steps != nil {
				tt.steps(e, o.ID)
			}
			s, b := e.get("/v1/user/" + tt.action + "/" + strconv.FormatInt(o.ID, 10))
			require.Equal(t, tt.status, s, b)
			if tt.body != "" {
				require.Equal(t, tt.body, b)
			} else {
				var got smsOrderJSON
				require.NoError(t, json.Unmarshal([]byte(b), &got))
				require.Equal(t, tt.want, got.Status)
				if tt.want == SMSReceived {
					require.Len(t, got.SMS, 1)
					require.Equal(t, "09363", got.SMS[0].Code)
				}
			}
			st, err := e.fake.OrderStatus(o.ID)
			require.NoError(t, err)
			require.Equal(t, tt.want, st)
			require.Equal(t, tt.balance, e.fake.Balance().String())
		})
	}
}

func TestSMSRatingChanges(t *testing.T) {
	e := newSMSEnv(t, nil)
	o := e.buy("/v1/user/buy/activation/russia/any/1688")
	e.get("/v1/user/cancel/" + strconv.FormatInt(o.ID, 10))
	require.Equal(t, "95.9", e.fake.Rating().String())
	o = e.buy("/v1/user/buy/activation/russia/any/1688")
	require.NoError(t, e.fake.Expire(o.ID))
	require.Equal(t, "95.75", e.fake.Rating().String())
	e.fake.Charge(decimal.NewFromInt(10))
	require.Equal(t, "96", e.fake.Rating().String(), "rating is capped at 96")
	require.Equal(t, "110", e.fake.Balance().String())
}

func TestSMSAutoDeliveryTimer(t *testing.T) {
	e := newSMSEnv(t, func(c *SMSFakeConfig) { c.DeliverAfter = 30 * time.Second })
	o := e.buy("/v1/user/buy/activation/afghanistan/any/telegram")
	require.Equal(t, "afghanistan", o.Country)
	e.clock.Add(29 * time.Second)
	got := e.buy("/v1/user/check/" + strconv.FormatInt(o.ID, 10))
	require.Equal(t, SMSPending, got.Status)
	e.clock.Add(time.Second)
	got = e.buy("/v1/user/check/" + strconv.FormatInt(o.ID, 10))
	require.Equal(t, SMSReceived, got.Status)
	require.Equal(t, "123456", got.SMS[0].Code)
	require.Equal(t, "Your code is 123456", got.SMS[0].Text)
}

func TestSMSControlErrors(t *testing.T) {
	e := newSMSEnv(t, nil)
	require.ErrorIs(t, e.fake.DeliverSMS(42, "x", "1"), ErrSMSOrderNotFound)
	require.ErrorIs(t, e.fake.Expire(42), ErrSMSOrderNotFound)
	_, err := e.fake.OrderStatus(42)
	require.ErrorIs(t, err, ErrSMSOrderNotFound)
	o := e.buy("/v1/user/buy/activation/russia/any/vkontakte")
	e.get("/v1/user/cancel/" + strconv.FormatInt(o.ID, 10))
	require.ErrorIs(t, e.fake.DeliverSMS(o.ID, "x", "1"), ErrSMSOrderClosed)
	require.Equal(t, []int64{o.ID}, e.fake.OrderIDs())
}

func TestSMSHostingAndInbox(t *testing.T) {
	e := newSMSEnv(t, func(c *SMSFakeConfig) { c.Balance = decimal.NewFromInt(200) })
	o := e.buy("/v1/user/buy/hosting/russia/any/1day")
	require.Equal(t, "80", o.Price.String())
	require.Equal(t, e.clock.Now().Add(24*time.Hour), o.Expires)
	id := strconv.FormatInt(o.ID, 10)
	s, b := e.get("/v1/user/cancel/" + id)
	require.Equal(t, 400, s)
	require.Equal(t, "hosting order", b)
	require.NoError(t, e.fake.DeliverSMS(o.ID, "first", "1"))
	require.NoError(t, e.fake.DeliverSMS(o.ID, "second", "2"))
	var inbox struct {
		Data []struct {
			ID     int64  `json:"ID"`
			Text   string `json:"text"`
			IsWave bool   `json:"is_wave"`
		}
		Total int
	}
	e.getJSON("/v1/user/sms/inbox/"+id, &inbox)
	require.Equal(t, 2, inbox.Total)
	require.Equal(t, "second", inbox.Data[1].Text)
	e.clock.Add(24 * time.Hour)
	st, err := e.fake.OrderStatus(o.ID)
	require.NoError(t, err)
	require.Equal(t, SMSFinished, st)

	h := e.buy("/v1/user/buy/hosting/russia/beeline/3hours")
	require.Equal(t, e.clock.Now().Add(3*time.Hour), h.Expires)
	e.getJSON("/v1/user/finish/"+strconv.FormatInt(h.ID, 10), &h)
	require.Equal(t, SMSFinished, h.Status)
}

func TestSMSReuse(t *testing.T) {
	e := newSMSEnv(t, nil)
	plain := e.buy("/v1/user/buy/activation/russia/any/vkontakte")
	reusable := e.buy("/v1/user/buy/activation/russia/any/1688?reuse=1&forwarding=1&number=79001234567")
	tests := []struct {
		name, path string
		status     int
		body       string
	}{
		{"not bought with reuse", "/v1/user/reuse/vkontakte/" + plain.Phone[1:], 400, "reuse false"},
		{"other product", "/v1/user/reuse/vkontakte/" + reusable.Phone[1:], 400, "reuse not possible"},
		{"ok", "/v1/user/reuse/1688/" + reusable.Phone[1:], 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, b := e.get(tt.path)
			require.Equal(t, tt.status, s, b)
			if tt.body != "" {
				require.Equal(t, tt.body, b)
				return
			}
			var o smsOrderJSON
			require.NoError(t, json.Unmarshal([]byte(b), &o))
			require.Equal(t, reusable.Phone, o.Phone)
			require.NotEqual(t, reusable.ID, o.ID)
		})
	}
	e.clock.Add(25 * time.Hour)
	s, b := e.get("/v1/user/reuse/1688/" + reusable.Phone[1:])
	require.Equal(t, 400, s)
	require.Equal(t, "reuse expired", b)
	e.clock.Add(-25 * time.Hour)
	e.fake.SetBalance(decimal.NewFromInt(1))
	s, b = e.get("/v1/user/reuse/1688/" + reusable.Phone[1:])
	require.Equal(t, 400, s)
	require.Equal(t, "not enough user balance", b)
}

func TestSMSOrdersHistoryPagination(t *testing.T) {
	e := newSMSEnv(t, nil)
	var ids []int64
	for range 4 {
		ids = append(ids, e.buy("/v1/user/buy/activation/russia/any/1688").ID)
	}
	e.buy("/v1/user/buy/hosting/russia/any/3hours")
	type page struct {
		Data  []smsOrderJSON
		Total int
	}
	tests := []struct {
		name, query string
		want        []int64
		total       int
	}{
		{"first page", "category=activation&limit=3&offset=0", ids[:3], 4},
		{"last page", "category=activation&limit=3&offset=3", ids[3:], 4},
		{"past the end", "category=activation&limit=3&offset=9", nil, 4},
		{"reversed", "category=activation&limit=2&offset=0&order=id&reverse=true", []int64{ids[3], ids[2]}, 4},
		{"by price", "category=activation&limit=1&order=price", ids[:1], 4},
		{"by created_at", "category=activation&limit=1&order=created_at", ids[:1], 4},
		{"all categories", "limit=1&offset=4", []int64{ids[3] + 1}, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p page
			e.getJSON("/v1/user/orders?"+tt.query, &p)
			require.Equal(t, tt.total, p.Total)
			var got []int64
			for _, o := range p.Data {
				got = append(got, o.ID)
			}
			require.Equal(t, tt.want, got)
		})
	}
}

func TestSMSPaymentsHistory(t *testing.T) {
	e := newSMSEnv(t, nil)
	e.fake.Charge(decimal.NewFromInt(5))
	e.fake.Charge(decimal.NewFromInt(7))
	var p struct {
		Data []struct {
			ID       int64
			TypeName string
			Amount   decimal.Decimal
			Balance  decimal.Decimal
		}
		PaymentTypes     []struct{ Name string }
		PaymentProviders []struct{ Name string }
		Total            int
	}
	e.getJSON("/v1/user/payments?limit=2&offset=0&order=id&reverse=true", &p)
	require.Equal(t, 3, p.Total)
	require.Len(t, p.Data, 2)
	require.Equal(t, "7", p.Data[0].Amount.String())
	require.Equal(t, "112", p.Data[0].Balance.String())
	require.Equal(t, "charge", p.PaymentTypes[0].Name)
	require.Equal(t, "admin", p.PaymentProviders[0].Name)
	e.getJSON("/v1/user/payments?limit=2&offset=2", &p)
	require.Len(t, p.Data, 1)
	require.Equal(t, int64(30011936), p.Data[0].ID)
}

func TestSMSCatalog(t *testing.T) {
	e := newSMSEnv(t, nil)
	t.Run("products any operator", func(t *testing.T) {
		var got map[string]struct {
			Category string
			Qty      int
			Price    decimal.Decimal
		}
		e.getJSON("/v1/guest/products/russia/any", &got)
		require.Equal(t, "hosting", got["1day"].Category)
		require.Equal(t, 14, got["1day"].Qty)
		require.Equal(t, "80", got["1day"].Price.String())
		require.Equal(t, 133, got["vkontakte"].Qty)
		require.Equal(t, 2195, got["1688"].Qty)
	})
	type leaf struct {
		Cost  decimal.Decimal  `json:"cost"`
		Count int              `json:"count"`
		Rate  *decimal.Decimal `json:"rate"`
	}
	tests := []struct {
		name, query, k1, k2, op string
		cost                    string
		count                   int
	}{
		{"all, country first", "", "russia", "1688", "lycamobile", "4", 935},
		{"by country", "?country=russia", "russia", "telegram", "yota", "8", 0},
		{"by product flips", "?product=telegram", "telegram", "afghanistan", "virtual18", "4", 1260},
		{"country and product", "?country=russia&product=telegram", "russia", "telegram", "mts", "8", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got map[string]map[string]map[string]leaf
			e.getJSON("/v1/guest/prices"+tt.query, &got)
			l, ok := got[tt.k1][tt.k2][tt.op]
			require.True(t, ok, "%v", got)
			require.Equal(t, tt.cost, l.Cost.String())
			require.Equal(t, tt.count, l.Count)
			require.Equal(t, "99.99", l.Rate.String())
		})
	}
	t.Run("rate omitted when zero", func(t *testing.T) {
		e.fake.SetOffer(SMSOffer{Country: "russia", Operator: "mts", Product: "amazon", Category: "activation", Cost: decimal.RequireFromString("3.5"), Count: 2})
		e.fake.SetOffer(SMSOffer{Country: "russia", Operator: "mts", Product: "amazon", Category: "activation", Cost: decimal.RequireFromString("3.25"), Count: 2})
		_, b := e.get("/v1/guest/prices?country=russia&product=amazon")
		require.JSONEq(t, `{"russia":{"amazon":{"mts":{"cost":3.25,"count":2}}}}`, b)
		o := e.buy("/v1/user/buy/activation/russia/mts/amazon")
		require.Equal(t, "3.25", o.Price.String())
	})
	t.Run("countries seed shape", func(t *testing.T) {
		want, err := os.ReadFile("../testdata/simkittest/sms/countries_afghanistan.json")
		require.NoError(t, err)
		var got map[string]json.RawMessage
		e.getJSON("/v1/guest/countries", &got)
		require.JSONEq(t, string(want), string(got["afghanistan"]))
		require.Contains(t, string(got["russia"]), `"beeline":{"activation":1,"hosting":1}`)
	})
	t.Run("flash", func(t *testing.T) {
		var got struct{ Text string }
		e.getJSON("/v1/guest/flash/ru", &got)
		require.NotEmpty(t, got.Text)
	})
	t.Run("stock control", func(t *testing.T) {
		require.True(t, e.fake.SetStock("russia", "beeline", "vkontakte", 0))
		require.False(t, e.fake.SetStock("russia", "beeline", "nosuch", 0))
		require.Equal(t, 0, e.fake.Stock("russia", "beeline", "nosuch"))
		s, b := e.get("/v1/user/buy/activation/russia/any/vkontakte")
		require.Equal(t, 200, s)
		require.Equal(t, "no free phones", b)
	})
}

func TestSMSVendor(t *testing.T) {
	e := newSMSEnv(t, nil)
	var prof struct{ Vendor string }
	e.getJSON("/v1/user/vendor", &prof)
	require.Equal(t, "demo", prof.Vendor)
	_, b := e.get("/v1/vendor/wallets")
	require.JSONEq(t, `{"fkwallet":43339.55,"payeer":2117.32,"unitpay":97.6}`, b)
	_, b = e.get("/v1/vendor/orders?category=activation&limit=15&offset=0")
	require.JSONEq(t, `{"Data":[],"ProductNames":[],"Statuses":[],"Total":0}`, b)
	s, b := e.get("/v1/vendor/orders?category=nope")
	require.Equal(t, 400, s)
	require.Equal(t, "bad category", b)

	tests := []struct {
		name, body string
		status     int
		text       string
	}{
		{"ok", `{"receiver":"1","method":"qiwi","amount":"10.5","fee":"unitpay"}`, 200, ""},
		{"bad json", `{`, 400, "bad request"},
		{"no receiver", `{"method":"qiwi","amount":"1","fee":"unitpay"}`, 400, "bad receiver"},
		{"bad method", `{"receiver":"1","method":"paypal","amount":"1","fee":"unitpay"}`, 400, "bad method"},
		{"bad fee", `{"receiver":"1","method":"visa","amount":"1","fee":"bank"}`, 400, "bad fee"},
		{"bad amount", `{"receiver":"1","method":"visa","amount":"-1","fee":"payeer"}`, 400, "bad amount"},
		{"too much", `{"receiver":"1","method":"visa","amount":"1000","fee":"unitpay"}`, 400, "not enough user balance"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, b, _ := e.do(http.MethodPost, "/v1/vendor/withdraw", smsTestToken, tt.body)
			require.Equal(t, tt.status, s)
			require.Equal(t, tt.text, b)
		})
	}
	require.Equal(t, "87.1", e.fake.Wallet("unitpay").String())
	var pays struct {
		Data []struct {
			Amount decimal.Decimal
			Status string
		}
		PaymentStatuses []struct{ Name string }
		Total           int
	}
	e.getJSON("/v1/vendor/payments?limit=15&offset=0", &pays)
	require.Equal(t, 1, pays.Total)
	require.Equal(t, "-10.5", pays.Data[0].Amount.String())
	require.Equal(t, "pending", pays.PaymentStatuses[0].Name)
}

func TestSMSForceErrorAndRateLimit(t *testing.T) {
	e := newSMSEnv(t, func(c *SMSFakeConfig) { c.RateLimit = 2 })
	e.fake.ForceError("/v1/user/profile", "server offline")
	s, b := e.get("/v1/user/profile")
	require.Equal(t, 503, s)
	require.Equal(t, "server offline", b)
	s, _ = e.get("/v1/user/profile")
	require.Equal(t, 200, s)
	s, b = e.get("/v1/user/profile")
	require.Equal(t, 429, s, "third request in the same second")
	require.Empty(t, b)
	e.clock.Add(time.Second)
	s, _ = e.get("/v1/user/profile")
	require.Equal(t, 200, s)
	require.Equal(t, 4, e.fake.Requests())
}

func TestSMSConcurrentBuys(t *testing.T) {
	e := newSMSEnv(t, func(c *SMSFakeConfig) { c.Balance = decimal.NewFromInt(40) })
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, b, _ := e.do(http.MethodGet, "/v1/user/buy/activation/russia/any/1688", smsTestToken, "")
			if s == 200 && b != "no free phones" {
				mu.Lock()
				ok++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	require.Equal(t, 10, ok, "a balance of 40 buys exactly ten numbers at 4")
	require.True(t, e.fake.Balance().IsZero())
}

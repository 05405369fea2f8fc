package simkittest

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

const (
	topupsTestID     = "client-id"
	topupsTestSecret = "client-secret"
	topupsTestKey    = "renewal-key"
)

type topupsEnv struct {
	t     *testing.T
	fake  *TopupsFake
	srv   *httptest.Server
	clock *providerClock
}

func newTopupsEnv(t *testing.T, mod func(*TopupsFakeConfig)) *topupsEnv {
	t.Helper()
	clock := newProviderClock()
	cfg := TopupsFakeConfig{ClientID: topupsTestID, ClientSecret: topupsTestSecret, RenewalKey: topupsTestKey, Now: clock.Now}
	if mod != nil {
		mod(&cfg)
	}
	fake := NewTopupsFake(cfg)
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	return &topupsEnv{t: t, fake: fake, srv: srv, clock: clock}
}

type topupsResp struct {
	status int
	header http.Header
	body   string
}

func (r topupsResp) json(t *testing.T) map[string]any {
	t.Helper()
	var v map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.body), &v), r.body)
	return v
}

// send performs a request; form != nil sends multipart/form-data, jsonBody != "" sends JSON.
func (e *topupsEnv) send(method, path, token string, form map[string]string, jsonBody string) topupsResp {
	e.t.Helper()
	return e.sendAs("multipart", method, path, token, form, jsonBody)
}

// sendAs is send with form encoded as enc: "multipart", "urlencoded" or "json".
func (e *topupsEnv) sendAs(enc, method, path, token string, form map[string]string, jsonBody string) topupsResp {
	e.t.Helper()
	var body io.Reader
	ctype := ""
	switch {
	case form != nil && enc == "urlencoded":
		v := url.Values{}
		for k, s := range form {
			v.Set(k, s)
		}
		body, ctype = strings.NewReader(v.Encode()), "application/x-www-form-urlencoded"
	case form != nil && enc == "json":
		b, err := json.Marshal(form)
		require.NoError(e.t, err)
		body, ctype = bytes.NewReader(b), "application/json"
	case form != nil:
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		for k, v := range form {
			require.NoError(e.t, mw.WriteField(k, v))
		}
		require.NoError(e.t, mw.Close())
		body, ctype = &buf, mw.FormDataContentType()
	case jsonBody != "":
		body, ctype = strings.NewReader(jsonBody), "application/json"
	}
	req, err := http.NewRequest(method, e.srv.URL+path, body)
	require.NoError(e.t, err)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(e.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(e.t, err)
	return topupsResp{resp.StatusCode, resp.Header, string(b)}
}

func (e *topupsEnv) token() string {
	e.t.Helper()
	r := e.send(http.MethodPost, "/customer/v2/token", "", map[string]string{
		"client_id": topupsTestID, "client_secret": topupsTestSecret, "grant_type": "client_credentials",
	}, "")
	require.Equal(e.t, http.StatusOK, r.status, r.body)
	var v struct {
		Data struct {
			TokenType   string `json:"token_type"`
			ExpiresIn   int    `json:"expires_in"`
			AccessToken string `json:"access_token"`
		}
	}
	require.NoError(e.t, json.Unmarshal([]byte(r.body), &v))
	require.Equal(e.t, "Bearer", v.Data.TokenType)
	require.NotEmpty(e.t, v.Data.AccessToken)
	return v.Data.AccessToken
}

func TestTopupsToken(t *testing.T) {
	e := newTopupsEnv(t, nil)
	good := map[string]string{"client_id": topupsTestID, "client_secret": topupsTestSecret, "grant_type": "client_credentials"}
	with := func(k, v string) map[string]string {
		m := map[string]string{}
		for a, b := range good {
			m[a] = b
		}
		m[k] = v
		return m
	}
	tests := []struct {
		name   string
		form   map[string]string
		json   string
		status int
		field  string
	}{
		{"wrong secret", with("client_secret", "nope"), "", 401, ""},
		{"wrong id", with("client_id", "nope"), "", 422, "client_id"},
		{"missing id", with("client_id", ""), "", 422, "client_id"},
		{"missing secret", with("client_secret", ""), "", 422, "client_secret"},
		{"bad grant", with("grant_type", "password"), "", 422, "grant_type"},
		{"json without secret", nil, `{"client_id":"client-id"}`, 422, "client_secret"},
		{"text body", nil, `client_id=x`, 422, "grant_type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.send(http.MethodPost, "/customer/v2/token", "", tt.form, tt.json)
			require.Equal(t, tt.status, r.status, r.body)
			v := r.json(t)
			require.NotEmpty(t, v["meta"].(map[string]any)["message"])
			if tt.field != "" {
				require.Contains(t, v["data"], tt.field)
			}
		})
	}
	require.Equal(t, 0, e.fake.TokenCount())
	for i, enc := range []string{"multipart", "urlencoded", "json"} {
		r := e.sendAs(enc, http.MethodPost, "/customer/v2/token", "", good, "")
		require.Equal(t, 200, r.status, enc)
		require.EqualValues(t, 86400, r.json(t)["data"].(map[string]any)["expires_in"])
		require.Equal(t, i+1, e.fake.TokenCount())
	}
}

func TestTopupsTokenLimitAndExpiry(t *testing.T) {
	e := newTopupsEnv(t, func(c *TopupsFakeConfig) { c.TokenTTL = time.Hour })
	tok := e.token()
	e.token()
	e.token()
	r := e.send(http.MethodPost, "/customer/v2/token", "", map[string]string{
		"client_id": topupsTestID, "client_secret": topupsTestSecret, "grant_type": "client_credentials",
	}, "")
	require.Equal(t, 429, r.status, "the token endpoint allows 3 per minute")
	require.Equal(t, "60", r.header.Get("Retry-After"))
	require.JSONEq(t, `{"message":"Too Many Attempts.","code":429}`, r.body)
	require.Equal(t, 3, e.fake.TokenCount())

	path := "/customer/v2/sims/" + TopupsSeedICCID + "/topups"
	tests := []struct {
		name    string
		advance time.Duration
		token   string
		status  int
	}{
		{"valid", 0, tok, 200},
		{"unknown token", 0, "nope", 401},
		{"no token", 0, "", 401},
		{"just before expiry", time.Hour - time.Second, tok, 200},
		{"expired", time.Second, tok, 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.clock.Add(tt.advance)
			r := e.send(http.MethodGet, path, tt.token, nil, "")
			require.Equal(t, tt.status, r.status)
			if tt.status == 401 {
				require.JSONEq(t, `{"meta":{"message":"Unauthenticated."}}`, r.body)
			}
		})
	}
	e.token() // a minute has passed: the limit allows a new token
	fresh := e.token()
	require.Equal(t, 200, e.send(http.MethodGet, path, fresh, nil, "").status)
	e.fake.ExpireTokens()
	require.Equal(t, 401, e.send(http.MethodGet, path, fresh, nil, "").status)
}

func TestTopupsTokenLimitDisabled(t *testing.T) {
	e := newTopupsEnv(t, func(c *TopupsFakeConfig) { c.TokenLimit = -1 })
	for range 5 {
		e.token()
	}
	require.Equal(t, 5, e.fake.TokenCount())
}

func TestTopupsPackages(t *testing.T) {
	e := newTopupsEnv(t, nil)
	tok := e.token()
	r := e.send(http.MethodGet, "/customer/v2/sims/"+TopupsSeedICCID+"/topups", tok, nil, "")
	require.Equal(t, 200, r.status)
	want, err := os.ReadFile("../testdata/simkittest/topups/packages.json")
	require.NoError(t, err)
	require.JSONEq(t, string(want), r.body)

	tests := []struct {
		name, iccid string
		status      int
	}{
		{"any well-formed iccid is known", "8944123456789012345", 200},
		{"too short", "8944", 422},
		{"letters", "89441234567890123ab", 422},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.send(http.MethodGet, "/customer/v2/sims/"+tt.iccid+"/topups", tok, nil, "")
			require.Equal(t, tt.status, r.status, r.body)
			if tt.status == 422 {
				require.JSONEq(t, `{"data":{"iccid":"The selected iccid is invalid."},"meta":{"message":"the parameter is invalid"}}`, r.body)
			}
		})
	}
}

func TestTopupsStrictSIMs(t *testing.T) {
	e := newTopupsEnv(t, func(c *TopupsFakeConfig) { c.StrictSIMs = true })
	tok := e.token()
	const iccid = "8944123456789012345"
	require.Equal(t, 422, e.send(http.MethodGet, "/customer/v2/sims/"+iccid+"/topups", tok, nil, "").status)
	e.fake.AddSIM(iccid, []TopupPackage{{ID: "only", Price: decimal.NewFromInt(2), NetPrice: decimal.NewFromInt(1), Amount: 100, Day: 1, Title: "t", Data: "100 MB"}})
	e.fake.AddSIM(iccid, nil) // a known SIM keeps its packages
	r := e.send(http.MethodGet, "/customer/v2/sims/"+iccid+"/topups", tok, nil, "")
	require.Equal(t, 200, r.status)
	require.Contains(t, r.body, `"id":"only"`)
	e.fake.AddSIM(iccid, []TopupPackage{{ID: "other", Price: decimal.NewFromInt(2), NetPrice: decimal.NewFromInt(1)}})
	r = e.send(http.MethodGet, "/customer/v2/sims/"+iccid+"/topups", tok, nil, "")
	require.Contains(t, r.body, `"id":"other"`)
}

func TestTopupsSubmit(t *testing.T) {
	e := newTopupsEnv(t, func(c *TopupsFakeConfig) { c.Balance = decimal.NewFromInt(30) })
	tok := e.token()
	form := func(pkg, iccid string) map[string]string {
		return map[string]string{"package_id": pkg, "iccid": iccid, "description": "customer-42"}
	}
	tests := []struct {
		name    string
		form    map[string]string
		status  int
		body    string // JSONEq when set
		balance string
	}{
		{"ok", form("merhaba-30days-3gb-topup", TopupsSeedICCID), 200, "", "12.4"},
		{"package of another list", form("merhaba-7days-1gb", TopupsSeedICCID), 422, `{"message":"The package is invalid or out of stock.","code":34}`, "12.4"},
		{"insufficient credit", form("merhaba-30days-5gb-voice-topup", TopupsSeedICCID), 422, `{"message":"Insufficient credit.","code":11}`, "12.4"},
		{"missing package", form("", TopupsSeedICCID), 422, `{"data":{"package_id":"The package id field is required."},"meta":{"message":"the parameter is invalid"}}`, "12.4"},
		{"missing iccid", form("x", ""), 422, `{"data":{"iccid":"The iccid field is required."},"meta":{"message":"the parameter is invalid"}}`, "12.4"},
		{"bad iccid", form("x", "123"), 422, `{"data":{"iccid":"The selected iccid is invalid."},"meta":{"message":"the parameter is invalid"}}`, "12.4"},
		{"second ok", form("merhaba-7days-1gb-topup", TopupsSeedICCID), 200, "", "4.8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.send(http.MethodPost, "/customer/v2/orders/topups", tok, tt.form, "")
			require.Equal(t, tt.status, r.status, r.body)
			if tt.body != "" {
				require.JSONEq(t, tt.body, r.body)
			} else {
				d := r.json(t)["data"].(map[string]any)
				require.Equal(t, tt.form["package_id"], d["package_id"])
				require.Equal(t, TopupsSeedICCID, d["iccid"])
				require.Equal(t, d["id"], d["order_id"])
				require.Equal(t, "2024-05-01 10:00:00", d["created_at"])
				require.NotEmpty(t, d["sims"])
			}
			require.Equal(t, tt.balance, e.fake.Balance().String())
		})
	}
	require.Equal(t, 2, e.fake.OrderCount())
	e.fake.SetBalance(decimal.NewFromInt(100))
	for _, enc := range []string{"urlencoded", "json"} {
		r := e.sendAs(enc, http.MethodPost, "/customer/v2/orders/topups", tok, form("merhaba-7days-1gb-topup", TopupsSeedICCID), "")
		require.Equal(t, 200, r.status, enc+": "+r.body)
	}
	require.Equal(t, 4, e.fake.OrderCount())
	r := e.send(http.MethodPost, "/customer/v2/orders/topups", tok, nil, `{"package_id":"x"}`)
	require.Equal(t, 422, r.status, "a JSON body is read like a form")
	e.fake.SetBalance(decimal.Zero)
	r = e.send(http.MethodPost, "/customer/v2/orders/topups", tok, form("merhaba-7days-1gb-topup", TopupsSeedICCID), "")
	require.JSONEq(t, `{"message":"Insufficient credit.","code":11}`, r.body)
}

func TestTopupsPackageHistoryWindow(t *testing.T) {
	e := newTopupsEnv(t, nil)
	tok := e.token()
	other := "8944123456789012345"
	e.send(http.MethodPost, "/customer/v2/orders/topups", tok, map[string]string{"package_id": "merhaba-7days-1gb-topup", "iccid": TopupsSeedICCID}, "")
	path := func(iccid string) string { return "/customer/v2/sims/" + iccid + "/packages" }
	tests := []struct {
		name       string
		advance    time.Duration
		iccid      string
		status     int
		retryAfter string
	}{
		{"first call", 0, TopupsSeedICCID, 200, ""},
		{"second inside window", 0, TopupsSeedICCID, 429, "900"},
		{"other eSIM is independent", 0, other, 200, ""},
		{"still inside at 14m59s", 14*time.Minute + 59*time.Second, TopupsSeedICCID, 429, "1"},
		{"window over at 15m", time.Second, TopupsSeedICCID, 200, ""},
		{"new window starts", time.Minute, TopupsSeedICCID, 429, "840"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.clock.Add(tt.advance)
			r := e.send(http.MethodGet, path(tt.iccid), tok, nil, "")
			require.Equal(t, tt.status, r.status, r.body)
			require.Equal(t, tt.retryAfter, r.header.Get("Retry-After"))
			if tt.status == 429 {
				require.JSONEq(t, `{"message":"Too Many Attempts.","code":429}`, r.body)
			}
		})
	}
	require.Equal(t, 5, e.fake.HistoryRequests(TopupsSeedICCID))
	require.Equal(t, 1, e.fake.HistoryRequests(other))
	require.Equal(t, 0, e.fake.HistoryRequests("nope"))
	require.Equal(t, 422, e.send(http.MethodGet, path("12"), tok, nil, "").status)

	e.clock.Add(time.Hour)
	var h struct {
		Data []struct {
			ID          int     `json:"id"`
			Status      string  `json:"status"`
			Remaining   int     `json:"remaining"`
			ActivatedAt *string `json:"activated_at"`
			ExpiredAt   *string `json:"expired_at"`
			Package     struct {
				ID   string `json:"id"`
				Type string `json:"type"`
			} `json:"package"`
		}
	}
	r := e.send(http.MethodGet, path(TopupsSeedICCID), tok, nil, "")
	require.NoError(t, json.Unmarshal([]byte(r.body), &h))
	require.Len(t, h.Data, 2)
	require.Equal(t, "merhaba-7days-1gb", h.Data[0].Package.ID)
	require.Equal(t, "sim", h.Data[0].Package.Type)
	require.NotZero(t, h.Data[0].ID)
	require.Equal(t, "ACTIVE", h.Data[0].Status)
	require.Equal(t, "2024-04-30T10:00:00+00:00", *h.Data[0].ActivatedAt)
	require.Equal(t, "merhaba-7days-1gb-topup", h.Data[1].Package.ID)
	require.Equal(t, "topup", h.Data[1].Package.Type)
	require.Equal(t, "NOT_ACTIVE", h.Data[1].Status)
	require.Nil(t, h.Data[1].ActivatedAt)
	require.Equal(t, 1024, h.Data[1].Remaining)

	e.clock.Add(7 * 24 * time.Hour)
	r = e.send(http.MethodGet, path(TopupsSeedICCID), e.token(), nil, "")
	require.Equal(t, 200, r.status, r.body)
	require.NoError(t, json.Unmarshal([]byte(r.body), &h))
	require.Equal(t, "EXPIRED", h.Data[0].Status)
}

func TestTopupsOrdersList(t *testing.T) {
	e := newTopupsEnv(t, func(c *TopupsFakeConfig) {
		c.Balance = decimal.NewFromInt(1000)
		c.TokenTTL = 30 * 24 * time.Hour
	})
	tok := e.token()
	for i, desc := range []string{"cust-1", "cust-2", "cust-1", "cust-3", "cust-1"} {
		if i == 3 {
			e.clock.Add(48 * time.Hour)
		}
		r := e.send(http.MethodPost, "/customer/v2/orders/topups", tok, map[string]string{"package_id": "merhaba-7days-1gb-topup", "iccid": TopupsSeedICCID, "description": desc}, "")
		require.Equal(t, 200, r.status)
	}
	type meta struct {
		CurrentPage int `json:"current_page"`
		LastPage    int `json:"last_page"`
		PerPage     int `json:"per_page"`
		Total       int `json:"total"`
	}
	type order struct {
		ID          int64
		Code        string
		Type        string
		Description string
		Sims        []struct{ ICCID string }
		User        map[string]any
	}
	tests := []struct {
		name, query string
		want        meta
		n           int
		check       func(t *testing.T, d []order)
	}{
		{"defaults, newest first", "", meta{1, 1, 50, 6}, 6, func(t *testing.T, d []order) {
			require.Equal(t, "sim", d[5].Type)
			require.Greater(t, d[0].ID, d[1].ID)
			require.Nil(t, d[0].Sims)
		}},
		{"page 1 of 3", "limit=2&page=1", meta{1, 3, 2, 6}, 2, nil},
		{"last page", "limit=2&page=3", meta{3, 3, 2, 6}, 2, nil},
		{"past the last page", "limit=2&page=4", meta{4, 3, 2, 6}, 0, nil},
		{"type topup", "type=topup&limit=4", meta{1, 2, 4, 5}, 4, nil},
		{"type sim via filter", "filter[type]=sim", meta{1, 1, 50, 1}, 1, nil},
		{"description", "filter[description]=cust-1", meta{1, 1, 50, 3}, 3, nil},
		{"iccid", "filter[iccid]=" + TopupsSeedICCID, meta{1, 1, 50, 6}, 6, nil},
		{"other iccid", "filter[iccid]=8944123456789012345", meta{1, 1, 50, 0}, 0, nil},
		{"status", "filter[order_status]=completed", meta{1, 1, 50, 6}, 6, nil},
		{"status none", "filter[order_status]=failed", meta{1, 1, 50, 0}, 0, nil},
		{"created_at range", "filter[created_at]=" + url.QueryEscape("2024-04-30 - 2024-05-01"), meta{1, 1, 50, 4}, 4, nil},
		{"created_at later", "filter[created_at]=" + url.QueryEscape("2024-05-03 - 2024-05-03"), meta{1, 1, 50, 2}, 2, nil},
		{"include sims and user", "include=sims,user,status&limit=1", meta{1, 6, 1, 6}, 1, func(t *testing.T, d []order) {
			require.Equal(t, TopupsSeedICCID, d[0].Sims[0].ICCID)
			require.NotEmpty(t, d[0].User)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.send(http.MethodGet, "/customer/v2/orders?"+tt.query, tok, nil, "")
			require.Equal(t, 200, r.status, r.body)
			var v struct {
				Data []order
				Meta meta
			}
			require.NoError(t, json.Unmarshal([]byte(r.body), &v))
			require.Equal(t, tt.want, v.Meta)
			require.Len(t, v.Data, tt.n)
			if tt.check != nil {
				tt.check(t, v.Data)
			}
		})
	}
	t.Run("filter by code", func(t *testing.T) {
		r := e.send(http.MethodGet, "/customer/v2/orders?limit=1", tok, nil, "")
		code := r.json(t)["data"].([]any)[0].(map[string]any)["code"].(string)
		require.Equal(t, "20240503-009671", code)
		r = e.send(http.MethodGet, "/customer/v2/orders?filter[code]="+code, tok, nil, "")
		require.EqualValues(t, 1, r.json(t)["meta"].(map[string]any)["total"])
	})
	for _, q := range []string{"limit=0", "limit=101", "limit=x", "page=0", "include=bogus", "type=esim", "filter[created_at]=2024-05-01", "filter[created_at]=" + url.QueryEscape("2024-05-02 - 2024-05-01")} {
		t.Run("invalid "+q, func(t *testing.T) {
			r := e.send(http.MethodGet, "/customer/v2/orders?"+q, tok, nil, "")
			require.Equal(t, 422, r.status, r.body)
			require.Equal(t, "the parameter is invalid", r.json(t)["meta"].(map[string]any)["message"])
		})
	}
}

func TestTopupsForcedErrors(t *testing.T) {
	e := newTopupsEnv(t, nil)
	tok := e.token()
	path := "/customer/v2/sims/" + TopupsSeedICCID + "/topups"
	tests := []struct {
		code, status int
		message      string
	}{
		{11, 422, "Insufficient credit."},
		{13, 503, "The operator is under maintenance."},
		{14, 422, "Invalid checksum."},
		{23, 422, "Top-up is disabled for this eSIM."},
		{33, 422, "Insufficient stock."},
		{34, 422, "The package is invalid or out of stock."},
		{43, 400, "Bad request."},
		{53, 500, "An unexpected error occurred."},
		{99, 422, "Error."},
	}
	for _, tt := range tests {
		t.Run(tt.message, func(t *testing.T) {
			e.fake.ForceError(path, tt.code)
			r := e.send(http.MethodGet, path, tok, nil, "")
			require.Equal(t, tt.status, r.status)
			v := r.json(t)
			require.EqualValues(t, tt.code, v["code"])
			require.Equal(t, tt.message, v["message"])
			require.Equal(t, 200, e.send(http.MethodGet, path, tok, nil, "").status, "a forced error is used once")
		})
	}
	e.fake.ForceMetaError(path, 503, "Maintenance.")
	r := e.send(http.MethodGet, path, tok, nil, "")
	require.Equal(t, 503, r.status)
	require.JSONEq(t, `{"data":{},"meta":{"message":"Maintenance."}}`, r.body)

	r = e.send(http.MethodGet, "/customer/v2/nope", tok, nil, "")
	require.Equal(t, 404, r.status)
}

func TestTopupsRenewal(t *testing.T) {
	e := newTopupsEnv(t, nil)
	const path = "/api/third-party/partner/renew-number/"
	tests := []struct {
		name, key, body string
		status          int
		success         bool
		message         string
	}{
		{"wrong key", "nope", `{"email":"user@example.com"}`, 401, false, "Invalid API key."},
		{"no key", "", `{"email":"user@example.com"}`, 401, false, "Invalid API key."},
		{"bad json", topupsTestKey, `{`, 400, false, "Invalid JSON body."},
		{"bad email", topupsTestKey, `{"email":"nope"}`, 422, false, "A valid email is required."},
		{"unknown email", topupsTestKey, `{"email":"who@example.com"}`, 404, false, "User not found."},
		{"renew", topupsTestKey, `{"email":"User@Example.com"}`, 200, true, "Subscription renewed."},
		{"trial converts", topupsTestKey, `{"email":"trial@example.com"}`, 200, true, "Free trial converted to a paid subscription."},
		{"then renews", topupsTestKey, `{"email":"trial@example.com"}`, 200, true, "Subscription renewed."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.send(http.MethodPost, path, tt.key, nil, tt.body)
			require.Equal(t, tt.status, r.status, r.body)
			v := r.json(t)
			require.Equal(t, tt.success, v["success"])
			require.Equal(t, tt.message, v["message"])
			if tt.success {
				require.Nil(t, v["data"])
			}
		})
	}
	require.Equal(t, 1, e.fake.Renewals("user@example.com"))
	require.Equal(t, 2, e.fake.Renewals("trial@example.com"))
	require.Equal(t, 0, e.fake.Renewals("who@example.com"))
	e.fake.AddRenewalUser("who@example.com", true)
	r := e.send(http.MethodPost, path, topupsTestKey, nil, `{"email":"who@example.com"}`)
	require.Equal(t, 200, r.status)
}

func TestTopupsRenewalAcceptAnyEmail(t *testing.T) {
	e := newTopupsEnv(t, func(c *TopupsFakeConfig) { c.AcceptAnyEmail = true })
	r := e.send(http.MethodPost, "/api/third-party/partner/renew-number/", topupsTestKey, nil, `{"email":"new@example.com"}`)
	require.Equal(t, 200, r.status)
	require.Equal(t, 1, e.fake.Renewals("new@example.com"))
}

func TestTopupsConcurrentSubmits(t *testing.T) {
	e := newTopupsEnv(t, func(c *TopupsFakeConfig) { c.Balance = decimal.RequireFromString("76") })
	tok := e.token()
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e.send(http.MethodPost, "/customer/v2/orders/topups", tok, map[string]string{"package_id": "merhaba-7days-1gb-topup", "iccid": TopupsSeedICCID}, "")
		}()
	}
	wg.Wait()
	require.Equal(t, 10, e.fake.OrderCount(), "76 buys exactly ten packages at 7.6")
	require.True(t, e.fake.Balance().IsZero())
}

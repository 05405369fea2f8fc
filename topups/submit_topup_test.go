package topups

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/signing"
)

var submitURL = testBase + "/customer/v2/orders/topups"

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func nullDec(s string) decimal.NullDecimal { return decimal.NewNullDecimal(dec(s)) }

func TestTopupPackagesDecodes(t *testing.T) {
	e := newEnv(t)
	e.mt.RegisterResponder(http.MethodGet, topupsURL, jsonResponder(200, fixture(t, "topup_packages.json")))
	list, err := e.c.TopupPackages(context.Background(), testICCID)
	require.NoError(t, err)
	require.Equal(t, []Package{
		{ID: "bonjour-7days-1gb-topup", Price: dec("9.5"), NetPrice: nullDec("7.60"),
			Amount: 1024, Day: 7, Title: "1 GB - 7 Days", Data: "1 GB"},
		{ID: "bonjour-30days-3gb-topup", Price: dec("19.00"), NetPrice: nullDec("15.2"),
			Amount: 3072, Day: 30, Title: "3 GB - 30 Days", Voice: 100, Text: 50, Data: "3 GB"},
	}, list.Packages)
	require.Equal(t, "1024 MB", list.Packages[0].Amount.String())
}

// The list changes over time, so every call asks the provider.
func TestTopupPackagesNeverCached(t *testing.T) {
	e := newEnv(t)
	e.mt.RegisterResponder(http.MethodGet, topupsURL, jsonResponder(200, fixture(t, "topup_packages.json")))
	for range 3 {
		_, err := e.c.TopupPackages(context.Background(), testICCID)
		require.NoError(t, err)
	}
	require.Equal(t, 3, e.calls(http.MethodGet, topupsURL))
}

// ordersAnswer answers the orders look-up with rows and records queries.
func ordersAnswer(e *env, queries *[]url.Values, rows string) {
	e.mt.RegisterResponder(http.MethodGet, ordersURL, func(r *http.Request) (*http.Response, error) {
		*queries = append(*queries, r.URL.Query())
		return httpmock.NewStringResponse(200, `{"data":[`+rows+`],"meta":{"current_page":1,"last_page":1,"total":1}}`), nil
	})
}

func TestSubmitTopupLooksUpThenSendsReference(t *testing.T) {
	e := newEnv(t)
	var queries []url.Values
	// A longer reference containing ours is not ours: the provider's
	// filter matches substrings, the client compares exactly.
	ordersAnswer(e, &queries, `{"id":1,"type":"topup","description":"customer-42/order-70"}`)
	var form url.Values
	e.mt.RegisterResponder(http.MethodPost, submitURL, func(r *http.Request) (*http.Response, error) {
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") || r.ParseMultipartForm(1<<20) != nil {
			return httpmock.NewStringResponse(400, `{}`), nil
		}
		form = url.Values(r.MultipartForm.Value)
		return httpmock.NewStringResponse(200, fixture(t, "submit_topup.json")), nil
	})
	o, err := e.c.SubmitTopup(context.Background(), SubmitTopupParams{
		PackageID: "bonjour-7days-1gb-topup", ICCID: testICCID, Reference: "customer-42/order-7",
	})
	require.NoError(t, err)
	require.Equal(t, url.Values{"package_id": {"bonjour-7days-1gb-topup"}, "iccid": {testICCID}, "description": {"customer-42/order-7"}}, form)
	require.Len(t, queries, 1)
	require.Equal(t, "customer-42/order-7", queries[0].Get("filter[description]"))
	require.Equal(t, testICCID, queries[0].Get("filter[iccid]"))
	require.Equal(t, "topup", queries[0].Get("type"))
	require.Equal(t, "9666", o.ID)
	require.Equal(t, "20230316-009666", o.Code)
	require.Equal(t, OrderTypeTopup, o.Type)
	require.Equal(t, 1, o.Quantity)
	require.Equal(t, "7", o.Validity)
	require.True(t, dec("9.50").Equal(o.Price))
	require.True(t, o.NetPrice.Valid)
	require.True(t, dec("7.6").Equal(o.NetPrice.Decimal))
	require.Equal(t, time.Date(2023, 3, 16, 14, 12, 24, 0, time.UTC), o.CreatedAt)
	require.Len(t, o.SIMs, 1)
	require.Equal(t, "11028", o.SIMs[0].ID)
}

// A reference that already has a top-up returns it and submits nothing.
func TestSubmitTopupReturnsExistingTopup(t *testing.T) {
	e := newEnv(t)
	var queries []url.Values
	ordersAnswer(e, &queries, `{"id":"5","type":"topup","description":"ref-1","sims":[{"iccid":"`+testICCID+`"}],"price":9.5}`)
	o, err := e.c.SubmitTopup(context.Background(), SubmitTopupParams{PackageID: "p", ICCID: testICCID, Reference: "ref-1"})
	require.NoError(t, err)
	require.Equal(t, "5", o.ID)
	require.Zero(t, e.calls(http.MethodPost, submitURL))
}

// A top-up with this reference on another eSIM is not this one: the
// provider's ICCID filter matches substrings, so the look-up may return it.
func TestSubmitTopupIgnoresTopupOfAnotherESIM(t *testing.T) {
	e := newEnv(t)
	var queries []url.Values
	ordersAnswer(e, &queries, `{"id":"5","type":"topup","description":"ref-1","sims":[{"iccid":"`+testICCID+`1"}],"price":9.5}`)
	e.mt.RegisterResponder(http.MethodPost, submitURL, jsonResponder(200, fixture(t, "submit_topup.json")))
	o, err := e.c.SubmitTopup(context.Background(), SubmitTopupParams{PackageID: "p", ICCID: testICCID, Reference: "ref-1"})
	require.NoError(t, err)
	require.Equal(t, "9666", o.ID)
	require.Equal(t, 1, e.calls(http.MethodPost, submitURL))
}

// An eSIM order that carries the reference as its description is not the
// top-up: only top-up orders count.
func TestSubmitTopupIgnoresESIMOrderWithReference(t *testing.T) {
	e := newEnv(t)
	var queries []url.Values
	ordersAnswer(e, &queries, `{"id":"5","type":"sim","description":"ref-1","sims":[{"iccid":"`+testICCID+`"}],"price":9.5}`)
	e.mt.RegisterResponder(http.MethodPost, submitURL, jsonResponder(200, fixture(t, "submit_topup.json")))
	o, err := e.c.SubmitTopup(context.Background(), SubmitTopupParams{PackageID: "p", ICCID: testICCID, Reference: "ref-1"})
	require.NoError(t, err)
	require.Equal(t, "9666", o.ID)
	require.Equal(t, 1, e.calls(http.MethodPost, submitURL))
}

// Before submitting, a failed look-up sends nothing: the top-up might exist.
func TestSubmitTopupLookupFailureSubmitsNothing(t *testing.T) {
	e := newEnv(t)
	e.mt.RegisterResponder(http.MethodGet, ordersURL, jsonResponder(422, `{"meta":{"message":"bad"},"data":{}}`))
	_, err := e.c.SubmitTopup(context.Background(), SubmitTopupParams{PackageID: "p", ICCID: testICCID, Reference: "ref-1"})
	require.ErrorIs(t, err, apierror.ErrValidation)
	require.Zero(t, e.calls(http.MethodPost, submitURL))
	require.False(t, apierror.MayHaveActed(err), "nothing was sent")
	require.True(t, apierror.SafeToRetry(err), "so calling again cannot top up twice")
}

// A 503 may come after the work: never retried, settled by look-up, and
// unknown when the top-up is not found.
func TestSubmitTopupAmbiguousNotFoundIsOutcomeUnknown(t *testing.T) {
	e := newEnv(t)
	var queries []url.Values
	ordersAnswer(e, &queries, ``)
	e.mt.RegisterResponder(http.MethodPost, submitURL, func(*http.Request) (*http.Response, error) {
		r := httpmock.NewStringResponse(503, `{"message":"Service Unavailable"}`)
		r.Header.Set("X-Request-Id", "req-503")
		return r, nil
	})
	_, err := e.c.SubmitTopup(context.Background(), SubmitTopupParams{PackageID: "p", ICCID: testICCID, Reference: "ref-9"})
	require.ErrorIs(t, err, apierror.ErrOutcomeUnknown)
	var ae *apierror.Error
	require.ErrorAs(t, err, &ae)
	require.Contains(t, ae.Message, "no top-up with this reference was found")
	require.NotNil(t, ae.Err, "the submit's failure is kept, as text")
	require.Contains(t, ae.Err.Error(), "Service Unavailable")
	require.Equal(t, 503, ae.StatusCode, "the submit's answer, for support")
	require.Equal(t, "req-503", ae.RequestID)
	require.Equal(t, "ref-9", ae.Reference)
	require.Equal(t, e.clock.Now(), ae.Started)
	require.True(t, ae.Ambiguous)
	require.Equal(t, 1, e.calls(http.MethodPost, submitURL))
	require.Len(t, queries, 2, "looked up before and after")
	require.Empty(t, *e.sleeps)
}

// An ambiguous submit whose settling look-up fails says the look-up
// failed, not that no top-up exists.
func TestSubmitTopupAmbiguousLookupFails(t *testing.T) {
	e := newEnv(t)
	lookups := 0
	e.mt.RegisterResponder(http.MethodGet, ordersURL, func(*http.Request) (*http.Response, error) {
		if lookups++; lookups == 1 {
			return httpmock.NewStringResponse(200, `{"data":[],"meta":{"current_page":1,"last_page":1,"total":0}}`), nil
		}
		return httpmock.NewStringResponse(422, `{"meta":{"message":"bad"},"data":{}}`), nil
	})
	e.mt.RegisterResponder(http.MethodPost, submitURL, jsonResponder(503, `{"message":"Service Unavailable"}`))
	_, err := e.c.SubmitTopup(context.Background(), SubmitTopupParams{PackageID: "p", ICCID: testICCID, Reference: "ref-9"})
	require.ErrorIs(t, err, apierror.ErrOutcomeUnknown)
	var ae *apierror.Error
	require.ErrorAs(t, err, &ae)
	require.Contains(t, ae.Message, "the look-up failed")
	require.Equal(t, 2, lookups)
}

// A definite refusal means nothing was placed: no settling look-up.
func TestSubmitTopupDefiniteRefusal(t *testing.T) {
	e := newEnv(t)
	var queries []url.Values
	ordersAnswer(e, &queries, ``)
	e.mt.RegisterResponder(http.MethodPost, submitURL, jsonResponder(422, `{"message":"The package is invalid or out of stock.","code":34}`))
	_, err := e.c.SubmitTopup(context.Background(), SubmitTopupParams{PackageID: "p", ICCID: testICCID, Reference: "ref-9"})
	require.ErrorIs(t, err, apierror.ErrOutOfStock)
	require.NotErrorIs(t, err, apierror.ErrOutcomeUnknown)
	require.Len(t, queries, 1)
}

// Bad input is refused before anything is sent, token fetch included.
func TestBadInputRefusedBeforeSending(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.RenewalBaseURL = testRenewal; o.RenewalKey = signing.NewSecret("rk") })
	ctx := context.Background()
	submit := func(p SubmitTopupParams) func() error {
		return func() error { _, err := e.c.SubmitTopup(ctx, p); return err }
	}
	renew := func(email string) func() error {
		return func() error { _, err := e.c.RenewNumber(ctx, RenewNumberParams{Email: email}); return err }
	}
	list := func(p ListOrdersParams) func() error {
		return func() error { _, err := e.c.ListOrders(ctx, p); return err }
	}
	calls := []struct {
		name string
		call func() error
	}{
		{"packages bad iccid", func() error { _, err := e.c.TopupPackages(ctx, "8985-234"); return err }},
		{"packages 16 digits", func() error { _, err := e.c.TopupPackages(ctx, "8985234123456789"); return err }},
		{"packages letters", func() error { _, err := e.c.TopupPackages(ctx, "8985234123456789012X"); return err }},
		{"submit empty package", submit(SubmitTopupParams{PackageID: " ", ICCID: testICCID, Reference: "r"})},
		{"submit NUL package", submit(SubmitTopupParams{PackageID: "p\x00", ICCID: testICCID, Reference: "r"})},
		{"submit bad iccid", submit(SubmitTopupParams{PackageID: "p", ICCID: "123", Reference: "r"})},
		{"submit no reference", submit(SubmitTopupParams{PackageID: "p", ICCID: testICCID})},
		{"submit huge reference", submit(SubmitTopupParams{PackageID: "p", ICCID: testICCID, Reference: strings.Repeat("x", 1<<20)})},
		{"submit NUL reference", submit(SubmitTopupParams{PackageID: "p", ICCID: testICCID, Reference: "a\x00b"})},
		{"history bad iccid", func() error { _, err := e.c.PackageHistory(ctx, "89852341234567890123456"); return err }},
		{"orders bad iccid", list(ListOrdersParams{ICCID: "abc"})},
		{"orders bad type", list(ListOrdersParams{Type: "esim"})},
		{"orders bad include", list(ListOrdersParams{Include: []Include{"package"}})},
		{"orders half date range", list(ListOrdersParams{CreatedFrom: time.Now()})},
		{"orders reversed date range", list(ListOrdersParams{CreatedFrom: time.Now(), CreatedTo: time.Now().AddDate(0, 0, -1)})},
		{"orders bad cursor", list(ListOrdersParams{Cursor: "-1"})},
		{"orders limit too big", list(ListOrdersParams{Limit: 101})},
		{"orders NUL description", list(ListOrdersParams{Description: "a\x00"})},
		{"iterator bad limit", func() error {
			for _, err := range e.c.AllOrders(ctx, ListOrdersParams{Limit: -5}) {
				return err
			}
			return nil
		}},
		{"renew bad email", renew("not-an-email")},
		{"renew empty email", renew("")},
		{"renew two addresses", renew("a@b.com,c@d.com")},
	}
	for _, tt := range calls {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			require.ErrorIs(t, err, apierror.ErrValidation)
			require.Equal(t, 0, e.mt.GetTotalCallCount())
			require.NotContains(t, err.Error(), "8985234123456789012X")
		})
	}
}

// A GET is retried on 503 through the injected sleeper.
func TestTopupPackagesRetried(t *testing.T) {
	e := newEnv(t)
	e.mt.RegisterResponder(http.MethodGet, topupsURL, httpmock.ResponderFromMultipleResponses([]*http.Response{
		httpmock.NewStringResponse(503, `{}`),
		httpmock.NewStringResponse(200, `{"data":[{"id":"x"}]}`),
	}))
	list, err := e.c.TopupPackages(context.Background(), testICCID)
	require.NoError(t, err)
	require.Len(t, list.Packages, 1)
	require.Len(t, *e.sleeps, 1)
}

// The caller's deadline ends the submit after the provider received it:
// the look-up still runs, on its own short deadline, and finds the top-up.
func TestSubmitTopupSettlesAfterCallerDeadline(t *testing.T) {
	e := newEnv(t)
	placed := false
	var mu sync.Mutex
	e.mt.RegisterResponder(http.MethodGet, ordersURL, func(*http.Request) (*http.Response, error) {
		mu.Lock()
		defer mu.Unlock()
		rows := ``
		if placed {
			rows = `{"id":"77","type":"topup","description":"ref-late"}`
		}
		return httpmock.NewStringResponse(200, `{"data":[`+rows+`],"meta":{"current_page":1,"last_page":1}}`), nil
	})
	e.mt.RegisterResponder(http.MethodPost, submitURL, func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		placed = true
		mu.Unlock()
		<-r.Context().Done()
		return nil, r.Context().Err()
	})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	o, err := e.c.SubmitTopup(ctx, SubmitTopupParams{PackageID: "p", ICCID: testICCID, Reference: "ref-late"})
	require.NoError(t, err)
	require.Equal(t, "77", o.ID)
	require.Equal(t, 1, e.calls(http.MethodPost, submitURL))
}

// A remembered top-up that cannot be read back is an error, never a zero
// order: the caller would take it for a placed top-up with no id.
func TestSubmitTopupCorruptMemory(t *testing.T) {
	e := newEnv(t)
	require.NoError(t, e.c.opts.Store.Set(context.Background(), submitKeyPrefix+testICCID+":ref-1", []byte("{"), time.Minute))
	o, err := e.c.SubmitTopup(context.Background(), SubmitTopupParams{PackageID: "p", ICCID: testICCID, Reference: "ref-1"})
	require.ErrorIs(t, err, apierror.ErrBadResponse)
	require.Nil(t, o)
	require.Zero(t, e.calls(http.MethodPost, submitURL))
}

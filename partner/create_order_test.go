package partner

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/ledger"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/retry"
)

// fakeOrders is a server that creates at most one order per external id,
// as the provider does, and answers lookups by external id.
type fakeOrders struct {
	mu      sync.Mutex
	created map[string]Order
	creates int
}

func (f *fakeOrders) create(t *testing.T, r *http.Request) (Order, bool) {
	var body struct {
		ExternalID string `json:"external_id"`
	}
	require.NoError(t, json.NewDecoder(r.Body).Decode(&body))
	f.mu.Lock()
	defer f.mu.Unlock()
	f.creates++
	if o, ok := f.created[body.ExternalID]; ok {
		return o, false
	}
	o := Order{ID: "7898e683-4e56-44a3-9782-eca3f758a844", ExternalID: body.ExternalID, Status: OrderProcessing}
	f.created[body.ExternalID] = o
	return o, true
}

func (f *fakeOrders) lookup(r *http.Request) (*http.Response, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	data := []Order{}
	if o, ok := f.created[r.URL.Query().Get("external_id")]; ok {
		data = append(data, o)
	}
	b, _ := json.Marshal(map[string]any{"success": true, "data": data, "meta": map[string]any{"next_cursor": nil}})
	return jsonResponse(200, b), nil
}

func (f *fakeOrders) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.created)
}

var errReset = errors.New("connection reset by peer")

func orderParams() CreateOrderParams {
	return CreateOrderParams{ExternalID: "ORD-12345", Item: OrderItemParams{SKUID: seedSKU, Quantity: 1}}
}

// TestCreateOrderTimeoutAfterServerCreatedOrder: the server creates the
// order but the answer never arrives; the caller still gets exactly one order.
func TestCreateOrderTimeoutAfterServerCreatedOrder(t *testing.T) {
	tests := []struct {
		name string
		// reply is the POST responder after the order is recorded.
		reply       func(t *testing.T, r *http.Request, o Order, fresh bool) (*http.Response, error)
		opts        []option.CallOption
		wantPosts   int
		wantLookups int
	}{
		{
			name: "connection lost, retry answers duplicate, lookup finds it",
			reply: func(t *testing.T, r *http.Request, o Order, fresh bool) (*http.Response, error) {
				if fresh {
					return nil, errReset
				}
				return jsonResponse(422, fixture(t, "error_duplicate_external_id.json")), nil
			},
			wantPosts: 2, wantLookups: 1,
		},
		{
			name: "every attempt times out, lookup finds it",
			reply: func(t *testing.T, r *http.Request, o Order, fresh bool) (*http.Response, error) {
				<-r.Context().Done() // the answer outlives the per-attempt deadline
				return nil, r.Context().Err()
			},
			opts:      []option.CallOption{option.WithTimeout(250 * time.Millisecond)},
			wantPosts: 3, wantLookups: 1,
		},
		{
			name: "no retries, attempt times out, lookup finds it",
			reply: func(t *testing.T, r *http.Request, o Order, fresh bool) (*http.Response, error) {
				<-r.Context().Done()
				return nil, r.Context().Err()
			},
			opts:      []option.CallOption{option.WithTimeout(250 * time.Millisecond), option.WithRetry(retry.Never())},
			wantPosts: 1, wantLookups: 1,
		},
		{
			name: "server error after creating is retried with the same id, lookup finds it",
			reply: func(t *testing.T, r *http.Request, o Order, fresh bool) (*http.Response, error) {
				return jsonResponse(500, fixture(t, "error_server.json")), nil
			},
			wantPosts: 3, wantLookups: 1,
		},
		{
			name: "2xx with an unreadable body, lookup finds it",
			reply: func(t *testing.T, r *http.Request, o Order, fresh bool) (*http.Response, error) {
				return jsonResponse(201, []byte(`{"success":true,"data":`)), nil
			},
			wantPosts: 1, wantLookups: 1,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			srv := &fakeOrders{created: map[string]Order{}}
			h.onFunc("POST", "/orders", func(r *http.Request) (*http.Response, error) {
				// the recorder consumed the body; rebuild it for the fake
				r.Body = http.NoBody
				last := h.requests()[len(h.requests())-1]
				r2 := r.Clone(r.Context())
				r2.Body = readCloser(last.Body)
				o, fresh := srv.create(t, r2)
				return tc.reply(t, r, o, fresh)
			})
			h.onFunc("GET", "/orders", srv.lookup)
			o, err := h.c.CreateOrder(context.Background(), orderParams(), tc.opts...)
			require.NoError(t, err)
			require.Equal(t, "ORD-12345", o.ExternalID)
			require.Equal(t, 1, srv.count(), "exactly one order exists")
			require.Equal(t, tc.wantPosts, h.count("POST"))
			require.Equal(t, tc.wantLookups, h.count("GET"))
			for _, r := range h.requests() {
				if r.Method == "GET" {
					require.Equal(t, "ORD-12345", r.Query["external_id"][0])
				}
			}
		})
	}
}

// sentBefore records in the client's ledger that the fleet already sent
// an order call with externalID for subject, as another replica's call
// would have.
func sentBefore(t *testing.T, c *Client, op, externalID, subject string) {
	t.Helper()
	e, err := c.Ledger().Begin(context.Background(), ledger.Intent{Call: op, Reference: externalID, Subject: subject})
	require.NoError(t, err)
	require.NoError(t, c.Ledger().Finish(context.Background(), e, ledger.Outcome{State: ledger.StateUnknown}))
}

// TestCreateOrderDuplicateExternalIDReturnsExisting: an id the fleet
// already sent for the same item yields the existing order, not an error.
func TestCreateOrderDuplicateExternalIDReturnsExisting(t *testing.T) {
	for _, tc := range []struct {
		name    string
		status  int
		fixture string
	}{
		{"409 conflict", 409, "error_conflict.json"},
		{"422 laravel unique", 422, "error_duplicate_external_id.json"},
		{"200 success false naming external_id", 200, "error_conflict.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			sentBefore(t, h.c, opCreateOrder, "ORD-12345", orderParams().subject(h.c.Ledger()))
			h.on(t, "POST", "/orders", tc.status, tc.fixture)
			// the search also matches ORD-123456 first: only the exact id counts
			h.on(t, "GET", "/orders", 200, "orders_by_external_id.json")
			o, err := h.c.CreateOrder(context.Background(), orderParams())
			require.NoError(t, err)
			require.True(t, o.Recovered)
			require.Equal(t, orderUUID, o.ID)
			require.Equal(t, "ORD-12345", o.ExternalID)
			require.Equal(t, 1, h.count("POST"), "a definitive answer is not retried")
		})
	}
}

// TestCreateOrderDuplicateWithoutFleetRecordIsConflict: a duplicate
// answer for an id the fleet has no record of sending, or sent for another
// SKU, is ErrConflict, without a look-up: the id was used for another
// order.
func TestCreateOrderDuplicateWithoutFleetRecordIsConflict(t *testing.T) {
	for _, tc := range []struct {
		name    string
		subject string
	}{
		{"no record", ""},
		{"sent for another SKU", "order/00000000-0000-0000-0000-000000000000/0/0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			if tc.subject != "" {
				sentBefore(t, h.c, opCreateOrder, "ORD-12345", tc.subject)
			}
			h.on(t, "POST", "/orders", 409, "error_conflict.json")
			h.on(t, "GET", "/orders", 200, "orders_by_external_id.json")
			meta := option.Response{Recovered: true} // reused from an earlier call
			_, err := h.c.CreateOrder(context.Background(), orderParams(), option.WithResponse(&meta))
			require.ErrorIs(t, err, apierror.ErrConflict)
			require.False(t, meta.Recovered)
			require.False(t, apierror.MayHaveActed(err))
			require.Equal(t, 0, h.count("GET"))
		})
	}
}

// TestTopupDuplicateExternalIDReturnsExisting: top-ups share the lookup path.
func TestTopupDuplicateExternalIDReturnsExisting(t *testing.T) {
	h := newHarness(t)
	sentBefore(t, h.c, opTopupESIM, "ORD-12345", "esim-topup/"+h.c.Ledger().Hash(seedICCID)+"/")
	h.on(t, "POST", "/services/esim/"+seedICCID+"/topup", 409, "error_conflict.json")
	h.on(t, "GET", "/orders", 200, "orders_by_external_id.json")
	o, err := h.c.TopupESIM(context.Background(), seedICCID, TopupESIMParams{ExternalID: "ORD-12345"})
	require.NoError(t, err)
	require.Equal(t, orderUUID, o.ID)
}

// TestCreateOrderUnresolvedFailures: when the lookup finds nothing or fails,
// the caller gets the original, classified error (and may retry the same id).
func TestCreateOrderUnresolvedFailures(t *testing.T) {
	tests := []struct {
		name     string
		post     func(*http.Request) (*http.Response, error)
		lookup   string
		lookupSt int
		want     error
	}{
		{"no answer, no order", func(*http.Request) (*http.Response, error) { return nil, errReset }, "orders_empty.json", 200, apierror.ErrUnavailable},
		{"500, no order", func(*http.Request) (*http.Response, error) { return jsonResponse(500, []byte(`{}`)), nil }, "orders_empty.json", 200, apierror.ErrServer},
		// A 409 for an id this fleet sent is that order: never ErrConflict,
		// always ambiguous and safe to call again.
		{"duplicate, lookup fails", func(*http.Request) (*http.Response, error) { return jsonResponse(409, []byte(`{}`)), nil }, "error_unauthorized.json", 401, apierror.ErrUnavailable},
		{"duplicate, only a similar id", func(*http.Request) (*http.Response, error) { return jsonResponse(409, []byte(`{}`)), nil }, "orders_page1.json", 200, apierror.ErrUnavailable},
		{"2xx without an order, no order", func(*http.Request) (*http.Response, error) {
			return jsonResponse(200, []byte(`{"success":true,"data":{}}`)), nil
		}, "orders_empty.json", 200, apierror.ErrBadResponse},
		{"2xx with null data, no order", func(*http.Request) (*http.Response, error) {
			return jsonResponse(200, []byte(`{"success":true,"data":null}`)), nil
		}, "orders_empty.json", 200, apierror.ErrBadResponse},
		{"no answer, lookup fails", func(*http.Request) (*http.Response, error) { return nil, errReset }, "error_unauthorized.json", 401, apierror.ErrUnavailable},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			sentBefore(t, h.c, opCreateOrder, "ORD-12345", orderParams().subject(h.c.Ledger()))
			h.onFunc("POST", "/orders", tc.post)
			h.on(t, "GET", "/orders", tc.lookupSt, tc.lookup)
			// A Response reused from an earlier call: every field is this call's.
			meta := option.Response{Recovered: true, StatusCode: 201}
			o, err := h.c.CreateOrder(context.Background(), orderParams(), option.WithResponse(&meta))
			require.Nil(t, o)
			require.False(t, meta.Recovered, "nothing was recovered")
			require.NotEqual(t, 201, meta.StatusCode)
			require.NotEmpty(t, meta.Lookups, "the look-up is listed")
			require.ErrorIs(t, err, tc.want)
			require.NotErrorIs(t, err, apierror.ErrConflict)
			var e *apierror.Error
			require.ErrorAs(t, err, &e)
			require.True(t, e.Ambiguous)
			require.True(t, apierror.MayHaveActed(err))
			require.True(t, apierror.SafeToRetry(err), "the same external_id is safe to send again")
			require.GreaterOrEqual(t, h.count("GET"), 1)
			require.Equal(t, orderParams().ExternalID, e.Reference)
			// The message says what happened and what to do: the attempt's
			// own text first (when it had one), why the order is unknown
			// (naming a failed look-up's class), then that a repeat is safe.
			require.True(t, strings.HasSuffix(e.Message, "; calling again with the same external_id is safe"), e.Message)
			require.False(t, strings.HasPrefix(e.Message, ";"), e.Message)
			if tc.lookupSt != 200 {
				require.Contains(t, e.Message, "the order look-up by external_id failed ("+apierror.ErrUnauthorized.Error()+")")
			}
			if first := map[string]string{"no answer, no order": "request failed; ", "2xx with null data, no order": "response data missing or malformed; "}[tc.name]; first != "" {
				require.True(t, strings.HasPrefix(e.Message, first), e.Message)
			}
		})
	}
}

// TestCreateOrderDefinitiveErrorsNoLookup: refusals are returned as they are,
// classified, without a lookup.
func TestCreateOrderDefinitiveErrorsNoLookup(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		fixture string
		want    error
	}{
		{"402 insufficient balance", 402, "error_insufficient_balance.json", apierror.ErrInsufficientFunds},
		{"400 insufficient funds including overdraft", 400, "error_insufficient_balance_400.json", apierror.ErrInsufficientFunds},
		{"422 validation", 422, "error_validation.json", apierror.ErrValidation},
		{"401 unauthorized", 401, "error_unauthorized.json", apierror.ErrUnauthorized},
		{"400 out of stock", 400, "error_out_of_stock.json", apierror.ErrOutOfStock},
		{"200 success false", 200, "success_false.json", apierror.ErrValidation},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			h.on(t, "POST", "/orders", tc.status, tc.fixture)
			h.on(t, "GET", "/orders", 200, "orders_by_external_id.json")
			meta := option.Response{Recovered: true} // reused from an earlier call
			_, err := h.c.CreateOrder(context.Background(), orderParams(), option.WithResponse(&meta))
			require.ErrorIs(t, err, tc.want)
			require.False(t, meta.Recovered, "a refusal recovered nothing")
			require.False(t, apierror.MayHaveActed(err), "a refusal of every attempt ordered nothing")
			require.True(t, apierror.SafeToRetry(err))
			require.Equal(t, 0, h.count("GET"))
			require.Equal(t, 1, h.count("POST"))
			require.NotContains(t, err.Error(), testSecret)
			require.NotContains(t, err.Error(), testToken)
		})
	}
}

// TestCreateOrderCallerCancelled: a caller that gave up gets its context
// error and no lookup is attempted.
func TestCreateOrderCallerCancelled(t *testing.T) {
	h := newHarness(t)
	ctx, cancel := context.WithCancel(context.Background())
	h.onFunc("POST", "/orders", func(*http.Request) (*http.Response, error) {
		cancel()
		return nil, errReset
	})
	h.on(t, "GET", "/orders", 200, "orders_by_external_id.json")
	meta := option.Response{Recovered: true} // reused from an earlier call
	_, err := h.c.CreateOrder(ctx, orderParams(), option.WithResponse(&meta))
	require.ErrorIs(t, err, context.Canceled)
	require.False(t, meta.Recovered)
	require.Equal(t, 0, h.count("GET"))
	var e *apierror.Error
	require.ErrorAs(t, err, &e)
	require.True(t, e.Ambiguous, "the attempt may have reached the provider")
	require.Equal(t, "ORD-12345", e.Reference)
	require.Equal(t, time.Unix(seedTS, 0), e.Started)
	require.Contains(t, e.Message, "context ended before the order could be looked up")
	require.NotErrorIs(t, err, apierror.ErrOutcomeUnknown, "repeating with the same external id is safe here")
}

// TestTopupCheckCanRenew: the status check runs only when asked, and a
// false can_renew refuses the top-up before it is sent.
func TestTopupCheckCanRenew(t *testing.T) {
	tests := []struct {
		name      string
		check     bool
		status    string
		wantErr   error
		wantGets  int
		wantPosts int
	}{
		{"not asked: no status call", false, "esim_status_no_renew.json", nil, 0, 1},
		{"asked, can renew", true, "esim_status.json", nil, 1, 1},
		{"asked, cannot renew", true, "esim_status_no_renew.json", apierror.ErrValidation, 1, 0},
		{"asked, status fails", true, "", apierror.ErrNotFound, 1, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			if tc.status == "" {
				h.on(t, "GET", "/services/esim/"+seedICCID+"/status", 404, "error_not_found.json")
			} else {
				h.on(t, "GET", "/services/esim/"+seedICCID+"/status", 200, tc.status)
			}
			h.on(t, "POST", "/services/esim/"+seedICCID+"/topup", 201, "topup_created.json")
			_, err := h.c.TopupESIM(context.Background(), seedICCID, TopupESIMParams{ExternalID: "topup-12345", CheckCanRenew: tc.check})
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
			} else {
				require.NoError(t, err)
			}
			require.Equal(t, tc.wantGets, h.count("GET"))
			require.Equal(t, tc.wantPosts, h.count("POST"))
		})
	}
}

// TestCreateOrderLookupFindsAnotherSKU: after an ambiguous attempt, an order
// found by the external id but for another SKU is not this order: the id
// was used for something else, and this call ordered nothing.
func TestCreateOrderLookupFindsAnotherSKU(t *testing.T) {
	h := newHarness(t)
	h.onFunc("POST", "/orders", func(*http.Request) (*http.Response, error) { return nil, errReset })
	h.on(t, "GET", "/orders", 200, "orders_by_external_id.json")
	p := orderParams()
	p.Item.SKUID = "019bc0dd-8562-7173-afd9-000000000000"
	meta := option.Response{Recovered: true} // reused from an earlier call
	o, err := h.c.CreateOrder(context.Background(), p, option.WithResponse(&meta))
	require.Nil(t, o)
	require.False(t, meta.Recovered, "the order found is not recovered as this one")
	require.ErrorContains(t, err, "the order with this external_id is for another SKU")
	require.False(t, apierror.MayHaveActed(err))
	// The id was used for another order: ErrConflict, as for a 409, not
	// the lost attempt's "unavailable", which reads as "try again".
	require.ErrorIs(t, err, apierror.ErrConflict)
	require.NotErrorIs(t, err, apierror.ErrUnavailable)
}

package partner

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/ledger"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/retry"
)

// TestOrderLedgerSubjectNamesWhatWasBought: the ledger entry of an order
// names the SKU, quantity and amount, and the fields (which may hold a
// phone number) only as a keyed hash, so orders for different fields are
// different orders and no customer data reaches the ledger.
func TestOrderLedgerSubjectNamesWhatWasBought(t *testing.T) {
	h := newHarness(t)
	h.on(t, "POST", "/orders", 201, "order_created.json")
	plain := orderParams()
	_, err := h.c.CreateOrder(context.Background(), plain)
	require.NoError(t, err)
	e := ownEntry(t, h.c, plain.ExternalID)
	require.Equal(t, "order/"+seedSKU+"/1/0", e.Subject)

	withFields := orderParams()
	withFields.ExternalID = "ORD-FIELDS"
	withFields.Item.SKUID = strings.ToUpper(seedSKU) // the SKU is matched case-insensitively
	withFields.Item.Fields = map[string]any{"phone": "+491701234567"}
	_, err = h.c.CreateOrder(context.Background(), withFields)
	require.NoError(t, err)
	e = ownEntry(t, h.c, withFields.ExternalID)
	require.True(t, strings.HasPrefix(e.Subject, "order/"+seedSKU+"/1/0/"), e.Subject)
	require.Greater(t, len(e.Subject), len("order/"+seedSKU+"/1/0/"))
	require.NotContains(t, e.Subject, "491701234567")
}

// TestDuplicateOfAnOrderForOtherFieldsIsConflict: an external id the
// fleet sent for the same SKU but other fields (another phone to
// recharge) is another order: a 409 for it is ErrConflict, never that
// order returned as this one.
func TestDuplicateOfAnOrderForOtherFieldsIsConflict(t *testing.T) {
	h := newHarness(t)
	first := orderParams()
	first.Item.Fields = map[string]any{"phone": "+491701234567"}
	h.onFunc("POST", "/orders", func(*http.Request) (*http.Response, error) {
		if h.count("POST") == 1 {
			return jsonResponse(201, fixture(t, "order_created.json")), nil
		}
		return jsonResponse(409, fixture(t, "error_conflict.json")), nil
	})
	h.on(t, "GET", "/orders", 200, "orders_by_external_id.json")
	_, err := h.c.CreateOrder(context.Background(), first)
	require.NoError(t, err)

	for _, fields := range []map[string]any{{"phone": "+491709999999"}, nil} {
		again := orderParams()
		again.Item.Fields = fields
		_, err = h.c.CreateOrder(context.Background(), again)
		require.ErrorIs(t, err, apierror.ErrConflict)
		require.ErrorContains(t, err, "this fleet sent the external_id for another order")
	}
	require.Equal(t, 0, h.count("GET"))
}

// TestLookUpAcceptsAnOrderThatListsNoItems: an order found by the
// external id that lists no items cannot be ruled out as this one, so it
// is returned; one listing only other SKUs is refused.
func TestLookUpAcceptsAnOrderThatListsNoItems(t *testing.T) {
	for _, tc := range []struct {
		name  string
		items string
		want  ledger.State
	}{
		{"no items", `[]`, ledger.StateRecovered},
		{"items omitted", ``, ledger.StateRecovered},
		{"this SKU after another", `[{"sku_id":"019bc0dd-8562-7173-afd9-000000000000"},{"sku_id":"` + seedSKU + `"}]`, ledger.StateRecovered},
		{"another SKU only", `[{"sku_id":"019bc0dd-8562-7173-afd9-000000000000"}]`, ledger.StateFailed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			h.onFunc("POST", "/orders", func(*http.Request) (*http.Response, error) { return nil, errReset })
			items := ``
			if tc.items != "" {
				items = `,"items":` + tc.items
			}
			h.onFunc("GET", "/orders", func(*http.Request) (*http.Response, error) {
				return jsonResponse(200, []byte(`{"success":true,"data":[{"id":"`+orderUUID+`","external_id":"ORD-12345","status":"completed","total_amount":"25.50","currency":"USD"`+items+`}],"meta":{"next_cursor":null}}`)), nil
			})
			o, err := h.c.CreateOrder(context.Background(), orderParams(), option.WithRetry(retry.Never()))
			require.Equal(t, tc.want, ownEntry(t, h.c, "ORD-12345").State)
			if tc.want == ledger.StateFailed {
				require.ErrorIs(t, err, apierror.ErrConflict)
				require.ErrorContains(t, err, "the order with this external_id is for another SKU")
				require.False(t, apierror.MayHaveActed(err))
				return
			}
			require.NoError(t, err)
			require.Equal(t, orderUUID, o.ID)
			require.True(t, o.Recovered)
		})
	}
}

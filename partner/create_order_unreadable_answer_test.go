package partner_test

import (
	"context"
	"encoding/hex"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/partner"
	"github.com/simkit/simkit/simkittest"
)

// A 2xx success answer whose data is not an order ({} or an order without
// id) was returned as the created order with every field empty: the caller
// could not tell which order it paid for. It is an unreadable answer, so
// the order is looked up by external id like after any ambiguous attempt.
func TestCreateOrderAnswerWithoutOrderIDIsLookedUp(t *testing.T) {
	tests := []struct {
		name string
		body string
	}{
		{"empty data", `{"success":true,"data":{}}`},
		{"data without id", `{"success":true,"data":{"status":"created"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := simkittest.New(t)
			env.Faults.Add(simkittest.Fault{Provider: simkittest.ProviderPartner, Method: "POST", Path: "/orders", Times: 1, Kind: simkittest.MalformedBody, Body: tt.body})
			o, err := env.Client.Partner.CreateOrder(context.Background(), partner.CreateOrderParams{
				ExternalID: "cart-noid",
				Item:       partner.OrderItemParams{SKUID: simkittest.PartnerSKUVoucher},
			})
			require.NoError(t, err)
			require.Len(t, env.Partner.Orders(), 1)
			require.NotEmpty(t, o.ID)
			require.Equal(t, "cart-noid", o.ExternalID)
		})
	}
}

// A 2xx order answer carries the goods: voucher PINs, serial numbers, eSIM
// QR codes. When it arrived cut short and the look-up failed too, the
// returned error kept the start of that body in Raw, so a caller logging
// the error value (%#v, %d, a struct dump) printed a live PIN.
func TestCreateOrderUnreadableAnswerKeepsNoGoodsInError(t *testing.T) {
	const pin = "PIN-4242-9999-SECRET"
	tests := []struct {
		name string
		body string
	}{
		{"truncated", `{"success":true,"data":{"id":"0f0e","items":[{"delivery_data":[{"pin":"` + pin + `","serial_number":"SN-1`},
		{"wrong type", `{"success":true,"data":{"id":7,"items":[{"delivery_data":[{"pin":"` + pin + `"}]}]}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := simkittest.New(t)
			env.Faults.Add(simkittest.Fault{Provider: simkittest.ProviderPartner, Method: "POST", Path: "/orders", Kind: simkittest.MalformedBody, Body: tt.body})
			env.Faults.Add(simkittest.Fault{Provider: simkittest.ProviderPartner, Method: "GET", Path: "/orders", Kind: simkittest.Status, Status: 503})
			_, err := env.Client.Partner.CreateOrder(context.Background(), partner.CreateOrderParams{
				ExternalID: "cart-pin",
				Item:       partner.OrderItemParams{SKUID: simkittest.PartnerSKUVoucher},
			})
			require.Error(t, err)
			for _, verb := range []string{"%v", "%+v", "%#v", "%d", "%x"} {
				require.NotContains(t, fmt.Sprintf(verb, err), pin, verb)
				require.NotContains(t, fmt.Sprintf(verb, err), hex.EncodeToString([]byte(pin)), verb)
			}
			var ae *apierror.Error
			require.ErrorAs(t, err, &ae)
			require.NotContains(t, string(ae.Raw), pin)
		})
	}
}

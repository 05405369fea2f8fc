package partner_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

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

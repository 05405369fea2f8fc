package esimstory_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/esimstory"
)

func TestCreateOrderErrorBodiesDecode(t *testing.T) {
	tests := []struct {
		name     string
		status   int
		body     []byte
		kind     error
		code     string
		contains []string
	}{
		// A 500 may hide a created order: it is retried (3 attempts) and,
		// unsettled, ends marked Ambiguous with the reference.
		{"400 string error", 400, fixture(t, "error_400.json"), apierror.ErrValidation, "", []string{"Invalid JSON format"}},
		{"401 object error keeps code", 401, fixture(t, "error_401.json"), apierror.ErrUnauthorized, "unauthorized", []string{"Invalid signature."}},
		{"422 blank id", 422, fixture(t, "error_422_blank.json"), apierror.ErrValidation, "", []string{"External order id can't be blank"}},
		{"422 duplicate id is a conflict naming the id", 422, fixture(t, "error_422_taken.json"), apierror.ErrConflict, "", []string{`"ORDER-7"`, "has already been taken"}},
		{"422 unknown option is not found", 422, fixture(t, "error_422_option.json"), apierror.ErrNotFound, "", []string{"Product with option_id not found"}},
		{"422 upstream failure may have created the order", 422, fixture(t, "error_422_upstream.json"), apierror.ErrUnavailable, "", []string{"eSIM Request failed", "same external order id is safe"}},
		{"422 connection failure may have created the order", 422, []byte(`{"errors":["API connection error (Order ID: 4711)"]}`), apierror.ErrUnavailable, "", []string{"API connection error", "same external order id is safe"}},
		{"500 string error", 500, fixture(t, "error_500.json"), apierror.ErrServer, "", []string{"Internal server error", "same external order id is safe"}},
		{"non-JSON body", 500, []byte("<html>oops</html>"), apierror.ErrServer, "", []string{"<html>oops</html>"}},
		{"422 with several messages", 422, []byte(`{"errors":["Products is invalid","Qty must be greater than 0"]}`), apierror.ErrValidation, "", []string{"Products is invalid; Qty must be greater than 0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mt := httpmock.NewMockTransport()
			mt.RegisterResponder(http.MethodPost, ordersURL, jsonResponder(tt.status, tt.body, nil))
			c := testClient(t, mt, newClock())
			order, err := c.CreateOrder(context.Background(), esimstory.CreateOrderParams{
				ExternalOrderID: "ORDER-7", Products: []esimstory.OrderProductParams{{OptionID: optionA, Qty: 1}},
			})
			require.Nil(t, order)
			require.ErrorIs(t, err, tt.kind)
			var e *apierror.Error
			require.True(t, errors.As(err, &e))
			require.Equal(t, tt.status, e.StatusCode)
			require.Equal(t, esimstory.Provider, e.Provider)
			require.Equal(t, "POST /v1/api_partner/orders", e.Op)
			require.Equal(t, tt.code, e.Code)
			for _, s := range tt.contains {
				require.Contains(t, err.Error(), s)
			}
			require.NotContains(t, err.Error(), testSecret.Reveal())
			mayExist := tt.status == 500 || errors.Is(err, apierror.ErrUnavailable)
			require.Equal(t, mayExist, e.Ambiguous, "only an answer that may hide an order is marked")
			require.NotErrorIs(t, err, apierror.ErrOutcomeUnknown)
			calls := 1
			if tt.status == 500 {
				calls = 3
			}
			require.Equal(t, calls, mt.GetTotalCallCount(), "4xx are not retried; 500 is")
		})
	}
}

package topups

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/transport"
)

// Each provider code maps to its sentinel, keeping the provider's message.
func TestErrorCodesMapToSentinels(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		body    string
		kind    error
		code    string
		message string
	}{
		{"11 insufficient credit", 422, `{"message":"Insufficient credit","code":11}`, apierror.ErrInsufficientFunds, "11", "Insufficient credit"},
		{"13 maintenance", 422, `{"message":"Operator under maintenance","code":"13"}`, apierror.ErrUnavailable, "13", "Operator under maintenance"},
		{"14 invalid checksum", 422, `{"message":"Invalid checksum","code":14}`, apierror.ErrValidation, "14", "Invalid checksum"},
		{"23 top-up disabled", 422, `{"message":"Top-up is disabled","code":23}`, apierror.ErrValidation, "23", "Top-up is disabled"},
		{"33 insufficient stock", 422, `{"message":"Insufficient stock","code":33}`, apierror.ErrOutOfStock, "33", "Insufficient stock"},
		{"34 package invalid", 422, `{"message":"Package invalid or out of stock","code":34}`, apierror.ErrOutOfStock, "34", "Package invalid or out of stock"},
		{"43 bad request", 400, `{"message":"Bad request","code":43}`, apierror.ErrValidation, "43", "Bad request"},
		{"53 unexpected", 422, `{"message":"Unexpected error","code":53}`, apierror.ErrServer, "53", "Unexpected error"},
		{"code in meta", 422, `{"meta":{"message":"Insufficient credit","code":11},"data":[]}`, apierror.ErrInsufficientFunds, "11", "Insufficient credit"},
		{"code in data", 422, `{"meta":{"message":"Insufficient stock"},"data":{"code":33}}`, apierror.ErrOutOfStock, "33", "Insufficient stock"},
		{"422 validation with fields", 422, fixtureText("error_meta.json"), apierror.ErrValidation, "",
			"the parameter is invalid: iccid: The iccid field is required.; package_id: The selected package id is invalid."},
		{"429 too many attempts", 429, `{"message":"Too Many Attempts."}`, apierror.ErrRateLimited, "", "Too Many Attempts."},
		{"404 not found", 404, `{"meta":{"message":"Not found"}}`, apierror.ErrNotFound, "", "Not found"},
		{"unknown code falls back to status", 500, `{"message":"boom","code":99}`, apierror.ErrServer, "99", "boom"},
		{"reason field", 422, `{"reason":"Insufficient credit","code":11}`, apierror.ErrInsufficientFunds, "11", "Insufficient credit"},
		{"not json", 502, `<html>bad gateway</html>`, apierror.ErrUnavailable, "", ""},
		{"89 IP not allowed", 403, `{"message":"Your IP address is not allowed","code":89}`, apierror.ErrUnauthorized, "89", "Your IP address is not allowed"},
		{"fields only", 422, `{"data":{"iccid":["bad","worse"]}}`, apierror.ErrValidation, "", "iccid: bad, worse"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.mt.RegisterResponder(http.MethodGet, topupsURL, jsonResponder(tt.status, tt.body))
			_, err := e.c.TopupPackages(context.Background(), testICCID)
			require.ErrorIs(t, err, tt.kind)
			var ae *apierror.Error
			require.ErrorAs(t, err, &ae)
			require.Equal(t, tt.code, ae.Code)
			require.Equal(t, tt.status, ae.StatusCode)
			require.Equal(t, Provider, ae.Provider)
			if tt.message != "" {
				require.Equal(t, tt.message, ae.Message)
			}
			require.NotEmpty(t, ae.Raw)
		})
	}
}

func TestDecodeErrorNilResponse(t *testing.T) {
	require.Equal(t, &apierror.Error{}, decodeError(nil))
	require.Equal(t, "", decodeError(&transport.Response{Body: []byte(`{"code":{"x":1}}`)}).Code)
}

package topups

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/signing"
)

const renewURL = testRenewal + "/api/third-party/partner/renew-number/"

func withRenewal(o *Options) {
	o.RenewalBaseURL = testRenewal
	o.RenewalKey = signing.NewSecret("renew-key")
}

func TestRenewNumber(t *testing.T) {
	e := newEnv(t, withRenewal)
	e.mt.RegisterResponder(http.MethodPost, renewURL, func(r *http.Request) (*http.Response, error) {
		require.Equal(t, "Bearer renew-key", r.Header.Get("Authorization"))
		require.Equal(t, "application/json", r.Header.Get("Content-Type"))
		b, _ := io.ReadAll(r.Body)
		var body map[string]string
		require.NoError(t, json.Unmarshal(b, &body))
		require.Equal(t, map[string]string{"email": "jane@example.com"}, body)
		return httpmock.NewStringResponse(200, fixture(t, "renew_ok.json")), nil
	})
	res, err := e.c.RenewNumber(context.Background(), RenewNumberParams{Email: " jane@example.com "})
	require.NoError(t, err)
	require.True(t, res.Success)
	require.Equal(t, "Number renewed successfully", res.Message)
	require.Equal(t, 0, e.calls(http.MethodPost, tokenURL), "renewal uses its own key, not the OAuth token")
}

func TestRenewNumberRefused(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		kinds  []error
		msg    string
	}{
		{"user not found", 200, fixtureText("renew_refused.json"), []error{ErrRenewalRefused, apierror.ErrNotFound}, "User not found"},
		{"other refusal", 200, `{"message":"Subscription already active","success":false,"data":null}`, []error{ErrRenewalRefused, apierror.ErrValidation}, "Subscription already active"},
		{"no message", 200, `{"success":false}`, []error{ErrRenewalRefused, apierror.ErrValidation}, "renewal refused"},
		{"unknown user as HTTP 404", 404, `{"message":"User not found.","success":false,"data":null}`, []error{ErrRenewalRefused, apierror.ErrNotFound}, "User not found."},
		{"http error", 401, `{"message":"Invalid key","success":false}`, []error{apierror.ErrUnauthorized}, "Invalid key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, withRenewal)
			e.mt.RegisterResponder(http.MethodPost, renewURL, jsonResponder(tt.status, tt.body))
			_, err := e.c.RenewNumber(context.Background(), RenewNumberParams{Email: "jane@example.com"})
			for _, k := range tt.kinds {
				require.ErrorIs(t, err, k)
			}
			var ae *apierror.Error
			require.ErrorAs(t, err, &ae)
			require.Equal(t, tt.msg, ae.Message)
			require.Equal(t, tt.status, ae.StatusCode)
			require.NotContains(t, err.Error(), "renew-key")
			require.Equal(t, 1, e.calls(http.MethodPost, renewURL), "never retried")
		})
	}
}

func TestRenewNumberNotConfigured(t *testing.T) {
	e := newEnv(t)
	_, err := e.c.RenewNumber(context.Background(), RenewNumberParams{Email: "jane@example.com"})
	require.ErrorIs(t, err, apierror.ErrNotConfigured)
	require.Equal(t, 0, e.mt.GetTotalCallCount())
}

package topups

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
)

// A 2xx the client cannot read as the renewal API's {success, message}
// answer (no body, or a body without success) says nothing about whether
// the renewal happened. It used to be reported as a definite refusal
// ("renewal refused", ErrValidation), inviting a second renewal that may
// charge again. Only an explicit success:false is a refusal.
func TestRenewNumberUnreadable2xxIsOutcomeUnknown(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		unknown bool
	}{
		{"empty body", ``, true},
		{"whitespace body", " \n", true},
		{"empty object", `{}`, true},
		{"null", `null`, true},
		{"message without success", `{"message":"Number renewed successfully"}`, true},
		{"explicit refusal", `{"success":false,"message":"User not found","data":null}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, withRenewal)
			e.mt.RegisterResponder(http.MethodPost, renewURL, jsonResponder(200, tt.body))
			_, err := e.c.RenewNumber(context.Background(), RenewNumberParams{Email: "jane@example.com"})
			require.Error(t, err)
			require.Equal(t, 1, e.calls(http.MethodPost, renewURL))
			if tt.unknown {
				require.ErrorIs(t, err, apierror.ErrOutcomeUnknown)
				require.NotErrorIs(t, err, ErrRenewalRefused)
				require.NotContains(t, err.Error(), "jane@example.com")
				return
			}
			require.ErrorIs(t, err, ErrRenewalRefused)
			require.NotErrorIs(t, err, apierror.ErrOutcomeUnknown)
		})
	}
}

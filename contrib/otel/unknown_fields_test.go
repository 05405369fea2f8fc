package simkitotel_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"

	"github.com/simkit/simkit/partner"
	"github.com/simkit/simkit/signing"
)

// A member the provider added is counted under its route and field.
func TestUnknownFieldsCounted(t *testing.T) {
	h := newHarness(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, `{"success":true,"data":{"balance":"10.00","currency":"USD","credit_score":7}}`)
	}))
	defer srv.Close()
	c, err := partner.New(func(o *partner.Options) {
		o.BaseURL, o.Token, o.Secret, o.Observer = srv.URL, signing.NewSecret("t"), signing.NewSecret("s"), h.obs
	})
	require.NoError(t, err)
	for range 2 {
		b, err := c.Balance(context.Background())
		require.NoError(t, err)
		require.Contains(t, b.Extra, "credit_score")
	}
	m := h.metrics(t)
	require.Equal(t, int64(2), count(t, m["simkit.client.unknown_fields"],
		attribute.String("simkit.route", "GET /balance"), attribute.String("simkit.field", "Balance.credit_score")))
}

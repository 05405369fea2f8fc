package simkittest_test

import (
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/signing"
	"github.com/simkit/simkit/simkittest"
)

func TestNewPartnerWebhookRequest(t *testing.T) {
	s := signing.NewSigner([]byte(simkittest.FakePartnerSecret))
	now := time.Unix(1768478058, 0)
	body := []byte(`{"event":"order.status_changed","idempotency_key":"k-1","data":{}}`)
	req, err := simkittest.NewPartnerWebhookRequest(s, "http://example.test/hook", body, now)
	require.NoError(t, err)
	require.Equal(t, "POST", req.Method)
	require.NoError(t, s.VerifyPartnerWebhook(req.Header.Get(signing.HeaderTimestamp), req.Header.Get(signing.HeaderSignature), "order.status_changed", "k-1", now, signing.PartnerWebhookTolerance))
	got, _ := io.ReadAll(req.Body)
	require.Equal(t, body, got)

	_, err = simkittest.NewPartnerWebhookRequest(s, "http://example.test/hook", []byte(`not json`), now)
	require.Error(t, err)
	_, err = simkittest.NewPartnerWebhookRequest(s, "://bad url", body, now)
	require.Error(t, err)
}

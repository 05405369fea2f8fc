package simkittest_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/simkit/simkit/esimstory"
	"github.com/simkit/simkit/partner"
	"github.com/simkit/simkit/signing"
	"github.com/simkit/simkit/simkittest"
	"github.com/simkit/simkit/topups"
	"github.com/stretchr/testify/require"
)

// journey is what the record and replay runs both do: one call of each
// kind of secret (bearer, HMAC order signature, eSIM Story headers, OAuth
// client secret and issued token), returning what the SDK decoded.
func journey(t *testing.T, env *simkittest.Env, rt http.RoundTripper) []string {
	t.Helper()
	ctx := context.Background()
	via := func(o *partner.Options) { o.Transport = rt }
	p, err := partner.New(env.PartnerOptions, via)
	require.NoError(t, err)
	bal, err := p.Balance(ctx)
	require.NoError(t, err)
	order, err := p.CreateOrder(ctx, partner.CreateOrderParams{ExternalID: "REC-1", Item: partner.OrderItemParams{SKUID: simkittest.PartnerSKUVoucher}})
	require.NoError(t, err)

	es, err := esimstory.New(env.ESIMStoryOptions, func(o *esimstory.Options) { o.Transport = rt })
	require.NoError(t, err)
	eo, err := es.CreateOrder(ctx, esimstory.CreateOrderParams{ExternalOrderID: "REC-E1", Products: []esimstory.OrderProductParams{{OptionID: simkittest.ESIMStoryOptionA, Qty: 2}}})
	require.NoError(t, err)

	tp, err := topups.New(env.TopupsOptions, func(o *topups.Options) { o.Transport = rt })
	require.NoError(t, err)
	pkgs, err := tp.TopupPackages(ctx, "89852341234567890123")
	require.NoError(t, err)
	require.NotEmpty(t, pkgs.Packages)
	return []string{bal.Balance.String(), order.ExternalID, string(order.Status), strings.Join(eo.TopupIDs(), ","), pkgs.Packages[0].ID}
}

func TestRecordThenReplayWithoutSecrets(t *testing.T) {
	env := simkittest.New(t)
	path := filepath.Join(t.TempDir(), "recordings", "journey.json")
	rec := simkittest.NewRecorder(path, nil, "partner@example.com")
	recorded := journey(t, env, rec)

	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	fixture := string(raw)
	for _, secret := range []string{
		simkittest.FakePartnerToken, simkittest.FakePartnerSecret, simkittest.FakeESIMStoryAccessKey,
		simkittest.FakeESIMStorySecretKey, simkittest.FakeTopupsClientSecret, "partner@example.com",
	} {
		require.NotContains(t, fixture, secret)
	}
	require.NotContains(t, fixture, `"access_token":"ey`)
	var fx struct {
		Exchanges []simkittest.Exchange `json:"exchanges"`
	}
	require.NoError(t, json.Unmarshal(raw, &fx))
	require.Len(t, fx.Exchanges, 5)
	require.Equal(t, simkittest.Redacted, fx.Exchanges[1].Request.Header.Get("X-Signature"))
	require.Equal(t, simkittest.Redacted, fx.Exchanges[2].Request.Header.Get("X-Esim-Story-Signature"))
	require.NotEmpty(t, fx.Exchanges[1].Request.Header.Get("X-Timestamp"), "timestamps are not secret")
	require.Contains(t, fixture, simkittest.Redacted)
	require.Contains(t, fixture, "REC-1", "non-secret data is kept")

	// Replay with no fakes reachable: a fresh Env only supplies options;
	// every request is answered from the fixture.
	rp, err := simkittest.NewReplayer(path)
	require.NoError(t, err)
	replayed := journey(t, simkittest.New(t), rp)
	require.Equal(t, recorded, replayed)
	require.Empty(t, rp.Unused())

	_, err = rp.RoundTrip(httptestRequest(t, "GET", "http://x/never"))
	require.ErrorIs(t, err, simkittest.ErrNoRecording)
}

func httptestRequest(t *testing.T, method, url string) *http.Request {
	req, err := http.NewRequest(method, url, nil)
	require.NoError(t, err)
	return req
}

// TestCommittedFixtureReplays is a contract test as a user writes one: it
// replays testdata/simkittest/recordings/partner.json (recorded with
// SIMKIT_RECORD=1, here against the fake standing in for a sandbox).
func TestCommittedFixtureReplays(t *testing.T) {
	path := filepath.Join("..", "testdata", "simkittest", "recordings", "partner.json")
	var rt http.RoundTripper
	base := "https://partner.invalid/v1/partner"
	if os.Getenv(simkittest.RecordEnv) != "" {
		env := simkittest.New(t)
		base = env.Config.PartnerURL
	}
	rt = simkittest.RecordOrReplay(t, path, nil)
	p, err := partner.New(func(o *partner.Options) {
		o.Transport = rt
		o.BaseURL = base
		o.Token = signing.NewSecret(simkittest.FakePartnerToken)
		o.Secret = signing.NewSecret(simkittest.FakePartnerSecret)
	})
	require.NoError(t, err)
	ctx := context.Background()
	bal, err := p.Balance(ctx)
	require.NoError(t, err)
	require.Equal(t, "1000.00", bal.Balance.StringFixed(2))
	var n int
	for prod, err := range p.AllProducts(ctx, partner.ListProductsParams{PerPage: 100}) {
		require.NoError(t, err)
		require.NotEmpty(t, prod.ID)
		n++
	}
	require.Equal(t, 250, n, "three recorded pages")
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NotContains(t, string(raw), simkittest.FakePartnerToken)
}

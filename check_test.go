package simkit_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit"
	"github.com/simkit/simkit/esimstory"
	"github.com/simkit/simkit/partner"
	"github.com/simkit/simkit/signing"
	"github.com/simkit/simkit/simkittest"
	"github.com/simkit/simkit/store"
	"github.com/simkit/simkit/topups"
)

// envOptions configures every provider against env's fakes, then edits.
func envOptions(env *simkittest.Env, edits ...simkit.Option) []simkit.Option {
	return append([]simkit.Option{
		simkit.WithPartner(env.PartnerOptions), simkit.WithSMS(env.SMSOptions),
		simkit.WithESIMStory(env.ESIMStoryOptions), simkit.WithTopups(env.TopupsOptions),
	}, edits...)
}

// statuses maps "provider credential" to its check's status.
func statuses(rs []simkit.CheckResult) map[string]simkit.CheckStatus {
	out := map[string]simkit.CheckStatus{}
	for _, r := range rs {
		out[r.Provider+" "+r.Credential] = r.Status
	}
	return out
}

// Check proves each credential, or says it could not, and never moves
// money: no order at any provider, balances untouched.
func TestCheckVerifiesEveryCredential(t *testing.T) {
	wrong := func(edit simkit.Option) []simkit.Option { return []simkit.Option{edit} }
	tests := []struct {
		name  string
		edits []simkit.Option
		want  map[string]simkit.CheckStatus
	}{
		{"all good", nil, map[string]simkit.CheckStatus{
			"partner token": simkit.CheckOK, "partner secret": simkit.CheckOK, "smsnumbers token": simkit.CheckOK,
			"esimstory access key and secret key": simkit.CheckOK, "topups client id and secret": simkit.CheckOK,
			"topups renewal key": simkit.CheckUnverified,
		}},
		{"wrong partner secret", wrong(simkit.WithPartner(func(o *partner.Options) { o.Secret = signing.NewSecret("not-the-secret") })),
			map[string]simkit.CheckStatus{"partner token": simkit.CheckOK, "partner secret": simkit.CheckFailed}},
		{"wrong partner token", wrong(simkit.WithPartner(func(o *partner.Options) { o.Token = signing.NewSecret("not-the-token") })),
			map[string]simkit.CheckStatus{"partner token": simkit.CheckFailed, "partner secret": simkit.CheckUnverified}},
		{"wrong eSIM Story secret key", wrong(simkit.WithESIMStory(func(o *esimstory.Options) { o.SecretKey = signing.NewSecret("d3Jvbmc=") })),
			map[string]simkit.CheckStatus{"esimstory access key and secret key": simkit.CheckFailed}},
		{"wrong eSIM Story access key", wrong(simkit.WithESIMStory(func(o *esimstory.Options) { o.AccessKey = signing.NewSecret("wrong") })),
			map[string]simkit.CheckStatus{"esimstory access key and secret key": simkit.CheckFailed}},
		{"wrong top-ups secret", wrong(simkit.WithTopups(func(o *topups.Options) { o.ClientSecret = signing.NewSecret("wrong") })),
			map[string]simkit.CheckStatus{"topups client id and secret": simkit.CheckFailed}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := simkittest.New(t)
			rs, err := simkit.Check(context.Background(), envOptions(env, tt.edits...)...)
			require.NoError(t, err)
			got := statuses(rs)
			for k, v := range tt.want {
				require.Equal(t, v, got[k], "%s: %+v", k, rs)
			}
			for _, r := range rs {
				require.NotContains(t, r.Detail, "\n")
				require.Equal(t, r.Status == simkit.CheckFailed, r.Err != nil, "%+v", r)
			}
			require.Empty(t, env.Partner.Orders(), "no partner order")
			require.Equal(t, "1000.00", env.Partner.Balance().StringFixed(2))
			require.Zero(t, env.Topups.OrderCount())
		})
	}
}

// A provider that refuses an unknown product before it checks signatures
// gives no proof: the secret is unverified, never "ok".
func TestCheckSecretUnverifiedWhenTheProviderChecksProductsFirst(t *testing.T) {
	env := simkittest.New(t)
	env.Faults.Add(simkittest.Fault{Provider: simkittest.ProviderPartner, Method: http.MethodPost, Path: "/orders",
		Kind: simkittest.Status, Status: http.StatusUnprocessableEntity,
		Body: `{"success":false,"message":"The selected item.sku id is invalid.","errors":{"item.sku_id":["The selected item.sku id is invalid."]}}`})
	for _, secret := range []string{simkittest.FakePartnerSecret, "not-the-secret"} {
		rs, err := simkit.Check(context.Background(), simkit.WithPartner(env.PartnerOptions,
			func(o *partner.Options) { o.Secret = signing.NewSecret(secret) }))
		require.NoError(t, err)
		require.Equal(t, simkit.CheckUnverified, statuses(rs)["partner secret"], "%+v", rs)
	}
}

// A provider that does not answer the probe fails the check; it is not
// "unverified", which means the provider answered and proved nothing.
func TestCheckSecretFailsWhenTheProviderDoesNotAnswer(t *testing.T) {
	env := simkittest.New(t)
	env.Faults.Add(simkittest.Fault{Provider: simkittest.ProviderPartner, Method: http.MethodPost, Path: "/orders", Kind: simkittest.Status, Status: 503})
	rs, err := simkit.Check(context.Background(), simkit.WithPartner(env.PartnerOptions))
	require.NoError(t, err)
	require.Equal(t, simkit.CheckFailed, statuses(rs)["partner secret"], "%+v", rs)
	require.Equal(t, simkit.CheckOK, statuses(rs)["partner token"])
}

// Three checks in a row sharing the fleet's Store take at most one top-up
// token: the provider issues three a minute to the whole account.
func TestCheckTakesAtMostOneTokenWithASharedStore(t *testing.T) {
	env := simkittest.New(t)
	st := store.NewMemory()
	for range 3 {
		rs, err := simkit.Check(context.Background(), simkit.WithStore(st), simkit.WithTopups(env.TopupsOptions))
		require.NoError(t, err)
		require.Equal(t, simkit.CheckOK, statuses(rs)["topups client id and secret"], "%+v", rs)
	}
	require.Equal(t, 1, env.Topups.TokenCount())
}

// Without a Store each run may take one token, and never a second one,
// even when the provider refuses the first.
func TestCheckNeverTakesASecondToken(t *testing.T) {
	env := simkittest.New(t)
	env.Faults.Add(simkittest.Fault{Provider: simkittest.ProviderTopups, Method: http.MethodGet, Path: "/customer/v2/orders",
		Kind: simkittest.Status, Status: http.StatusUnauthorized, Body: `{"message":"Unauthenticated."}`})
	rs, err := simkit.Check(context.Background(), simkit.WithTopups(env.TopupsOptions))
	require.NoError(t, err)
	require.Equal(t, simkit.CheckFailed, statuses(rs)["topups client id and secret"])
	require.Equal(t, 1, env.Topups.TokenCount())
}

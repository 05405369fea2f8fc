package simkit_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit"
	"github.com/simkit/simkit/esimstory"
	"github.com/simkit/simkit/partner"
	"github.com/simkit/simkit/signing"
	"github.com/simkit/simkit/smsnumbers"
	"github.com/simkit/simkit/topups"
)

const (
	partnerToken  = "s2s-token-DO-NOT-LEAK"
	partnerSecret = "partner-secret-DO-NOT-LEAK"
	smsToken      = "sms-token-DO-NOT-LEAK"
	topupsSecret  = "client-secret-DO-NOT-LEAK"
	renewalKey    = "renewal-key-DO-NOT-LEAK"
)

var esimSecret = base64.StdEncoding.EncodeToString([]byte("esim-secret-DO-NOT-LEAK"))

func allProviders() []simkit.Option {
	return []simkit.Option{
		simkit.WithPartner(func(o *partner.Options) {
			o.BaseURL = "https://partner.test/v1/partner"
			o.Token = signing.NewSecret(partnerToken)
			o.Secret = signing.NewSecret(partnerSecret)
		}),
		simkit.WithSMS(func(o *smsnumbers.Options) { o.Token = signing.NewSecret(smsToken) }),
		simkit.WithESIMStory(func(o *esimstory.Options) {
			o.AccessKey = signing.NewSecret("AK")
			o.SecretKey = signing.NewSecret(esimSecret)
			o.Sandbox = true
		}),
		simkit.WithTopups(func(o *topups.Options) {
			o.BaseURL = "https://topups.test"
			o.ClientID = "cid"
			o.ClientSecret = signing.NewSecret(topupsSecret)
			o.RenewalBaseURL = "https://renew.test"
			o.RenewalKey = signing.NewSecret(renewalKey)
		}),
	}
}

func TestNewConfiguresOnlyWhatWasGiven(t *testing.T) {
	c, err := simkit.New()
	require.NoError(t, err)
	require.Nil(t, c.Partner)
	require.Nil(t, c.SMS)
	require.Nil(t, c.ESIMStory)
	require.Nil(t, c.Topups)

	c, err = simkit.New(allProviders()...)
	require.NoError(t, err)
	require.NotNil(t, c.Partner)
	require.NotNil(t, c.SMS)
	require.NotNil(t, c.ESIMStory)
	require.NotNil(t, c.Topups)
}

func TestNewRefusesIncompleteProviders(t *testing.T) {
	tests := []struct {
		name string
		opt  simkit.Option
		want error
	}{
		{"partner without secret", simkit.WithPartner(func(o *partner.Options) { o.BaseURL = "https://x"; o.Token = signing.NewSecret("t") }), simkit.ErrNotConfigured},
		{"partner without base URL", simkit.WithPartner(func(o *partner.Options) { o.Token = signing.NewSecret("t"); o.Secret = signing.NewSecret("s") }), simkit.ErrNotConfigured},
		{"esimstory with a key that is not base64", simkit.WithESIMStory(func(o *esimstory.Options) {
			o.AccessKey = signing.NewSecret("a")
			o.SecretKey = signing.NewSecret("%%%")
		}), simkit.ErrValidation},
		{"topups without client secret", simkit.WithTopups(func(o *topups.Options) { o.BaseURL = "https://x"; o.ClientID = "c" }), simkit.ErrNotConfigured},
		{"sms without token", simkit.WithSMS(func(o *smsnumbers.Options) {}), simkit.ErrNotConfigured},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := simkit.New(tt.opt)
			require.ErrorIs(t, err, tt.want)
			var e *simkit.Error
			require.ErrorAs(t, err, &e)
		})
	}
}

func TestEnvOptions(t *testing.T) {
	env := map[string]string{
		simkit.EnvPartnerBaseURL:     "https://partner.test/v1/partner",
		simkit.EnvPartnerToken:       partnerToken,
		simkit.EnvPartnerSecret:      partnerSecret,
		simkit.EnvSMSToken:           smsToken,
		simkit.EnvESIMStoryAccessKey: "AK",
		simkit.EnvESIMStorySecretKey: esimSecret,
		simkit.EnvESIMStorySandbox:   "1",
		simkit.EnvTopupsBaseURL:      "https://topups.test",
		simkit.EnvTopupsClientID:     "cid",
		simkit.EnvTopupsClientSecret: topupsSecret,
	}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	opts, err := simkit.EnvOptions(lookup)
	require.NoError(t, err)
	c, err := simkit.New(opts...)
	require.NoError(t, err)
	require.NotNil(t, c.Partner)
	require.NotNil(t, c.SMS)
	require.NotNil(t, c.ESIMStory)
	require.NotNil(t, c.Topups)

	opts, err = simkit.EnvOptions(func(string) (string, bool) { return "", false })
	require.NoError(t, err)
	c, err = simkit.New(opts...)
	require.NoError(t, err)
	require.Nil(t, c.Partner, "no variables, no providers")

	t.Setenv(simkit.EnvSMSToken, smsToken)
	c, err = simkit.FromEnv()
	require.NoError(t, err)
	require.NotNil(t, c.SMS)
}

func TestEnvOptionsNameWhatIsMissing(t *testing.T) {
	tests := []struct {
		name  string
		env   map[string]string
		wants []string // substrings of the error; nil means no error
	}{
		{"partner token without base URL or secret", map[string]string{simkit.EnvPartnerToken: "tok-123456"},
			[]string{"partner", simkit.EnvPartnerBaseURL, simkit.EnvPartnerSecret}},
		{"partner base URL and secret without token", map[string]string{simkit.EnvPartnerBaseURL: "https://p.test", simkit.EnvPartnerSecret: "sec-123456"},
			[]string{simkit.EnvPartnerToken}},
		{"sms base URL without token", map[string]string{simkit.EnvSMSBaseURL: "https://sms.test"}, []string{simkit.EnvSMSToken}},
		{"esimstory keys without an environment", map[string]string{simkit.EnvESIMStoryAccessKey: "AK", simkit.EnvESIMStorySecretKey: esimSecret},
			[]string{simkit.EnvESIMStorySandbox, simkit.EnvESIMStoryBaseURL}},
		{"esimstory bad sandbox flag", map[string]string{simkit.EnvESIMStoryAccessKey: "AK", simkit.EnvESIMStorySecretKey: esimSecret, simkit.EnvESIMStorySandbox: "maybe"},
			[]string{simkit.EnvESIMStorySandbox}},
		{"esimstory production stated", map[string]string{simkit.EnvESIMStoryAccessKey: "AK", simkit.EnvESIMStorySecretKey: esimSecret, simkit.EnvESIMStorySandbox: "0"}, nil},
		{"topups renewal key alone", map[string]string{simkit.EnvTopupsRenewalKey: "key-123456"},
			[]string{simkit.EnvTopupsRenewalBaseURL}},
		{"topups renewal pair without the top-up credentials", map[string]string{simkit.EnvTopupsRenewalKey: "key-123456", simkit.EnvTopupsRenewalBaseURL: "https://r.test"},
			[]string{simkit.EnvTopupsBaseURL, simkit.EnvTopupsClientID}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := simkit.EnvOptions(func(k string) (string, bool) { v, ok := tc.env[k]; return v, ok })
			if tc.wants == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, simkit.ErrNotConfigured)
			for _, w := range tc.wants {
				require.Contains(t, err.Error(), w)
			}
			for k, v := range tc.env {
				if strings.Contains(k, "TOKEN") || strings.Contains(k, "SECRET") || strings.HasSuffix(k, "_KEY") {
					require.NotContains(t, err.Error(), v, "credentials never reach the error")
				}
			}
		})
	}
}

func TestConfigAndClientNeverPrintSecrets(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	opts := &simkit.Options{}
	for _, o := range append(allProviders(), simkit.WithLogger(logger)) {
		o(opts)
	}
	po := &partner.Options{}
	for _, fn := range opts.Partner {
		fn(po)
	}
	to := &topups.Options{}
	for _, fn := range opts.Topups {
		fn(to)
	}
	c, err := simkit.New(append(allProviders(), simkit.WithLogger(logger))...)
	require.NoError(t, err)
	logger.Info("config", "partner", po, "topups", to)

	outputs := []string{
		fmt.Sprintf("%v", po), fmt.Sprintf("%+v", po), fmt.Sprintf("%#v", po),
		fmt.Sprintf("%+v", to), fmt.Sprintf("%#v", *to),
		fmt.Sprintf("%v", c), fmt.Sprintf("%+v", c), fmt.Sprintf("%+v", *c),
		fmt.Sprintf("%+v", c.Partner), fmt.Sprintf("%+v", c.Topups), fmt.Sprintf("%+v", c.SMS), fmt.Sprintf("%+v", c.ESIMStory),
		logs.String(),
	}
	for _, out := range outputs {
		for _, secret := range []string{partnerToken, partnerSecret, smsToken, topupsSecret, renewalKey, esimSecret} {
			require.NotContains(t, out, secret)
		}
	}
}

func TestUnconfiguredProvidersAnswerNotConfigured(t *testing.T) {
	c, err := simkit.New()
	require.NoError(t, err)
	ctx := context.Background()

	_, err = c.Partner.Balance(ctx)
	require.ErrorIs(t, err, simkit.ErrNotConfigured)
	var errs []error
	for _, err := range c.Partner.AllProducts(ctx, partner.ListProductsParams{}) {
		errs = append(errs, err)
	}
	require.Len(t, errs, 1, "the iterator yields the error, once")
	require.ErrorIs(t, errs[0], simkit.ErrNotConfigured)
	_, err = c.SMS.Profile(ctx)
	require.ErrorIs(t, err, simkit.ErrNotConfigured)
	_, err = c.ESIMStory.CreateOrder(ctx, esimstory.CreateOrderParams{})
	require.ErrorIs(t, err, simkit.ErrNotConfigured)
	_, err = c.Topups.TopupPackages(ctx, "89852341234567890123")
	require.ErrorIs(t, err, simkit.ErrNotConfigured)
}

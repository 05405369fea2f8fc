package simkit_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit"
	"github.com/simkit/simkit/esimstory"
	"github.com/simkit/simkit/partner"
	"github.com/simkit/simkit/signing"
	"github.com/simkit/simkit/simkittest"
	"github.com/simkit/simkit/smsnumbers"
	"github.com/simkit/simkit/topups"
)

// allVerbs is every fmt verb and flag combination a caller might reach
// for, including the ones a type does not support: fmt's fallback for an
// unsupported verb walks struct fields without asking them to redact.
var allVerbs = []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%o", "%b", "%c", "%U", "%e", "%f", "%g", "%t", "%p", "%T", "%10.3s", "%-x", "% x"}

// TestNoFmtVerbPrintsASecret runs every verb over every type that holds a
// secret: the clients (pointer and value), their options (pointer and
// value), the webhook handlers and the errors calls return.
func TestNoFmtVerbPrintsASecret(t *testing.T) {
	env := simkittest.New(t)
	ctx := context.Background()
	secrets := []string{
		simkittest.FakePartnerToken, simkittest.FakePartnerSecret, simkittest.FakeSMSToken,
		simkittest.FakeESIMStoryAccessKey, simkittest.FakeESIMStorySecretKey, simkittest.FakeTopupsClientSecret, simkittest.FakeRenewalKey,
	}
	raw, err := base64.StdEncoding.DecodeString(simkittest.FakeESIMStorySecretKey)
	require.NoError(t, err)
	secrets = append(secrets, string(raw))

	var po partner.Options
	env.PartnerOptions(&po)
	var so smsnumbers.Options
	env.SMSOptions(&so)
	var eo esimstory.Options
	env.ESIMStoryOptions(&eo)
	var to topups.Options
	env.TopupsOptions(&to)
	ro := simkit.Options{}
	for _, o := range []simkit.Option{simkit.WithPartner(env.PartnerOptions), simkit.WithSMS(env.SMSOptions)} {
		o(&ro)
	}

	partnerHook, err := env.Client.Partner.WebhookHandler(func(context.Context, *partner.WebhookEvent) error { return nil })
	require.NoError(t, err)
	esimHook, err := env.Client.ESIMStory.WebhookHandler(func(context.Context, *esimstory.Delivery) error { return nil },
		func(o *esimstory.WebhookOptions) {
			o.Auth = esimstory.TokenInURL("token", signing.NewSecret(simkittest.FakePartnerSecret))
		})
	require.NoError(t, err)

	// Errors from calls that carried the credentials: bad requests that
	// were sent, and one refused before sending.
	_, partnerErr := env.Client.Partner.GetOrder(ctx, "00000000-0000-0000-0000-000000000000")
	_, smsErr := env.Client.SMS.Check(ctx, 999999)
	_, topupsErr := env.Client.Topups.PackageHistory(ctx, "1")
	require.Error(t, partnerErr)
	require.Error(t, smsErr)
	require.Error(t, topupsErr)

	values := map[string]any{
		"*simkit.Client": env.Client, "simkit.Client": *env.Client, "simkit.Options": ro, "*simkit.Options": &ro,
		"*partner.Client": env.Client.Partner, "partner.Client": *env.Client.Partner, "partner.Options": po, "*partner.Options": &po,
		"*smsnumbers.Client": env.Client.SMS, "smsnumbers.Client": *env.Client.SMS, "smsnumbers.Options": so, "*smsnumbers.Options": &so,
		"*esimstory.Client": env.Client.ESIMStory, "esimstory.Client": *env.Client.ESIMStory, "esimstory.Options": eo, "*esimstory.Options": &eo,
		"*topups.Client": env.Client.Topups, "topups.Client": *env.Client.Topups, "topups.Options": to, "*topups.Options": &to,
		"partner webhook handler": partnerHook, "esimstory webhook handler": esimHook,
		"partner error": partnerErr, "smsnumbers error": smsErr, "topups error": topupsErr,
		"signing.Secret": signing.NewSecret(simkittest.FakePartnerSecret),
	}
	for name, v := range values {
		for _, verb := range allVerbs {
			out := fmt.Sprintf(verb, v)
			for _, s := range secrets {
				if strings.Contains(out, s) {
					t.Errorf("%s printed with %s leaks a secret: %.200s", name, verb, out)
				}
			}
		}
	}
}

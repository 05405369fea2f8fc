package simkit

import (
	"os"

	"github.com/simkit/simkit/esimstory"
	"github.com/simkit/simkit/partner"
	"github.com/simkit/simkit/signing"
	"github.com/simkit/simkit/smsnumbers"
	"github.com/simkit/simkit/topups"
)

// Environment variables read by FromEnv. A provider is configured when its
// credentials are present; the others stay unconfigured.
const (
	EnvPartnerBaseURL       = "SIMKIT_PARTNER_BASE_URL"
	EnvPartnerToken         = "SIMKIT_PARTNER_TOKEN"
	EnvPartnerSecret        = "SIMKIT_PARTNER_SECRET"
	EnvSMSBaseURL           = "SIMKIT_SMS_BASE_URL"
	EnvSMSToken             = "SIMKIT_SMS_TOKEN"
	EnvESIMStoryBaseURL     = "SIMKIT_ESIMSTORY_BASE_URL"
	EnvESIMStorySandbox     = "SIMKIT_ESIMSTORY_SANDBOX"
	EnvESIMStoryAccessKey   = "SIMKIT_ESIMSTORY_ACCESS_KEY"
	EnvESIMStorySecretKey   = "SIMKIT_ESIMSTORY_SECRET_KEY"
	EnvTopupsBaseURL        = "SIMKIT_TOPUPS_BASE_URL"
	EnvTopupsClientID       = "SIMKIT_TOPUPS_CLIENT_ID"
	EnvTopupsClientSecret   = "SIMKIT_TOPUPS_CLIENT_SECRET"
	EnvTopupsRenewalBaseURL = "SIMKIT_RENEWAL_BASE_URL"
	EnvTopupsRenewalKey     = "SIMKIT_RENEWAL_KEY"
)

// FromEnv builds a Client from the SIMKIT_* environment variables above;
// opts are applied after them.
func FromEnv(opts ...Option) (*Client, error) {
	return New(append(EnvOptions(os.LookupEnv), opts...)...)
}

// EnvOptions turns the SIMKIT_* variables, read through lookup, into
// options; tests pass a map-backed lookup instead of the real environment.
func EnvOptions(lookup func(string) (string, bool)) []Option {
	get := func(k string) string { v, _ := lookup(k); return v }
	var out []Option
	if get(EnvPartnerToken) != "" {
		out = append(out, WithPartner(func(o *partner.Options) {
			o.BaseURL = get(EnvPartnerBaseURL)
			o.Token = signing.Secret(get(EnvPartnerToken))
			o.Secret = signing.Secret(get(EnvPartnerSecret))
		}))
	}
	if get(EnvSMSToken) != "" {
		out = append(out, WithSMS(func(o *smsnumbers.Options) {
			o.BaseURL = get(EnvSMSBaseURL)
			o.Token = signing.Secret(get(EnvSMSToken))
		}))
	}
	if get(EnvESIMStoryAccessKey) != "" {
		out = append(out, WithESIMStory(func(o *esimstory.Options) {
			o.BaseURL = get(EnvESIMStoryBaseURL)
			o.Sandbox = get(EnvESIMStorySandbox) == "1" || get(EnvESIMStorySandbox) == "true"
			o.AccessKey = get(EnvESIMStoryAccessKey)
			o.SecretKey = signing.Secret(get(EnvESIMStorySecretKey))
		}))
	}
	if get(EnvTopupsClientID) != "" {
		out = append(out, WithTopups(func(o *topups.Options) {
			o.BaseURL = get(EnvTopupsBaseURL)
			o.ClientID = get(EnvTopupsClientID)
			o.ClientSecret = signing.Secret(get(EnvTopupsClientSecret))
			o.RenewalBaseURL = get(EnvTopupsRenewalBaseURL)
			o.RenewalKey = signing.Secret(get(EnvTopupsRenewalKey))
		}))
	}
	return out
}

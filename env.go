package simkit

import (
	"os"
	"strings"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/esimstory"
	"github.com/simkit/simkit/partner"
	"github.com/simkit/simkit/signing"
	"github.com/simkit/simkit/smsnumbers"
	"github.com/simkit/simkit/topups"
)

// Environment variables read by FromEnv. A provider none of whose
// variables is set stays unconfigured; one with some set must have all it
// requires, or FromEnv fails naming what is missing.
const (
	// EnvPartnerBaseURL, EnvPartnerToken and EnvPartnerSecret are all
	// required for partner: the provider publishes no default host.
	EnvPartnerBaseURL = "SIMKIT_PARTNER_BASE_URL"
	EnvPartnerToken   = "SIMKIT_PARTNER_TOKEN"
	EnvPartnerSecret  = "SIMKIT_PARTNER_SECRET"
	// EnvSMSToken is required for smsnumbers; EnvSMSBaseURL defaults to
	// smsnumbers.DefaultBaseURL.
	EnvSMSBaseURL = "SIMKIT_SMS_BASE_URL"
	EnvSMSToken   = "SIMKIT_SMS_TOKEN"
	// EnvESIMStoryAccessKey and EnvESIMStorySecretKey (base64) are required
	// for esimstory, and so is its environment: EnvESIMStorySandbox set to
	// 1/true (sandbox) or 0/false (production), or EnvESIMStoryBaseURL.
	// Nothing defaults to production behind your back.
	EnvESIMStoryBaseURL   = "SIMKIT_ESIMSTORY_BASE_URL"
	EnvESIMStorySandbox   = "SIMKIT_ESIMSTORY_SANDBOX"
	EnvESIMStoryAccessKey = "SIMKIT_ESIMSTORY_ACCESS_KEY"
	EnvESIMStorySecretKey = "SIMKIT_ESIMSTORY_SECRET_KEY"
	// EnvTopupsBaseURL, EnvTopupsClientID and EnvTopupsClientSecret are
	// required for topups; the renewal pair is optional, but both or
	// neither.
	EnvTopupsBaseURL        = "SIMKIT_TOPUPS_BASE_URL"
	EnvTopupsClientID       = "SIMKIT_TOPUPS_CLIENT_ID"
	EnvTopupsClientSecret   = "SIMKIT_TOPUPS_CLIENT_SECRET"
	EnvTopupsRenewalBaseURL = "SIMKIT_RENEWAL_BASE_URL"
	EnvTopupsRenewalKey     = "SIMKIT_RENEWAL_KEY"
)

// FromEnv builds a Client from the SIMKIT_* environment variables above;
// opts are applied after them.
func FromEnv(opts ...Option) (*Client, error) {
	envOpts, err := EnvOptions(os.LookupEnv)
	if err != nil {
		return nil, err
	}
	return New(append(envOpts, opts...)...)
}

// EnvOptions turns the SIMKIT_* variables, read through lookup, into
// options; tests pass a map-backed lookup instead of the real environment.
// A provider configured in part is an error matching ErrNotConfigured that
// names every missing variable.
func EnvOptions(lookup func(string) (string, bool)) ([]Option, error) {
	get := func(k string) string { v, _ := lookup(k); return strings.TrimSpace(v) }
	var out []Option

	if v, err := envGroup(get, partner.Provider, []string{EnvPartnerBaseURL, EnvPartnerToken, EnvPartnerSecret}, nil); err != nil {
		return nil, err
	} else if v {
		out = append(out, WithPartner(func(o *partner.Options) {
			o.BaseURL = get(EnvPartnerBaseURL)
			o.Token = signing.NewSecret(get(EnvPartnerToken))
			o.Secret = signing.NewSecret(get(EnvPartnerSecret))
		}))
	}

	if v, err := envGroup(get, smsnumbers.Provider, []string{EnvSMSToken}, []string{EnvSMSBaseURL}); err != nil {
		return nil, err
	} else if v {
		out = append(out, WithSMS(func(o *smsnumbers.Options) {
			o.BaseURL = get(EnvSMSBaseURL)
			o.Token = signing.NewSecret(get(EnvSMSToken))
		}))
	}

	v, err := envGroup(get, esimstory.Provider, []string{EnvESIMStoryAccessKey, EnvESIMStorySecretKey}, []string{EnvESIMStoryBaseURL, EnvESIMStorySandbox})
	if err != nil {
		return nil, err
	}
	if v {
		sandbox, err := esimEnvironment(get)
		if err != nil {
			return nil, err
		}
		out = append(out, WithESIMStory(func(o *esimstory.Options) {
			o.BaseURL = get(EnvESIMStoryBaseURL)
			o.Sandbox = sandbox
			o.AccessKey = signing.NewSecret(get(EnvESIMStoryAccessKey))
			o.SecretKey = signing.NewSecret(get(EnvESIMStorySecretKey))
		}))
	}

	v, err = envGroup(get, topups.Provider, []string{EnvTopupsBaseURL, EnvTopupsClientID, EnvTopupsClientSecret}, nil)
	if err != nil {
		return nil, err
	}
	renewal, err := envGroup(get, topups.Provider, []string{EnvTopupsRenewalBaseURL, EnvTopupsRenewalKey}, nil)
	if err != nil {
		return nil, err
	}
	if renewal && !v {
		return nil, envMissing(topups.Provider, missing(get, EnvTopupsBaseURL, EnvTopupsClientID, EnvTopupsClientSecret))
	}
	if v {
		out = append(out, WithTopups(func(o *topups.Options) {
			o.BaseURL = get(EnvTopupsBaseURL)
			o.ClientID = get(EnvTopupsClientID)
			o.ClientSecret = signing.NewSecret(get(EnvTopupsClientSecret))
			o.RenewalBaseURL = get(EnvTopupsRenewalBaseURL)
			o.RenewalKey = signing.NewSecret(get(EnvTopupsRenewalKey))
		}))
	}
	return out, nil
}

// envGroup reports whether a provider's variables are in use: false when
// none of required and optional is set, true when every required one is,
// and an error naming the missing ones otherwise.
func envGroup(get func(string) string, provider string, required, optional []string) (bool, error) {
	any := false
	for _, k := range append(append([]string(nil), required...), optional...) {
		if get(k) != "" {
			any = true
			break
		}
	}
	if !any {
		return false, nil
	}
	if m := missing(get, required...); len(m) > 0 {
		return false, envMissing(provider, m)
	}
	return true, nil
}

func missing(get func(string) string, keys ...string) []string {
	var out []string
	for _, k := range keys {
		if get(k) == "" {
			out = append(out, k)
		}
	}
	return out
}

func envMissing(provider string, vars []string) error {
	return &apierror.Error{Provider: provider, Kind: apierror.ErrNotConfigured,
		Message: "configured in part from the environment: set " + strings.Join(vars, ", ")}
}

// esimEnvironment reads which eSIM Story environment was asked for; a base
// URL alone is explicit enough.
func esimEnvironment(get func(string) string) (sandbox bool, err error) {
	switch strings.ToLower(get(EnvESIMStorySandbox)) {
	case "1", "true", "yes":
		return true, nil
	case "0", "false", "no":
		return false, nil
	case "":
		if get(EnvESIMStoryBaseURL) != "" {
			return false, nil
		}
		return false, &apierror.Error{Provider: esimstory.Provider, Kind: apierror.ErrNotConfigured,
			Message: "state the environment: set " + EnvESIMStorySandbox + "=1 (sandbox) or =0 (production), or " + EnvESIMStoryBaseURL}
	}
	return false, &apierror.Error{Provider: esimstory.Provider, Kind: apierror.ErrNotConfigured,
		Message: EnvESIMStorySandbox + " must be 1/true or 0/false, got " + get(EnvESIMStorySandbox)}
}

package main

import (
	"bytes"
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit"
	"github.com/simkit/simkit/simkittest"
	"github.com/simkit/simkit/store"
)

// fakeVars is the SIMKIT_* environment pointing at env's fakes.
func fakeVars(env *simkittest.Env) map[string]string {
	c := env.Config
	return map[string]string{
		simkit.EnvPartnerBaseURL: c.PartnerURL, simkit.EnvPartnerToken: c.PartnerToken, simkit.EnvPartnerSecret: c.PartnerSecret,
		simkit.EnvSMSBaseURL: c.SMSURL, simkit.EnvSMSToken: c.SMSToken,
		simkit.EnvESIMStoryBaseURL: c.ESIMStoryURL, simkit.EnvESIMStoryAccessKey: c.ESIMStoryAccessKey, simkit.EnvESIMStorySecretKey: c.ESIMStorySecretKey,
		simkit.EnvTopupsBaseURL: c.TopupsURL, simkit.EnvTopupsClientID: c.TopupsClientID, simkit.EnvTopupsClientSecret: c.TopupsClientSecret,
	}
}

func lookupIn(m map[string]string) lookupFunc {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestCheckCommand(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		edit     func(vars map[string]string)
		fault    *simkittest.Fault
		code     int
		stdout   []string
		stderr   []string
		noStderr string
	}{
		{name: "all good", code: exitOK,
			stdout: []string{"partner     ok  ", "secret", "esimstory   ok  "}, noStderr: "failed"},
		{name: "wrong partner secret", edit: func(v map[string]string) { v[simkit.EnvPartnerSecret] = "not-the-secret" }, code: exitFail,
			stdout: []string{"Invalid signature"}, stderr: []string{"failed: partner secret"}},
		{name: "wrong eSIM Story secret key", edit: func(v map[string]string) { v[simkit.EnvESIMStorySecretKey] = "d3Jvbmc=" }, code: exitFail,
			stderr: []string{"failed: esimstory access key and secret key"}},
		{name: "secret that cannot be proved", code: exitOK,
			fault:  &simkittest.Fault{Provider: simkittest.ProviderPartner, Method: http.MethodPost, Path: "/orders", Kind: simkittest.Status, Status: 422, Body: `{"success":false,"message":"The selected item.sku id is invalid."}`},
			stdout: []string{"partner     unverified"}, stderr: []string{"not verified: partner secret"}},
		{name: "unverified under --strict", args: []string{"--strict"}, code: exitFail,
			fault:  &simkittest.Fault{Provider: simkittest.ProviderPartner, Method: http.MethodPost, Path: "/orders", Kind: simkittest.Status, Status: 422, Body: `{"success":false,"message":"The selected item.sku id is invalid."}`},
			stderr: []string{"not verified: partner secret"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := simkittest.New(t)
			if tt.fault != nil {
				env.Faults.Add(*tt.fault)
			}
			vars := fakeVars(env)
			if tt.edit != nil {
				tt.edit(vars)
			}
			var out, errOut bytes.Buffer
			code := run(context.Background(), append([]string{"check"}, tt.args...), &out, &errOut, lookupIn(vars))
			require.Equal(t, tt.code, code, "stdout:\n%s\nstderr:\n%s", out.String(), errOut.String())
			for _, w := range tt.stdout {
				require.Contains(t, out.String(), w)
			}
			for _, w := range tt.stderr {
				require.Contains(t, errOut.String(), w)
			}
			if tt.noStderr != "" {
				require.NotContains(t, errOut.String(), tt.noStderr)
			}
			for _, k := range []string{simkit.EnvPartnerSecret, simkit.EnvPartnerToken, simkit.EnvSMSToken, simkit.EnvTopupsClientSecret, simkit.EnvESIMStorySecretKey, simkit.EnvESIMStoryAccessKey} {
				require.NotContains(t, out.String()+errOut.String(), vars[k], "no credential printed")
			}
			require.Empty(t, env.Partner.Orders(), "the check moved no money")
		})
	}
}

// Three runs of the command sharing a Store fetch one top-up token.
func TestCheckCommandSharesTheStoresToken(t *testing.T) {
	env := simkittest.New(t)
	st := store.NewMemory()
	vars := fakeVars(env)
	for i := range 3 {
		var out, errOut bytes.Buffer
		require.Equal(t, exitOK, runCheck(context.Background(), nil, &out, &errOut, lookupIn(vars), simkit.WithStore(st)), errOut.String())
		if i > 0 {
			require.Contains(t, out.String(), "read with the Store's token")
		}
	}
	require.Equal(t, 1, env.Topups.TokenCount())
}

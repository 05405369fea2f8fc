package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func mapLookup(m map[string]string) lookupFunc {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestRunUsageAndErrors(t *testing.T) {
	for _, tc := range []struct {
		name       string
		args       []string
		env        map[string]string
		code       int
		stdout     string
		stderr     string
		notStreams string
	}{
		{name: "no command", args: nil, code: exitUsage, stderr: "simkit fakes [flags]"},
		{name: "help", args: []string{"--help"}, code: exitOK, stdout: "simkit check [flags]"},
		{name: "unknown", args: []string{"serve"}, code: exitUsage, stderr: `unknown command "serve"`},
		{name: "fakes help", args: []string{"fakes", "--help"}, code: exitOK, stdout: "-partner-port"},
		{name: "check help", args: []string{"check", "-h"}, code: exitOK, stdout: "-timeout"},
		{name: "fakes bad flag", args: []string{"fakes", "--nope"}, code: exitUsage, stderr: "-nope"},
		{name: "fakes bad port", args: []string{"fakes", "--sms-port", "70000"}, code: exitUsage, stderr: "--sms-port must be between"},
		{name: "fakes missing seed", args: []string{"fakes", "--seed", "/nonexistent.json"}, code: exitUsage, stderr: "--seed"},
		{name: "fakes stray arg", args: []string{"fakes", "extra"}, code: exitUsage, stderr: `unexpected argument "extra"`},
		{name: "check nothing configured", args: []string{"check"}, env: map[string]string{}, code: exitUsage, stderr: "no provider configured"},
		{
			name: "check missing secret", args: []string{"check"}, env: map[string]string{"SIMKIT_PARTNER_TOKEN": "tok-123456"},
			code: exitUsage, stderr: "SIMKIT_PARTNER_SECRET", notStreams: "tok-123456",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tc.args, &stdout, &stderr, mapLookup(tc.env))
			require.Equal(t, tc.code, code, "stdout: %s\nstderr: %s", stdout.String(), stderr.String())
			require.Contains(t, stdout.String(), tc.stdout)
			require.Contains(t, stderr.String(), tc.stderr)
			if tc.notStreams != "" {
				require.NotContains(t, stdout.String()+stderr.String(), tc.notStreams)
			}
		})
	}
}

func TestSeedFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "seed.json")
	require.NoError(t, os.WriteFile(good, []byte(`{
		"partner": {"balance": "25.50", "manual_completion": true, "webhook_retry_delays": ["5ms"]},
		"smsnumbers": {"deliver_after": "2s"},
		"esimstory": {"options": ["opt-1"], "auto_deliver": true},
		"topups": {"renewal_users": ["a@example.com"], "token_limit": -1}
	}`), 0o644))
	cfg, err := loadSeed(good)
	require.NoError(t, err)
	require.Equal(t, "25.5", cfg.Partner.Balance.String())
	require.True(t, cfg.Partner.ManualCompletion)
	require.Len(t, cfg.Partner.WebhookRetryDelays, 1)
	require.Equal(t, "2s", cfg.SMS.DeliverAfter.String())
	require.Equal(t, []string{"opt-1"}, cfg.ESIMStory.Options)
	require.Equal(t, -1, cfg.Topups.TokenLimit)

	for name, body := range map[string]string{
		"typo":         `{"partner": {"balanse": "1"}}`,
		"bad duration": `{"smsnumbers": {"deliver_after": "soon"}}`,
		"not json":     `{`,
	} {
		p := filepath.Join(dir, name+".json")
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
		_, err := loadSeed(p)
		require.Error(t, err, name)
		require.ErrorContains(t, err, "--seed", name)
	}
}

func TestEnvLines(t *testing.T) {
	env := [][2]string{{"A", "1"}, {"B", "x=="}}
	require.Equal(t, "export A=1\nexport B=x==\n", envLines(env, "export "))
	require.Equal(t, "A=1\nB=x==\n", envLines(env, ""))
}

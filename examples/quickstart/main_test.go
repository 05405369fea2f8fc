package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit"
	"github.com/simkit/simkit/redact"
	"github.com/simkit/simkit/simkittest"
)

// lookupMap is an environment for run, so tests never read the real one.
func lookupMap(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

// realEnv is the SIMKIT_* environment of a user with real credentials,
// pointed at env's fakes so "real mode" can be tested without money.
func realEnv(env *simkittest.Env, extra map[string]string) map[string]string {
	c := env.Config
	m := map[string]string{
		simkit.EnvPartnerBaseURL: c.PartnerURL, simkit.EnvPartnerToken: c.PartnerToken, simkit.EnvPartnerSecret: c.PartnerSecret,
		simkit.EnvSMSBaseURL: c.SMSURL, simkit.EnvSMSToken: c.SMSToken,
		simkit.EnvESIMStoryBaseURL: c.ESIMStoryURL, simkit.EnvESIMStoryAccessKey: c.ESIMStoryAccessKey, simkit.EnvESIMStorySecretKey: c.ESIMStorySecretKey,
		simkit.EnvTopupsBaseURL: c.TopupsURL, simkit.EnvTopupsClientID: c.TopupsClientID, simkit.EnvTopupsClientSecret: c.TopupsClientSecret,
		simkit.EnvTopupsRenewalBaseURL: c.RenewalURL, simkit.EnvTopupsRenewalKey: c.RenewalKey,
		envPartnerSKU: simkittest.PartnerSKUVoucher, envESIMStoryOption: simkittest.ESIMStoryOptionA,
		envTopupsICCID: simkittest.TopupsSeedICCID, envRenewEmail: "user@example.com",
		envSMSCountry: "russia", envSMSOperator: "beeline", envSMSProduct: "vkontakte",
	}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// TestFakeJourneys walks every journey against simkittest.New and checks
// both what is printed and what the fakes saw.
func TestFakeJourneys(t *testing.T) {
	env := simkittest.New(t)
	var buf bytes.Buffer
	require.NoError(t, runFake(testCtx(t), newStepLog(&buf), env))
	out := buf.String()

	for _, want := range []string{
		"[partner]    balance: 1000.00 USD",
		"[partner]    catalog: ",
		"[partner]    order: ",
		"[partner]    webhook order.status_changed: order ",
		"[partner]    same external_id again: same order ",
		"[partner]    webhook: order.status_changed received once",
		"[smsnumbers] bought: order ",
		"[smsnumbers] code received: 424242",
		"[smsnumbers] finished: order ",
		"[esimstory]  tracker: all 2 eSIMs",
		"[esimstory]  eSIM ICCID ",
		"[topups]     package ",
		"[topups]     top-up order ",
		"[topups]     package history again: from cache",
		"[topups]     renewal of u***@example.com: ",
	} {
		require.Contains(t, out, want)
	}
	require.Equal(t, 3, strings.Count(out, "[partner]    catalog: "), "the catalog step prints three products")
	require.Equal(t, 2, strings.Count(out, " LPA ****"), "both eSIMs printed with their LPA, masked")
	require.NotContains(t, out, "skipped")

	// Exactly once: two CreateOrder calls, one order, one webhook.
	require.Len(t, env.Partner.Orders(), 1)
	require.True(t, env.Partner.Balance().Equal(decimal.NewFromInt(990)), "one voucher charged: %s", env.Partner.Balance())
	ids := env.SMS.OrderIDs()
	require.Len(t, ids, 1)
	st, err := env.SMS.OrderStatus(ids[0])
	require.NoError(t, err)
	require.Equal(t, simkittest.SMSFinished, st)
	require.Len(t, env.ESIMStory.Deliveries(), 2)
	for _, d := range env.ESIMStory.Deliveries() {
		require.Equal(t, 200, d.Code, "the SDK handler accepted unit %s", d.TopupID)
	}
	require.Equal(t, 1, env.Topups.OrderCount())
	require.Equal(t, 1, env.Topups.HistoryRequests(simkittest.TopupsSeedICCID), "second history call served from cache")
	require.Equal(t, 1, env.Topups.Renewals("user@example.com"))

	// Customer data is masked: no ICCID, LPA code, phone number or e-mail
	// is printed whole.
	o, err := env.Client.SMS.Check(testCtx(t), ids[0])
	require.NoError(t, err)
	require.NotEmpty(t, o.Phone)
	require.NotContains(t, out, strings.TrimPrefix(o.Phone, "+"), "the bought number")
	require.Contains(t, out, redact.Mask(o.Phone))
	require.NotContains(t, out, "LPA:1$")
	require.NotContains(t, out, "user@example.com")
	require.NotRegexp(t, `\b89\d{15,20}\b`, out, "an ICCID")
}

// TestRunWithoutCredentials is `go run ./examples/quickstart` on a fresh
// clone: run starts its own fakes.
func TestRunWithoutCredentials(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, run(context.Background(), &buf, lookupMap(nil)))
	require.Contains(t, buf.String(), "starting the simkittest fakes")
	require.Contains(t, buf.String(), "[topups]     renewal of u***@example.com")
}

// TestRealModeReadOnly: with credentials but without the buy flag, nothing
// that spends money is sent.
func TestRealModeReadOnly(t *testing.T) {
	env := simkittest.New(t)
	var buf bytes.Buffer
	require.NoError(t, run(testCtx(t), &buf, lookupMap(realEnv(env, nil))))
	out := buf.String()

	require.Contains(t, out, "real APIs, read-only: set SIMKIT_QUICKSTART_BUY=1")
	require.Contains(t, out, "[partner]    balance: ")
	require.Contains(t, out, "[smsnumbers] profile: ")
	require.Contains(t, out, "[topups]     package history: ")
	for _, step := range []string{"[partner]    order: skipped", "[smsnumbers] buy number: skipped", "[esimstory]  order: skipped", "[topups]     top-up order: skipped", "[topups]     renewal: skipped"} {
		require.Contains(t, out, step+" (spends money; set SIMKIT_QUICKSTART_BUY=1)")
	}
	require.Empty(t, env.Partner.Orders())
	require.Empty(t, env.SMS.OrderIDs())
	require.Zero(t, env.ESIMStory.OrderCount())
	require.Zero(t, env.Topups.OrderCount())
	require.Zero(t, env.Topups.Renewals("user@example.com"))
}

// TestRealModeBuy: with the buy flag every purchase runs; webhook steps are
// skipped since a real provider cannot reach a loopback handler.
func TestRealModeBuy(t *testing.T) {
	env := simkittest.New(t, func(c *simkittest.Config) { c.SMS.DeliverAfter = time.Millisecond })
	var buf bytes.Buffer
	require.NoError(t, run(testCtx(t), &buf, lookupMap(realEnv(env, map[string]string{envBuy: "1"}))))
	out := buf.String()

	require.Contains(t, out, "steps that spend money WILL run")
	require.Contains(t, out, "[partner]    same external_id again: same order ")
	require.Contains(t, out, "[partner]    webhook: skipped")
	require.Contains(t, out, "[smsnumbers] code received: 123456")
	require.Contains(t, out, "[esimstory]  deliveries: skipped")
	require.Len(t, env.Partner.Orders(), 1)
	require.Len(t, env.SMS.OrderIDs(), 1)
	require.Equal(t, 1, env.ESIMStory.OrderCount())
	require.Equal(t, 1, env.Topups.OrderCount())
	require.Equal(t, 1, env.Topups.Renewals("user@example.com"))
}

// TestUnconfiguredProvidersAreSkipped: only the providers whose credentials
// are set run.
func TestUnconfiguredProvidersAreSkipped(t *testing.T) {
	env := simkittest.New(t)
	m := realEnv(env, nil)
	only := map[string]string{simkit.EnvSMSBaseURL: m[simkit.EnvSMSBaseURL], simkit.EnvSMSToken: m[simkit.EnvSMSToken]}
	var buf bytes.Buffer
	require.NoError(t, run(testCtx(t), &buf, lookupMap(only)))
	out := buf.String()
	for _, p := range []string{"[partner]   ", "[esimstory] ", "[topups]    "} {
		require.Contains(t, out, p+" skipped: not configured")
	}
	require.Contains(t, out, "[smsnumbers] profile: ")
}

// TestFailureStopsWithTheSDKError: a refused step ends the run with an error
// that names the provider and step and still classifies with errors.Is.
func TestFailureStopsWithTheSDKError(t *testing.T) {
	tests := []struct {
		name    string
		breakIt func(*simkittest.Env)
		want    error
		prefix  string
	}{
		{"partner balance exhausted", func(e *simkittest.Env) { e.Partner.SetBalance(decimal.Zero) }, simkit.ErrInsufficientFunds, "partner: create order"},
		{"no numbers left", func(e *simkittest.Env) { e.SMS.SetStock("russia", "beeline", "vkontakte", 0) }, simkit.ErrOutOfStock, "smsnumbers: no vkontakte numbers"},
		{"top-up balance exhausted", func(e *simkittest.Env) { e.Topups.SetBalance(decimal.Zero) }, simkit.ErrInsufficientFunds, "topups: top-up"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := simkittest.New(t)
			tc.breakIt(env)
			var buf bytes.Buffer
			err := runFake(testCtx(t), newStepLog(&buf), env)
			require.ErrorIs(t, err, tc.want)
			require.True(t, strings.HasPrefix(err.Error(), tc.prefix), err.Error())
		})
	}
}

// TestMainExitsNonZero runs main in a child process against a provider that
// is not there: exit status 1 and a FAILED line on stderr.
func TestMainExitsNonZero(t *testing.T) {
	if os.Getenv("QUICKSTART_CHILD") == "1" {
		main()
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestMainExitsNonZero$")
	// Drop the developer's own SIMKIT_* variables: the child must not reach
	// a real provider, let alone buy anything.
	var environ []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SIMKIT_") {
			environ = append(environ, kv)
		}
	}
	cmd.Env = append(environ, "QUICKSTART_CHILD=1",
		simkit.EnvSMSBaseURL+"=http://127.0.0.1:1", simkit.EnvSMSToken+"=x")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	require.True(t, errors.As(err, &exit), "want a non-zero exit, got %v", err)
	require.Equal(t, 1, exit.ExitCode())
	require.Contains(t, stderr.String(), "quickstart: FAILED: smsnumbers: profile: ")
}

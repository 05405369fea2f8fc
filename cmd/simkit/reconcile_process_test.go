package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/internal/respstore"
	"github.com/simkit/simkit/ledger"
	"github.com/simkit/simkit/partner"
	"github.com/simkit/simkit/reconcile"
	"github.com/simkit/simkit/simkittest"
)

// startRedisServer runs a redis-server child on a free loopback port.
// Without redis-server on PATH the test is skipped, except under CI=true
// (.ci/run installs it).
func startRedisServer(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("redis-server not on PATH")
		}
		t.Skip("redis-server not on PATH")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	require.NoError(t, l.Close())
	cmd := exec.Command("redis-server", "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	addr := "127.0.0.1:" + strconv.Itoa(port)
	st, err := respstore.New(addr, "")
	require.NoError(t, err)
	defer st.Close()
	require.Eventually(t, func() bool { return st.Ping(context.Background()) == nil }, 10*time.Second, 10*time.Millisecond)
	return addr
}

// runReconcileBinary runs `simkit reconcile` with exactly vars as its
// environment (plus PATH/HOME) and returns its exit code and output.
func runReconcileBinary(t *testing.T, bin string, vars map[string]string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"reconcile"}, args...)...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else {
		require.NoError(t, err)
	}
	return code, stdout.String(), stderr.String()
}

// TestReconcileCommandAgainstFakesServer: a charge made outside the SDK
// through the admin API is reported by `simkit reconcile` (exit 1); once
// it is refunded, or the ledger has it, the books are clean (exit 0).
func TestReconcileCommandAgainstFakesServer(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the simkit binary")
	}
	redis := startRedisServer(t)
	bin := buildSimkit(t)
	_, vars, stderr := startFakes(t, bin)
	admin := vars["SIMKIT_FAKES_ADMIN_URL"]
	vars["SIMKIT_REDIS_ADDR"] = redis
	// Charges younger than the grace are left alone; these are seconds old.
	args := []string{"--grace", "1ms", "--timeout", "30s"}

	code, out, errOut := runReconcileBinary(t, bin, vars, args...)
	require.Equal(t, exitOK, code, "fresh fakes are clean\nstdout: %s\nstderr: %s\nfakes: %s", out, errOut, stderr)
	require.Contains(t, out, "partner: clean")
	require.NotContains(t, errOut, "redis-prefix", "no hint when nothing is unaccounted")

	refunded := adminCall(t, admin, http.MethodPost, "/partner/orders", map[string]any{"external_id": "OUTSIDE-1", "status": "processing"})
	kept := adminCall(t, admin, http.MethodPost, "/partner/orders", map[string]any{"external_id": "OUTSIDE-2"})

	code, out, errOut = runReconcileBinary(t, bin, vars, append(args, "--json")...)
	require.Equal(t, exitFail, code, "stdout: %s\nstderr: %s", out, errOut)
	var doc struct {
		Providers []struct {
			Provider string `json:"provider"`
			Report   struct {
				Counts   map[string]int `json:"counts"`
				Findings []struct {
					Kind       string `json:"kind"`
					ProviderID string `json:"provider_id"`
					Reference  string `json:"reference"`
				} `json:"findings"`
			} `json:"report"`
		} `json:"providers"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &doc), out)
	require.Equal(t, "partner", doc.Providers[0].Provider)
	require.Equal(t, 2, doc.Providers[0].Report.Counts["unaccounted_charge"])
	var refs []string
	for _, f := range doc.Providers[0].Report.Findings {
		require.Equal(t, "unaccounted_charge", f.Kind)
		refs = append(refs, f.Reference)
	}
	require.ElementsMatch(t, []string{"OUTSIDE-1", "OUTSIDE-2"}, refs)
	for _, p := range doc.Providers[1:] {
		for k, n := range p.Report.Counts {
			require.Zero(t, n, "%s %s", p.Provider, k)
		}
	}

	// The table names the kind, the order and what to do.
	code, out, errOut = runReconcileBinary(t, bin, vars, args...)
	require.Equal(t, exitFail, code)
	require.Contains(t, errOut, "is --redis-prefix the fleet's", "an empty ledger facing charges gets a hint")
	t.Logf("simkit reconcile:\n%s", out)
	require.Contains(t, out, "partner: 2 anomalies")
	require.Contains(t, out, "unaccounted_charge")
	require.Contains(t, out, kept["id"].(string))

	// One is refunded; the other is recorded in the fleet's ledger (as the
	// SDK does when it makes the call), in the Redis the command reads.
	adminCall(t, admin, http.MethodPost, "/partner/orders/"+refunded["id"].(string)+"/fail", map[string]string{"message": "refund"})
	st, err := respstore.New(redis, "")
	require.NoError(t, err)
	defer st.Close()
	ctx := context.Background()
	l := ledger.New(st, partner.Provider, vars["SIMKIT_PARTNER_TOKEN"])
	e, err := l.Begin(ctx, ledger.Intent{Call: "POST /orders", Reference: "OUTSIDE-2"})
	require.NoError(t, err)
	require.NoError(t, l.Finish(ctx, e, ledger.Outcome{State: ledger.StateDone, ProviderIDs: []string{kept["id"].(string)}}))

	code, out, errOut = runReconcileBinary(t, bin, vars, args...)
	require.Equal(t, exitOK, code, "stdout: %s\nstderr: %s", out, errOut)
	require.Contains(t, out, "partner: clean")
	require.NotContains(t, out+errOut, vars["SIMKIT_PARTNER_TOKEN"], "no secret printed")
	t.Logf("simkit reconcile:\n%s", out)

	// Another run holds the partner lock: this one could not run (2), or
	// with --skip-busy skips partner and reconciles the rest.
	release, err := reconcile.Lock(ctx, st, partner.Provider, time.Minute)
	require.NoError(t, err)
	code, out, errOut = runReconcileBinary(t, bin, vars, args...)
	require.Equal(t, exitUsage, code, "stdout: %s\nstderr: %s", out, errOut)
	require.Contains(t, errOut, "another reconciliation")
	code, out, _ = runReconcileBinary(t, bin, vars, append(args, "--skip-busy")...)
	require.Equal(t, exitOK, code)
	require.Contains(t, out, "partner: skipped")
	require.Contains(t, out, "smsnumbers: clean")
	release()
}

// TestReconcileCommandCannotRun: no Store, a Store that does not answer,
// or a run that holds the lock: exit 2.
func TestReconcileCommandCannotRun(t *testing.T) {
	ctx := context.Background()
	env := simkittest.New(t)
	vars := map[string]string{
		"SIMKIT_PARTNER_BASE_URL": env.Config.PartnerURL,
		"SIMKIT_PARTNER_TOKEN":    env.Config.PartnerToken,
		"SIMKIT_PARTNER_SECRET":   env.Config.PartnerSecret,
	}
	lookup := func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
	var stdout, stderr bytes.Buffer

	code := run(ctx, []string{"reconcile"}, &stdout, &stderr, lookup)
	require.Equal(t, exitUsage, code)
	require.Contains(t, stderr.String(), "--redis")

	stderr.Reset()
	code = run(ctx, []string{"reconcile", "--redis", closedPortURL(t)[len("http://"):]}, &stdout, &stderr, lookup)
	require.Equal(t, exitUsage, code)
	require.Contains(t, stderr.String(), "does not answer")

	stderr.Reset()
	code = run(ctx, []string{"reconcile", "--from", "yesterday", "--redis", "127.0.0.1:1"}, &stdout, &stderr, lookup)
	require.Equal(t, exitUsage, code)
	require.Contains(t, stderr.String(), "--from")

	// A provider that does not answer: the others' tables are printed,
	// and the run could not close the books.
	vars["SIMKIT_PARTNER_BASE_URL"] = closedPortURL(t)
	vars["SIMKIT_SMS_TOKEN"], vars["SIMKIT_SMS_BASE_URL"] = env.Config.SMSToken, env.Config.SMSURL
	stdout.Reset()
	stderr.Reset()
	code = run(ctx, []string{"reconcile", "--redis", startRedisServer(t), "--timeout", "20s"}, &stdout, &stderr, lookup)
	require.Equal(t, exitUsage, code, "stdout: %s", stdout.String())
	require.Contains(t, stderr.String(), "partner could not run")
	require.Contains(t, stdout.String(), "smsnumbers: clean")
	require.NotContains(t, stdout.String()+stderr.String(), env.Config.PartnerToken)
}

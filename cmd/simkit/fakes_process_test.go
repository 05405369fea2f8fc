package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/simkit/simkit"
	"github.com/simkit/simkit/esimstory"
	"github.com/simkit/simkit/partner"
	"github.com/simkit/simkit/retry"
	"github.com/simkit/simkit/simkittest"
	"github.com/simkit/simkit/smsnumbers"
	"github.com/simkit/simkit/topups"
	"github.com/stretchr/testify/require"
)

// buildSimkit compiles the command once per test into a temp dir, so the
// test runs the real binary a user runs.
func buildSimkit(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "simkit")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	return bin
}

// startFakes runs `simkit fakes` and returns the process and the variables
// it printed.
func startFakes(t *testing.T, bin string, args ...string) (*exec.Cmd, map[string]string, *lockedBuffer) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"fakes"}, args...)...)
	stderr := &lockedBuffer{}
	cmd.Stderr = stderr
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	vars := map[string]string{}
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		k, v, ok := strings.Cut(strings.TrimPrefix(sc.Text(), "export "), "=")
		require.True(t, ok, "line %q", sc.Text())
		vars[k] = v
		if k == "SIMKIT_FAKES_ADMIN_URL" {
			break
		}
	}
	require.Contains(t, vars, "SIMKIT_FAKES_ADMIN_URL", "stderr: %s", stderr)
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	return cmd, vars, stderr
}

// lockedBuffer collects a child's stderr while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// adminCall sends one admin API request and decodes its JSON answer.
func adminCall(t *testing.T, base, method, path string, body any) map[string]any {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, base+path, rd)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var out map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	require.Less(t, resp.StatusCode, 300, "%s %s: %v", method, path, out)
	return out
}

// runCheckBinary runs `simkit check` with exactly vars as its environment
// (plus PATH/HOME) and returns its exit code and output.
func runCheckBinary(t *testing.T, bin string, vars map[string]string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(bin, "check", "--timeout", "5s")
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

// closedPortURL returns a loopback URL nothing listens on.
func closedPortURL(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return "http://" + addr
}

func TestFakesServerSubprocessJourneys(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the simkit binary")
	}
	bin := buildSimkit(t)
	cmd, vars, stderr := startFakes(t, bin)
	admin := vars["SIMKIT_FAKES_ADMIN_URL"]
	for k, v := range vars {
		t.Setenv(k, v)
	}
	c, err := simkit.FromEnv(simkit.WithRetry(retry.Policy{MaxAttempts: 1}))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	// Webhooks from both providers land here.
	partnerEvents := make(chan string, 8)
	esimDeliveries := make(chan string, 8)
	mux := http.NewServeMux()
	partnerHook, err := c.Partner.WebhookHandler(func(_ context.Context, ev *partner.WebhookEvent) error {
		partnerEvents <- ev.Order.ExternalID
		return nil
	})
	require.NoError(t, err)
	mux.Handle("/partner", partnerHook)
	mux.HandleFunc("/esimstory", func(w http.ResponseWriter, r *http.Request) {
		var d esimstory.Delivery
		if json.NewDecoder(r.Body).Decode(&d) == nil {
			esimDeliveries <- d.ExternalOrderID
		}
		w.WriteHeader(http.StatusOK)
	})
	hooks := httptest.NewServer(mux)
	defer hooks.Close()
	adminCall(t, admin, http.MethodPut, "/webhooks/partner", map[string]string{"url": hooks.URL + "/partner"})
	adminCall(t, admin, http.MethodPut, "/webhooks/esimstory", map[string]string{"url": hooks.URL + "/esimstory"})

	// Partner: balance, catalog, an order (its signed webhook arrives).
	bal, err := c.Partner.Balance(ctx)
	require.NoError(t, err)
	require.Equal(t, "1000.00", bal.Balance.StringFixed(2))
	products, err := c.Partner.ListProducts(ctx, partner.ListProductsParams{PerPage: 10})
	require.NoError(t, err)
	require.Len(t, products.Items, 10)
	order, err := c.Partner.CreateOrder(ctx, partner.CreateOrderParams{ExternalID: "PROC-1", Item: partner.OrderItemParams{SKUID: simkittest.PartnerSKUVoucher}})
	require.NoError(t, err)
	got, err := c.Partner.GetOrder(ctx, order.ID)
	require.NoError(t, err)
	require.Equal(t, order.ExternalID, got.ExternalID)
	select {
	case ext := <-partnerEvents:
		require.Equal(t, "PROC-1", ext, "a verified webhook for the order")
	case <-ctx.Done():
		t.Fatalf("no partner webhook; stderr: %s", stderr)
	}

	// SMS: buy, the admin API delivers the code, finish; a second order
	// expires when its clock is advanced.
	sms, err := c.SMS.BuyActivation(ctx, smsnumbers.BuyActivationParams{Country: "russia", Operator: "any", Product: "vkontakte"})
	require.NoError(t, err)
	adminCall(t, admin, http.MethodPost, "/sms/deliver", map[string]any{"order_id": sms.ID, "text": "VK: 09363", "code": "09363"})
	checked, err := c.SMS.Check(ctx, sms.ID)
	require.NoError(t, err)
	require.Len(t, checked.SMS, 1)
	require.Equal(t, "09363", checked.SMS[0].Code)
	_, err = c.SMS.Finish(ctx, sms.ID)
	require.NoError(t, err)
	sms2, err := c.SMS.BuyActivation(ctx, smsnumbers.BuyActivationParams{Country: "russia", Operator: "any", Product: "vkontakte"})
	require.NoError(t, err)
	adminCall(t, admin, http.MethodPost, "/clock/advance", map[string]string{"by": "16m", "provider": simkittest.ProviderSMS})
	expired, err := c.SMS.Check(ctx, sms2.ID)
	require.NoError(t, err)
	require.Equal(t, "TIMEOUT", string(expired.Status))

	// eSIM Story: an order of two units, delivered through the admin API.
	eo, err := c.ESIMStory.CreateOrder(ctx, esimstory.CreateOrderParams{ExternalOrderID: "PROC-E1", Products: []esimstory.OrderProductParams{{OptionID: simkittest.ESIMStoryOptionA, Qty: 2}}})
	require.NoError(t, err)
	require.Len(t, eo.TopupIDs(), 2)
	adminCall(t, admin, http.MethodPost, "/esimstory/deliver", map[string]string{"external_order_id": "PROC-E1"})
	for range 2 {
		select {
		case ext := <-esimDeliveries:
			require.Equal(t, "PROC-E1", ext)
		case <-ctx.Done():
			t.Fatal("no eSIM Story delivery")
		}
	}

	// Top-ups: packages, a top-up, the orders list.
	pkgs, err := c.Topups.TopupPackages(ctx, simkittest.TopupsSeedICCID)
	require.NoError(t, err)
	require.NotEmpty(t, pkgs)
	_, err = c.Topups.SubmitTopup(ctx, topups.SubmitTopupParams{PackageID: pkgs.Packages[0].ID, ICCID: simkittest.TopupsSeedICCID, Reference: "process-test-1"})
	require.NoError(t, err)
	page, err := c.Topups.ListOrders(ctx, topups.ListOrdersParams{})
	require.NoError(t, err)
	require.NotEmpty(t, page.Items)

	// A fault injected through the admin API reaches the client, then goes.
	adminCall(t, admin, http.MethodPost, "/faults", map[string]any{"provider": "partner", "path": "/balance", "kind": "status", "status": 500})
	_, err = c.Partner.Balance(ctx)
	require.ErrorIs(t, err, simkit.ErrServer)
	require.EqualValues(t, 1, adminCall(t, admin, http.MethodGet, "/faults", nil)["hits"])
	adminCall(t, admin, http.MethodDelete, "/faults", nil)

	hooksSeen := adminCall(t, admin, http.MethodGet, "/webhooks", nil)["webhooks"].([]any)
	require.Len(t, hooksSeen, 3, "one partner attempt, two eSIM Story deliveries")

	// Reset: the balance the order spent is back.
	adminCall(t, admin, http.MethodPost, "/reset", nil)
	bal, err = c.Partner.Balance(ctx)
	require.NoError(t, err)
	require.Equal(t, "1000.00", bal.Balance.StringFixed(2))

	// simkit check passes against the fakes, and names the provider whose
	// URL is a closed port.
	code, out, errOut := runCheckBinary(t, bin, vars)
	require.Equal(t, 0, code, "stdout: %s\nstderr: %s", out, errOut)
	for _, p := range []string{"partner", "smsnumbers", "esimstory", "topups"} {
		require.Contains(t, out, p)
	}
	for _, k := range []string{"SIMKIT_PARTNER_SECRET", "SIMKIT_SMS_TOKEN", "SIMKIT_TOPUPS_CLIENT_SECRET", "SIMKIT_ESIMSTORY_SECRET_KEY"} {
		require.NotContains(t, out+errOut, vars[k], "no secret printed")
	}
	broken := map[string]string{}
	for k, v := range vars {
		broken[k] = v
	}
	broken["SIMKIT_TOPUPS_BASE_URL"] = closedPortURL(t)
	code, out, errOut = runCheckBinary(t, bin, broken)
	require.Equal(t, 1, code, "stdout: %s", out)
	require.Contains(t, errOut, "failed: topups")
	require.Regexp(t, `(?m)^topups\s+FAIL`, out)
	require.Regexp(t, `(?m)^partner\s+ok`, out)

	// SIGTERM stops it cleanly.
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		require.NoError(t, err, "exit 0 on SIGTERM; stderr: %s", stderr)
	case <-time.After(10 * time.Second):
		t.Fatal("simkit fakes did not stop on SIGTERM")
	}
	require.Contains(t, stderr.String(), "stopping")
}

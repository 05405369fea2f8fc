package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

const triggerHelp = `Usage: simkit fakes trigger <provider> <event> [flags]

Asks running fakes (their admin API) to send one correctly signed webhook
now, to the target configured for the provider (PUT /webhooks/{provider},
--webhook-url or the seed file):

  partner order.status_changed   for --order-id, or a new completed order
  esimstory delivery             for --topup-id or --external-order-id, or a new unit

The admin API is found in SIMKIT_FAKES_ADMIN_URL (printed by simkit fakes),
its token in SIMKIT_FAKES_ADMIN_TOKEN and, over TLS, the certificate in
SIMKIT_FAKES_CA_FILE; flags override them. Prints the admin API's answer;
exits 0 when the webhook was sent, 1 when it was refused, 2 on bad usage.
The delivery attempts are listed by GET /webhooks on the admin API.

Flags:
`

func runTrigger(ctx context.Context, args []string, stdout, stderr io.Writer, lookup lookupFunc) int {
	var pos []string
	for len(args) > 0 && !strings.HasPrefix(args[0], "-") && len(pos) < 2 {
		pos, args = append(pos, args[0]), args[1:]
	}
	fs := flag.NewFlagSet("fakes trigger", flag.ContinueOnError)
	env := func(k string) string { v, _ := lookup(k); return v }
	adminURL := fs.String("admin-url", env("SIMKIT_FAKES_ADMIN_URL"), "admin API base URL")
	token := fs.String("admin-token", env("SIMKIT_FAKES_ADMIN_TOKEN"), "admin API token")
	caFile := fs.String("ca-file", env("SIMKIT_FAKES_CA_FILE"), "certificate to trust for an https admin URL")
	orderID := fs.String("order-id", "", "partner: the order to announce")
	topupID := fs.String("topup-id", "", "esimstory: the unit to deliver")
	extID := fs.String("external-order-id", "", "esimstory: deliver every unit of this order")
	if code, done := parseFlags(fs, args, stdout, stderr, triggerHelp); done {
		return code
	}
	if len(pos) != 2 {
		fmt.Fprint(stderr, "simkit fakes trigger: want <provider> <event>, e.g. partner order.status_changed\n")
		return exitUsage
	}
	if *adminURL == "" {
		fmt.Fprint(stderr, "simkit fakes trigger: no admin URL: set SIMKIT_FAKES_ADMIN_URL or --admin-url\n")
		return exitUsage
	}
	client, err := adminClient(*caFile)
	if err != nil {
		fmt.Fprintf(stderr, "simkit fakes trigger: %v\n", err)
		return exitUsage
	}
	body, _ := json.Marshal(map[string]string{"event": pos[1], "order_id": *orderID, "topup_id": *topupID, "external_order_id": *extID})
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(*adminURL, "/")+"/webhooks/"+pos[0]+"/trigger", bytes.NewReader(body))
	if err != nil {
		fmt.Fprintf(stderr, "simkit fakes trigger: %v\n", err)
		return exitUsage
	}
	req.Header.Set("Content-Type", "application/json")
	if *token != "" {
		req.Header.Set("Authorization", "Bearer "+*token)
	}
	resp, err := client.Do(req)
	if err != nil {
		fmt.Fprintf(stderr, "simkit fakes trigger: %v\n", err)
		return exitFail
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode/100 != 2 {
		fmt.Fprintf(stderr, "simkit fakes trigger: %d %s", resp.StatusCode, out)
		return exitFail
	}
	_, _ = stdout.Write(out)
	return exitOK
}

// adminClient trusts caFile (PEM) besides the system roots when set.
func adminClient(caFile string) (*http.Client, error) {
	rt := http.DefaultTransport.(*http.Transport).Clone()
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("--ca-file: %w", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, errors.New("--ca-file: no PEM certificate in it")
		}
		rt.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	return &http.Client{Transport: rt, Timeout: 30 * time.Second}, nil
}

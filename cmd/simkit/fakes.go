package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/simkit/simkit/simkittest"
)

const fakesHelp = `Usage: simkit fakes [flags]
       simkit fakes trigger <provider> <event> [flags]

Serves the four stateful simkit fake providers (partner, smsnumbers,
esimstory, topups) on local ports, prints the SIMKIT_* variables that point
an application or simkit.FromEnv at them as export lines (or writes them
to --env-file for docker compose), and serves a JSON admin API (GET / on
it lists every route): time, faults and seeded chaos, the request journal,
state save and restore, webhooks on demand, and charges made outside your
code for reconciliation tests.

The admin API listens on 127.0.0.1 whatever --host says. --admin-addr
moves it; off loopback it then requires a bearer token (--admin-token, or
SIMKIT_FAKES_ADMIN_TOKEN, or a random one printed on stderr).

--tls (or --http2) serves HTTPS with a certificate made at start and
written to --cert-file for clients to trust (NODE_EXTRA_CA_CERTS,
SSL_CERT_FILE, REQUESTS_CA_BUNDLE, curl --cacert).

It runs until SIGINT or SIGTERM. Port 0 picks a free port.

Flags:
`

// fakesFlags are the parsed flags of `simkit fakes`.
type fakesFlags struct {
	host, publicHost, seed, envFile, webhookURL string
	partner, sms, esimstory, topups, admin      int
	adminAddr, adminToken, certFile, state      string
	tls, http2                                  bool
}

func runFakes(ctx context.Context, args []string, stdout, stderr io.Writer, lookup lookupFunc) int {
	if len(args) > 0 && args[0] == "trigger" {
		return runTrigger(ctx, args[1:], stdout, stderr, lookup)
	}
	fs := flag.NewFlagSet("fakes", flag.ContinueOnError)
	var f fakesFlags
	fs.StringVar(&f.host, "host", "127.0.0.1", "listen address of every server (0.0.0.0 for other hosts or containers)")
	fs.StringVar(&f.publicHost, "public-host", "", "host written into the printed URLs (default: the listen host; 127.0.0.1 for 0.0.0.0)")
	fs.IntVar(&f.partner, "partner-port", 0, "port of the Partner fake (0: free port)")
	fs.IntVar(&f.sms, "sms-port", 0, "port of the SMS numbers fake")
	fs.IntVar(&f.esimstory, "esimstory-port", 0, "port of the eSIM Story fake")
	fs.IntVar(&f.topups, "topups-port", 0, "port of the top-ups and renewal fake")
	fs.IntVar(&f.admin, "admin-port", 0, "port of the admin API (on 127.0.0.1)")
	fs.StringVar(&f.adminAddr, "admin-addr", "", "listen address of the admin API (host:port); off loopback it requires a token")
	fs.StringVar(&f.adminToken, "admin-token", "", "bearer token the admin API requires (default $SIMKIT_FAKES_ADMIN_TOKEN; random off loopback)")
	fs.BoolVar(&f.tls, "tls", false, "serve HTTPS with a certificate made at start")
	fs.BoolVar(&f.http2, "http2", false, "serve HTTPS with HTTP/2 (implies --tls)")
	fs.StringVar(&f.certFile, "cert-file", "", "where --tls writes the certificate for clients to trust (default a new simkit-fakes-cert-*.pem in the temp dir, removed at exit)")
	fs.StringVar(&f.state, "state", "", "JSON state file to start from (as saved from the admin API's GET /state)")
	fs.StringVar(&f.seed, "seed", "", "JSON file with starting data (balances, catalog size, manual completion, webhook URLs; see README)")
	fs.StringVar(&f.envFile, "env-file", "", "also write the variables to this file as KEY=value lines (docker compose env_file)")
	fs.StringVar(&f.webhookURL, "webhook-url", "", "send Partner and eSIM Story webhooks to this URL (overrides --seed)")
	if code, done := parseFlags(fs, args, stdout, stderr, fakesHelp); done {
		return code
	}
	if f.adminToken == "" {
		f.adminToken, _ = lookup("SIMKIT_FAKES_ADMIN_TOKEN")
	}
	sc, err := f.serverConfig()
	if err != nil {
		fmt.Fprintf(stderr, "simkit fakes: %v\n", err)
		return exitUsage
	}
	if sc.TLS && sc.CertFile == "" {
		// A file of this run's own, so two servers never overwrite each
		// other's certificate; removed when the server stops.
		tmp, err := os.CreateTemp("", "simkit-fakes-cert-*.pem")
		if err != nil {
			fmt.Fprintf(stderr, "simkit fakes: cannot create the certificate file: %v\n", err)
			return exitFail
		}
		_ = tmp.Close()
		sc.CertFile = tmp.Name()
		defer os.Remove(sc.CertFile)
	}
	srv, err := simkittest.NewServer(sc)
	if err != nil {
		fmt.Fprintf(stderr, "simkit fakes: %v (choose another port with the matching --*-port flag)\n", err)
		return exitFail
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil {
			fmt.Fprintf(stderr, "simkit fakes: shutdown: %v\n", err)
		}
	}()
	if f.state != "" {
		b, err := os.ReadFile(f.state)
		if err == nil {
			err = srv.Restore(b)
		}
		if err != nil {
			fmt.Fprintf(stderr, "simkit fakes: --state: %v\n", err)
			return exitUsage
		}
	}
	env := srv.Env()
	if f.envFile != "" {
		if err := os.WriteFile(f.envFile, []byte(envLines(env, "")), 0o600); err != nil {
			fmt.Fprintf(stderr, "simkit fakes: --env-file: %v\n", err)
			return exitFail
		}
	}
	fmt.Fprint(stdout, envLines(env, "export "))
	if srv.AdminToken() != "" && srv.AdminToken() != f.adminToken {
		// Generated: the only place it is ever shown. stderr, not the
		// variables on stdout, which often end up in shared CI logs.
		fmt.Fprintf(stderr, "simkit fakes: admin token (send as Authorization: Bearer): %s\n", srv.AdminToken())
	}
	fmt.Fprintf(stderr, "simkit fakes: serving; admin API at %s; stop with Ctrl-C or SIGTERM\n", srv.AdminURL())
	<-ctx.Done()
	fmt.Fprintln(stderr, "simkit fakes: stopping")
	return exitOK
}

// serverConfig turns the flags into the server's configuration.
func (f fakesFlags) serverConfig() (simkittest.ServerConfig, error) {
	sc := simkittest.ServerConfig{Host: f.host, PublicHost: f.publicHost, TLS: f.tls || f.http2, HTTP2: f.http2, AdminToken: f.adminToken}
	sc.CertFile = f.certFile
	if f.seed != "" {
		cfg, err := loadSeed(f.seed)
		if err != nil {
			return sc, err
		}
		sc.Fakes = cfg
	}
	if f.webhookURL != "" {
		sc.Fakes.Partner.WebhookURL, sc.Fakes.ESIMStory.WebhookURL = f.webhookURL, f.webhookURL
	}
	for _, p := range []struct {
		flag string
		port int
		addr *string
	}{
		{"--partner-port", f.partner, &sc.PartnerAddr}, {"--sms-port", f.sms, &sc.SMSAddr},
		{"--esimstory-port", f.esimstory, &sc.ESIMStoryAddr}, {"--topups-port", f.topups, &sc.TopupsAddr},
		{"--admin-port", f.admin, &sc.AdminAddr},
	} {
		if p.port < 0 || p.port > 65535 {
			return sc, fmt.Errorf("%s must be between 0 and 65535, not %d", p.flag, p.port)
		}
		*p.addr = net.JoinHostPort(f.host, strconv.Itoa(p.port))
	}
	// The admin API stays on loopback unless its address is given.
	sc.AdminAddr = net.JoinHostPort("127.0.0.1", strconv.Itoa(f.admin))
	if f.adminAddr != "" {
		if f.admin != 0 {
			return sc, fmt.Errorf("--admin-addr and --admin-port are exclusive")
		}
		if _, _, err := net.SplitHostPort(f.adminAddr); err != nil {
			return sc, fmt.Errorf("--admin-addr must be host:port: %w", err)
		}
		sc.AdminAddr = f.adminAddr
	}
	return sc, nil
}

// envLines renders the variables one per line with prefix ("export " for a
// shell, "" for an env file). The values are URLs and the fakes' public
// test credentials, so no quoting beyond what a shell needs is required.
func envLines(env [][2]string, prefix string) string {
	var b strings.Builder
	for _, kv := range env {
		b.WriteString(prefix + kv[0] + "=" + kv[1] + "\n")
	}
	return b.String()
}

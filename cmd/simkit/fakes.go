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

Serves the four stateful simkit fake providers (partner, smsnumbers,
esimstory, topups) on local ports, prints the SIMKIT_* variables that point
an application or simkit.FromEnv at them as export lines (or writes them
to --env-file for docker compose), and serves a JSON admin API:

  GET / · POST /reset · GET|POST|DELETE /faults · POST /clock/advance
  PUT /webhooks/{partner|esimstory} · GET /webhooks
  POST /partner/orders/{id}/complete|fail · POST /esimstory/deliver
  POST /sms/deliver

It runs until SIGINT or SIGTERM. Port 0 picks a free port.

Flags:
`

// fakesFlags are the parsed flags of `simkit fakes`.
type fakesFlags struct {
	host, publicHost, seed, envFile, webhookURL string
	partner, sms, esimstory, topups, admin      int
}

func runFakes(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("fakes", flag.ContinueOnError)
	var f fakesFlags
	fs.StringVar(&f.host, "host", "127.0.0.1", "listen address of every server (0.0.0.0 for other hosts or containers)")
	fs.StringVar(&f.publicHost, "public-host", "", "host written into the printed URLs (default: the listen host; 127.0.0.1 for 0.0.0.0)")
	fs.IntVar(&f.partner, "partner-port", 0, "port of the Partner fake (0: free port)")
	fs.IntVar(&f.sms, "sms-port", 0, "port of the SMS numbers fake")
	fs.IntVar(&f.esimstory, "esimstory-port", 0, "port of the eSIM Story fake")
	fs.IntVar(&f.topups, "topups-port", 0, "port of the top-ups and renewal fake")
	fs.IntVar(&f.admin, "admin-port", 0, "port of the admin API")
	fs.StringVar(&f.seed, "seed", "", "JSON file with starting data (balances, catalog size, manual completion, webhook URLs; see README)")
	fs.StringVar(&f.envFile, "env-file", "", "also write the variables to this file as KEY=value lines (docker compose env_file)")
	fs.StringVar(&f.webhookURL, "webhook-url", "", "send Partner and eSIM Story webhooks to this URL (overrides --seed)")
	if code, done := parseFlags(fs, args, stdout, stderr, fakesHelp); done {
		return code
	}
	sc, err := f.serverConfig()
	if err != nil {
		fmt.Fprintf(stderr, "simkit fakes: %v\n", err)
		return exitUsage
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
	env := srv.Env()
	if f.envFile != "" {
		if err := os.WriteFile(f.envFile, []byte(envLines(env, "")), 0o600); err != nil {
			fmt.Fprintf(stderr, "simkit fakes: --env-file: %v\n", err)
			return exitFail
		}
	}
	fmt.Fprint(stdout, envLines(env, "export "))
	fmt.Fprintf(stderr, "simkit fakes: serving; admin API at %s; stop with Ctrl-C or SIGTERM\n", srv.AdminURL())
	<-ctx.Done()
	fmt.Fprintln(stderr, "simkit fakes: stopping")
	return exitOK
}

// serverConfig turns the flags into the server's configuration.
func (f fakesFlags) serverConfig() (simkittest.ServerConfig, error) {
	sc := simkittest.ServerConfig{Host: f.host, PublicHost: f.publicHost}
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

// Command simkit-check is `simkit check` for a fleet sharing its state in
// Redis: it verifies the SIMKIT_* credentials without moving money
// (simkit.Check) through the fleet's Store, so the top-ups token the
// replicas share is used instead of taking one of the three the provider
// issues a minute. Run it as a deploy check next to live replicas:
//
//	SIMKIT_REDIS_URL=redis://redis:6379/0 SIMKIT_REDIS_PREFIX=simkit:prod: \
//	  go run github.com/simkit/simkit/contrib/redisstore/cmd/simkit-check
//
// SIMKIT_REDIS_URL is required (redis:// or rediss://, with user, password
// and database as go-redis reads them); SIMKIT_REDIS_PREFIX must be the
// replicas' redisstore.Options.Prefix (default "simkit:"). It prints one
// line per credential and exits 1 when one failed (with -strict, or could
// not be verified), 2 for bad usage. No secret is printed.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/simkit/simkit"
	"github.com/simkit/simkit/contrib/redisstore"
)

// Environment variables naming the fleet's Redis.
const (
	envRedisURL    = "SIMKIT_REDIS_URL"
	envRedisPrefix = "SIMKIT_REDIS_PREFIX"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.LookupEnv)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer, lookup func(string) (string, bool)) int {
	fs := flag.NewFlagSet("simkit-check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	timeout := fs.Duration("timeout", 10*time.Second, "deadline of each call")
	strict := fs.Bool("strict", false, "exit 1 when a credential could not be verified")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	get := func(k string) string { v, _ := lookup(k); return strings.TrimSpace(v) }
	url := get(envRedisURL)
	if url == "" {
		fmt.Fprintf(stderr, "simkit-check: set %s to the fleet's Redis (redis://host:6379/0)\n", envRedisURL)
		return 2
	}
	ropts, err := redis.ParseURL(url)
	if err != nil {
		// The URL may hold a password: name the variable, not its value.
		fmt.Fprintf(stderr, "simkit-check: %s is not a redis:// or rediss:// URL\n", envRedisURL)
		return 2
	}
	rdb := redis.NewClient(ropts)
	defer rdb.Close()
	st := redisstore.New(rdb, func(o *redisstore.Options) {
		o.Prefix = get(envRedisPrefix)
		// A check that cannot reach the fleet's token must fail, not take
		// a token of its own.
		o.Failure = redisstore.FailClosed
	})
	envOpts, err := simkit.EnvOptions(lookup)
	if err != nil {
		fmt.Fprintf(stderr, "simkit-check: %v\n", err)
		return 2
	}
	if len(envOpts) == 0 {
		fmt.Fprintln(stderr, "simkit-check: no provider configured in SIMKIT_* (see simkit check --help)")
		return 2
	}
	results, err := simkit.Check(ctx, append(envOpts, simkit.WithStore(st), simkit.WithTimeout(*timeout))...)
	if err != nil {
		fmt.Fprintf(stderr, "simkit-check: %v\n", err)
		return 2
	}
	code := 0
	for _, r := range results {
		fmt.Fprintln(stdout, r)
		if r.Status == simkit.CheckFailed || *strict && r.Status == simkit.CheckUnverified {
			code = 1
		}
	}
	return code
}

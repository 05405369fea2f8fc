// Command simkit operates the simkit SDK from a shell: `simkit fakes`
// serves the stateful fake providers on local ports for programs in any
// language, and `simkit check` verifies every credential of every provider
// configured in the SIMKIT_* environment without moving money, naming
// those it could not verify.
//
//	go run github.com/simkit/simkit/cmd/simkit fakes
//	go run github.com/simkit/simkit/cmd/simkit check
//
// Run `simkit <command> --help` for each command's flags.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.LookupEnv)
	stop()
	os.Exit(code)
}

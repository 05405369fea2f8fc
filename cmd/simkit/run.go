package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
)

// Exit codes: 0 success, 1 a check or the server failed, 2 bad usage
// (unknown command, bad flag, missing variable).
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

const usage = `simkit operates the simkit SDK.

Usage:
  simkit fakes [flags]   serve the four stateful fake providers and an admin API
  simkit fakes trigger <provider> <event>   send a webhook from running fakes
  simkit check [flags]   verify the SIMKIT_* credentials without moving money
  simkit reconcile [flags]  close the books: the ledger against each provider's history

Run "simkit <command> --help" for a command's flags.
`

// lookupFunc reads an environment variable (os.LookupEnv in main; a map in
// tests).
type lookupFunc func(string) (string, bool)

// run is the whole command: it parses args, runs the subcommand until ctx
// ends (SIGINT/SIGTERM in main) and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, lookup lookupFunc) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	switch args[0] {
	case "fakes":
		return runFakes(ctx, args[1:], stdout, stderr, lookup)
	case "check":
		return runCheck(ctx, args[1:], stdout, stderr, lookup)
	case "reconcile":
		return runReconcile(ctx, args[1:], stdout, stderr, lookup)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	default:
		fmt.Fprintf(stderr, "simkit: unknown command %q\n\n%s", args[0], usage)
		return exitUsage
	}
}

// parseFlags parses args into fs, printing the command's help to stdout
// for --help. done is true when the caller should return code at once.
func parseFlags(fs *flag.FlagSet, args []string, stdout, stderr io.Writer, help string) (code int, done bool) {
	fs.SetOutput(stderr)
	usage := func() {
		fmt.Fprint(fs.Output(), help)
		fs.PrintDefaults()
	}
	// flag calls Usage itself on -h and on a bad flag; printing it here
	// instead, once, keeps --help to one copy on stdout.
	fs.Usage = func() {}
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fs.SetOutput(stdout)
		usage()
		return exitOK, true
	case err != nil:
		// flag already printed the error; the usage follows it.
		usage()
		return exitUsage, true
	case fs.NArg() > 0:
		fmt.Fprintf(stderr, "simkit %s: unexpected argument %q (flags only; see --help)\n", fs.Name(), fs.Arg(0))
		return exitUsage, true
	}
	return exitOK, false
}

# simkit developer targets. `make ci` is what .ci/run calls.
STATICCHECK_VERSION ?= v0.8.2
GO ?= go
PKGS ?= ./...

.PHONY: test lint cover bench bench-fleet fuzz ci examples mutate

test:
	$(GO) test -race -count=1 $(PKGS)

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) $(PKGS)

cover:
	$(GO) test -count=1 -coverprofile=cover.out $(PKGS)
	$(GO) tool cover -func=cover.out | tail -1

# bench runs every pair of benchmarks/ (SDK, bare resty, raw net/http in
# alternating blocks; each pair sizes its own blocks, hence -benchtime=1x),
# then the peers of benchmarks/peers (other SDKs, and simkit fakes beside
# stripe-mock: a module of its own, so the core go.mod never gains them),
# then the fleet benchmarks of benchmarks/fleet (Redis round trips, pairs
# against a real redis-server, growth: a module of its own for go-redis),
# and prints every table of BENCHMARKS.md (scripts/benchtable) with the
# commands, machine, Go and Redis versions. About 5 minutes on 2 cores.
# bench-fleet runs the fleet benchmarks and the fakes only. To check that
# two runs agree: make bench BENCH_OUT=a.txt; make bench BENCH_OUT=b.txt;
# go run ./scripts/benchtable -compare a.txt b.txt
BENCH_OUT ?= bench.txt
BENCH_CORE = $(GO) test -run='^$$' -bench=. -benchtime=1x -timeout=10m ./benchmarks
BENCH_PEERS = cd benchmarks/peers && GOWORK=off $(GO) test -run='^$$' -bench=. -benchtime=1x -timeout=10m .
BENCH_FAKES = cd benchmarks/peers && GOWORK=off $(GO) test -run='^$$' -bench=Fakes -benchtime=1x -timeout=10m .
# The fleet benchmarks run pinned to one CPU with their redis-server (a
# child inherits the pin): unpinned, the scheduler puts the two on one
# vCPU or on two, and a ledger write's four hand-offs cost 113 or 268 us
# depending on that placement alone, for a whole run.
BENCH_PIN ?= $(shell command -v taskset >/dev/null 2>&1 && echo taskset -c 0)
BENCH_FLEET = cd benchmarks/fleet && $(BENCH_PIN) $(GO) test -run='^$$' -bench=. -benchtime=1x -timeout=20m .
bench:
	@printf 'command: %s\n' "make bench" "$(BENCH_CORE)" "($(BENCH_PEERS))" "($(BENCH_FLEET))" > $(BENCH_OUT)
	$(BENCH_CORE) >> $(BENCH_OUT)
	($(BENCH_PEERS)) >> $(BENCH_OUT)
	($(BENCH_FLEET)) >> $(BENCH_OUT)
	$(GO) run ./scripts/benchtable < $(BENCH_OUT)

bench-fleet:
	@printf 'command: %s\n' "make bench-fleet" "($(BENCH_FAKES))" "($(BENCH_FLEET))" > $(BENCH_OUT)
	($(BENCH_FAKES)) >> $(BENCH_OUT)
	($(BENCH_FLEET)) >> $(BENCH_OUT)
	$(GO) run ./scripts/benchtable < $(BENCH_OUT)

fuzz:
	$(GO) test -run='^$$' -fuzz=FuzzVerifyPartnerWebhook -fuzztime=15s ./signing

# mutate runs the mutation tester (scripts/mutate) over the money, settle,
# transport, signing and webhook files of scripts/mutate/files.txt: one
# mutant at a time, each against its package's tests, printing a score per
# file, the survivors and the table of ARCHITECTURE.md. The whole list
# takes about half an hour on 2 cores; name files to run fewer:
# make mutate MUTATE='internal/webhook/lease.go'. CI runs a sample:
# make mutate MUTATE='-sample 6 -threshold 90'.
MUTATE ?=
mutate:
	$(GO) run ./scripts/mutate $(MUTATE)

examples:
	$(GO) run ./examples/quickstart

ci: lint test

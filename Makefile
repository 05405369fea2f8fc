# simkit developer targets. `make ci` is what .ci/run calls.
STATICCHECK_VERSION ?= v0.8.2
GO ?= go
PKGS ?= ./...

.PHONY: test lint cover bench fuzz ci examples

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
# then the peer SDKs of benchmarks/peers (a module of its own, so the core
# go.mod never gains them), then prints the tables of BENCHMARKS.md
# (scripts/benchtable). About 1.5 minutes on 2 cores. To check that two
# runs agree: make bench BENCH_OUT=a.txt; make bench BENCH_OUT=b.txt;
# go run ./scripts/benchtable -compare a.txt b.txt
BENCH_OUT ?= bench.txt
bench:
	$(GO) test -run='^$$' -bench=. -benchtime=1x -timeout=10m ./benchmarks > $(BENCH_OUT)
	(cd benchmarks/peers && GOWORK=off $(GO) test -run='^$$' -bench=. -benchtime=1x -timeout=10m .) >> $(BENCH_OUT)
	$(GO) run ./scripts/benchtable < $(BENCH_OUT)

fuzz:
	$(GO) test -run='^$$' -fuzz=FuzzVerifyPartnerWebhook -fuzztime=15s ./signing

examples:
	$(GO) run ./examples/quickstart

ci: lint test

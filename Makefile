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

# bench runs every SDK/raw pair (benchmarks/) three times at 0.5 s each,
# plus the webhook pair on one core, then prints the ratio table
# (scripts/benchtable). About 1.5 minutes on 2 cores.
BENCH_OUT ?= bench.txt
bench:
	$(GO) test -run='^$$' -bench=. -benchmem -benchtime=0.5s -count=3 ./benchmarks > $(BENCH_OUT)
	$(GO) test -run='^$$' -bench='Webhook/serial' -benchmem -benchtime=0.5s -count=3 -cpu=1 ./benchmarks >> $(BENCH_OUT)
	$(GO) run ./scripts/benchtable < $(BENCH_OUT)

fuzz:
	$(GO) test -run='^$$' -fuzz=FuzzVerifyPartnerWebhook -fuzztime=15s ./signing

examples:
	$(GO) run ./examples/quickstart

ci: lint test

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

bench:
	$(GO) test -run='^$$' -bench=. -benchmem -count=1 $(PKGS)

fuzz:
	$(GO) test -run='^$$' -fuzz=FuzzVerifyPartnerWebhook -fuzztime=15s ./signing

examples:
	$(GO) run ./examples/quickstart

ci: lint test

# mystatus — every target is a plain go (or npm) command; see README.md.
GO      ?= go
BIN     ?= bin/mystatus
FUZZTIME ?= 2000x
PKGPAR  ?= $(shell echo $$(( $$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2) * 2 )))
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION) -X main.commit=$(shell git rev-parse --short=12 HEAD 2>/dev/null) -X main.date=$(shell date -u +%Y-%m-%dT%H:%M:%SZ)

# dist and dist-test: see npm/dist.sh and e2e/install/run.sh
.PHONY: dist dist-test all build run test unit race vet lint fmt-check tidy-check fuzz fuzz-short golden bench e2e install i18n-check i18n-merge ci clean

all: build

build:
	$(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) .

## run: build and print the report
run: build
	./$(BIN)

## test: what CI runs — formatting, vet, lint, every package's tests under the race detector, short fuzzing
test: fmt-check vet lint race fuzz-short

## unit: every package's tests without the race detector (quicker while editing)
unit:
	$(GO) test ./...

## race: every package's tests under the race detector (what `make test` runs);
## -ldflags=-w leaves DWARF out of the ~40 test binaries (quicker links; race
## reports symbolize without it); two packages per core at a time, since the
## longest (internal/faults, the scripts) mostly wait, and the last ones to
## build would otherwise run alone (2 cores: 50–60 s → 43–47 s)
race:
	$(GO) test -race -ldflags=-w -p $(PKGPAR) ./...

vet:
	$(GO) vet ./...

STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2
DEADCODE    ?= golang.org/x/tools/cmd/deadcode@v0.52.0

## lint: staticcheck clean, and no function unreachable from main (test support lives in internal/)
lint:
	$(GO) run $(STATICCHECK) ./...
	@out=$$($(GO) run $(DEADCODE) .); if [ -n "$$out" ]; then echo "unreachable from main:"; echo "$$out"; exit 1; fi

fmt-check:
	@out=$$(gofmt -l . | grep -v '^e2e/node/'); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

tidy-check:
	$(GO) mod tidy && git diff --exit-code go.mod go.sum

## fuzz-short: every fuzz target for FUZZTIME (2000x: 2000 inputs each); `make fuzz FUZZTIME=1m` runs longer
fuzz-short:
	./scripts/fuzz.sh $(FUZZTIME)

fuzz:
	./scripts/fuzz.sh $(if $(filter 2000x,$(FUZZTIME)),30s,$(FUZZTIME))

## golden: rewrite golden files after an intended output change
golden:
	$(GO) test ./lib/render/... ./lib/demo/... . -update

## i18n-check: the catalog completeness test translators run before sending a change
i18n-check:
	$(GO) test ./i18n/ -run 'Catalog|French|Render' -v

## i18n-merge: go-i18n's goi18n merge workflow (see CONTRIBUTING.md)
i18n-merge:
	cd i18n && $(GO) run github.com/nicksnyder/go-i18n/v2/goi18n@v2.7.0 merge -format json -sourceLanguage en active.*.json $$(ls translate.*.json 2>/dev/null)

## bench: Go benchmarks plus the loopback latency driver; writes BENCHMARKS.md
bench:
	./scripts/bench.sh

## e2e: real MCP clients (official Go SDK, npm SDK) drive the built binary
e2e: build
	MYSTATUS_BIN=$(abspath $(BIN)) ./e2e/run.sh

install:
	$(GO) install -trimpath -ldflags "$(LDFLAGS)" .

ci: test e2e

## dist: the six release binaries, the npm tarballs and SHA256SUMS in dist/ (reproducible)
dist:
	GO=$(GO) ./npm/dist.sh

## dist-test: install the dist/ tarballs offline and drive them (npx demo, MCP serve, OpenCode plugin)
dist-test: dist
	./e2e/install/run.sh

clean:
	rm -rf bin

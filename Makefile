# Outrider build. Two commands matter: `make run` and `make test`.
# Nothing here needs a global Bun: the pinned Bun comes from package.json via npm.
SHELL := /bin/bash
.DEFAULT_GOAL := help

BUN        := node_modules/.bin/bun
BIOME      := node_modules/.bin/biome
TSC        := node_modules/.bin/tsc
# prometheus: only for `promtool check metrics` in the test suite.
DEB_PKGS   := gcc libc6-dev libhwloc-dev libsodium-dev prometheus
NATIVE_SRC := $(wildcard native/*.c)
NATIVE_LIB := build/native/liboutrider.so
TEST_TIMEOUT_MS ?= 120000
# Extra arguments for `bun test`, e.g. `make test TEST_ARGS=tests/unit`.
TEST_ARGS  ?=

.PHONY: help deps install native build run test lint format typecheck bench clean

help:
	@echo "make run    install what is missing, build, start Outrider on its embedded default"
	@echo "make test   install, build, lint, typecheck and run every test suite"
	@echo "make build  compile dist/outrider (one executable, native helpers embedded)"
	@echo "make bench  run the mitata benchmarks and a short simulation"
	@echo "make lint | format | typecheck | native | clean"

# Debian packages: installed when missing and running as root; otherwise say exactly what to do.
deps: build/.deps-ok
build/.deps-ok:
	@missing=""; for p in $(DEB_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends$$missing >/dev/null || exit 1; \
	  else \
	    echo "error: missing Debian packages:$$missing"; \
	    echo "run:   sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi
	@mkdir -p build && touch $@

# JavaScript dependencies, Bun included, frozen to bun.lock. npm only fetches the
# pinned Bun (from package.json) into build/bootstrap; that Bun then installs the
# project, itself included, into node_modules.
BUN_VERSION = $(shell node -p "require('./package.json').devDependencies.bun")
BOOTSTRAP_BUN := build/bootstrap/node_modules/.bin/bun
install: node_modules/.installed
$(BOOTSTRAP_BUN):
	@command -v npm >/dev/null || { echo "error: npm not found; install Node.js and npm (Debian: apt-get install -y nodejs npm)"; exit 1; }
	npm install --no-save --no-package-lock --prefix build/bootstrap --no-audit --no-fund --loglevel=error bun@$(BUN_VERSION)
node_modules/.installed: package.json bun.lock $(BOOTSTRAP_BUN)
	$(BOOTSTRAP_BUN) install --frozen-lockfile
	@touch $@

native: $(NATIVE_LIB)
$(NATIVE_LIB): $(NATIVE_SRC) $(wildcard native/*.h) build/.deps-ok
	@mkdir -p build/native
	cc -O2 -g -Wall -Wextra -Werror -fPIC -shared -o $@ $(NATIVE_SRC) -lhwloc -lsodium

lint: install
	$(BIOME) check .

format: install
	$(BIOME) check --write .

typecheck: install
	$(TSC) -p tsconfig.json

build: dist/outrider
dist/outrider: install native $(shell find src -name '*.ts' 2>/dev/null) package.json
	@mkdir -p dist
	$(BUN) scripts/build.ts

run: build
	./dist/outrider run $(ARGS)

test: install native deps
	@bash scripts/test.sh "$(BUN)" "$(TEST_TIMEOUT_MS)" $(TEST_ARGS)

bench: install native build
	@bash scripts/bench.sh "$(BUN)"

clean:
	rm -rf build dist

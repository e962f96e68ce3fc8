# stacklab: `make run` starts the lab cloud, `make test` runs every test suite.
# Both install the missing Debian packages listed in deps.txt first.

BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= $(shell nproc)
STATE ?=
LISTEN ?= 127.0.0.1:8080
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps build run test unit api e2e crash metrics-check conformance bench clean

all: build

# Installs only what is missing, so a second run costs a dpkg query.
deps:
	@missing=$$(grep -v '^\s*#' deps.txt | xargs -n1 | while read p; do \
	  dpkg-query -W -f='$${Status}' "$$p" 2>/dev/null | grep -q 'install ok installed' || echo "$$p"; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing: $$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(BUILD_DIR)/CMakeCache.txt:
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

build: deps $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j$(JOBS)

run: build
	$(BUILD_DIR)/stacklab up --profile lab --dashboard --listen $(LISTEN) $(if $(STATE),--state $(STATE),)

# Every suite: unit + API (GoogleTest), crash-safety, metrics validity, e2e with the real openstack CLI.
test: build unit api crash metrics-check e2e

unit:
	cd $(BUILD_DIR) && ctest -L unit --output-on-failure -j$(JOBS)

api:
	cd $(BUILD_DIR) && ctest -L api --output-on-failure

crash:
	python3 tests/crash/kill9_test.py $(BUILD_DIR)/stacklab

metrics-check:
	tests/api/promtool_check.sh $(BUILD_DIR)/stacklab

e2e:
	python3 tests/e2e/run_e2e.py $(BUILD_DIR)/stacklab

# tempest against a live stacklab, by idempotent id (tests/conformance/).
conformance: build
	tests/conformance/run $(BUILD_DIR)/stacklab

bench: build
	bench/run_bench.sh $(BUILD_DIR)

clean:
	rm -rf $(BUILD_DIR)

# The README's commands. Every target installs missing Debian packages first.
BUILD_DIR ?= build
ASAN_DIR ?= build-asan
TSAN_DIR ?= build-tsan
FUZZ_DIR ?= build-fuzz
# `make fuzz` searches for FUZZ_SECONDS per harness; `make test` checks FUZZ_TEST_RUNS inputs per
# harness with a fixed seed (the same inputs on every machine, so the check is repeatable).
FUZZ_SECONDS ?= 300
FUZZ_TEST_RUNS ?= 50000
JOBS ?= 2
CONFIG ?= etc/dadns.yml
# Sanitizer builds run the unit tests and the integration tests that need only the daemon
# (label daemon): skip what they do not need.
SANITIZER_BUILD = -DDADNS_BUILD_INTEGRATION_TESTS=OFF -DDADNS_BUILD_BENCH=OFF

.PHONY: all deps deps-build build package run test test-unit test-asan test-tsan fuzz-build fuzz test-fuzz soak install clean

all: build

# Build needs only the toolchain and libraries; tests also need the real servers.
deps-build:
	@scripts/deps.sh build

deps:
	@scripts/deps.sh all

$(BUILD_DIR)/CMakeCache.txt:
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release

build: deps-build $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j$(JOBS)

run: build
	$(BUILD_DIR)/bin/dadns --config=$(CONFIG)

# Every test: unit, integration and slow, then the unit and daemon-only integration tests under
# ASan+UBSan and under TSan, then each fuzzer briefly.
test: deps build
	cd $(BUILD_DIR) && ctest --output-on-failure -j$(JOBS)
	$(MAKE) test-asan
	$(MAKE) test-tsan
	$(MAKE) test-fuzz

test-unit: deps build
	cd $(BUILD_DIR) && ctest --output-on-failure -j$(JOBS) -L unit

test-asan: deps
	cmake -S . -B $(ASAN_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDADNS_SANITIZE=address $(SANITIZER_BUILD)
	cmake --build $(ASAN_DIR) -j$(JOBS)
	cd $(ASAN_DIR) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j$(JOBS) -L 'unit|daemon'

test-tsan: deps
	cmake -S . -B $(TSAN_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDADNS_SANITIZE=thread $(SANITIZER_BUILD)
	cmake --build $(TSAN_DIR) -j$(JOBS)
	cd $(TSAN_DIR) && TSAN_OPTIONS=halt_on_error=1 ctest --output-on-failure -j$(JOBS) -L 'unit|daemon'

# libFuzzer harnesses (fuzz/, docs/fuzzing.md): clang, in a build directory of their own.
fuzz-build: deps-build
	CC=clang CXX=clang++ cmake -S . -B $(FUZZ_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDADNS_FUZZ=ON
	cmake --build $(FUZZ_DIR) -j$(JOBS)

# Each harness in turn for FUZZ_SECONDS (FUZZ_HARNESSES picks some); findings fail the target.
fuzz: fuzz-build
	fuzz/run.sh $(FUZZ_DIR) $(FUZZ_SECONDS) $(FUZZ_HARNESSES)

test-fuzz: fuzz-build
	fuzz/run.sh --runs=$(FUZZ_TEST_RUNS) $(FUZZ_DIR) $(FUZZ_HARNESSES)

# 30 minutes of mixed load with injected faults against real named, MariaDB and pdns_server.
soak: deps build
	$(BUILD_DIR)/bin/soak_test --duration=30m --fault-interval=60s

# Debian packages dadns and dadns-dev (debian/) from the Release build above, not a second
# compile, into PACKAGE_DIR.
PACKAGE_DIR ?= $(BUILD_DIR)/packages
package: build
	scripts/package.sh $(BUILD_DIR) $(PACKAGE_DIR)

# PREFIX is configured into the build (the daemon's default config path follows it).
install: build
	$(if $(PREFIX),cmake -S . -B $(BUILD_DIR) -DCMAKE_INSTALL_PREFIX=$(PREFIX) && cmake --build $(BUILD_DIR) -j$(JOBS))
	cmake --install $(BUILD_DIR)

clean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR) $(TSAN_DIR) $(FUZZ_DIR)

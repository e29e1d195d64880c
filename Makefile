# Thin wrapper so a fresh clone needs only `make bench` and `make test`.
BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc)

.PHONY: all deps build test test-asan bench clean

all: build

deps:
	@ci/install-deps

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release > $(BUILD).configure.log 2>&1 || { cat $(BUILD).configure.log; exit 1; }
	@cmake --build $(BUILD) -j $(JOBS)

# Every test through ctest: GoogleTest unit tests and the pytest black-box suite.
test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The unit tests and the CLI under AddressSanitizer + UndefinedBehaviorSanitizer.
test-asan: deps
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DSHARDLAB_SANITIZE=ON > $(ASAN_BUILD).configure.log 2>&1 || { cat $(ASAN_BUILD).configure.log; exit 1; }
	@cmake --build $(ASAN_BUILD) -j $(JOBS) --target shardlab_tests shardlab
	@cd $(ASAN_BUILD) && ctest --output-on-failure -j $(JOBS)

# Micro-benchmarks (repetitions, random interleaving) and scenarios/ci -> results/<run>/.
bench: build
	@ci/bench

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(BUILD).configure.log $(ASAN_BUILD).configure.log

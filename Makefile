# Thin wrapper so a fresh clone needs only `make bench` and `make test`.
BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 600
JOBS       ?= $(shell nproc)

.PHONY: all deps build install test test-asan fuzz bench bench-quick bench-baseline report clean

all: build

deps:
	@ci/install-deps

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release > $(BUILD).configure.log 2>&1 || { cat $(BUILD).configure.log; exit 1; }
	@cmake --build $(BUILD) -j $(JOBS)

# shardlab on PATH: PREFIX/bin/shardlab, its man page and bash completion (PREFIX
# defaults to /usr/local).
PREFIX ?= /usr/local
install: build
	@cmake --install $(BUILD) --prefix $(PREFIX)

# Every test through ctest: GoogleTest unit tests, the pytest black-box suite and the fuzz
# targets' replay of their seeds and regressions; then each libFuzzer target for 60 s
# (clang, $(FUZZ_BUILD)/; ci/fuzz prints a crashing input and fails).
test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	@FUZZ_BUILD=$(FUZZ_BUILD) JOBS=$(JOBS) ci/fuzz 60

# The libFuzzer targets for FUZZ_SECONDS each (default 600); tests/fuzz/README.md.
fuzz: deps
	@FUZZ_BUILD=$(FUZZ_BUILD) JOBS=$(JOBS) ci/fuzz $(FUZZ_SECONDS)

# The unit tests and the CLI under AddressSanitizer + UndefinedBehaviorSanitizer. Built
# file by file (no unity batches), so it also checks that every file includes what it uses.
test-asan: deps
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DSHARDLAB_SANITIZE=ON -DSHARDLAB_UNITY_BUILD=OFF > $(ASAN_BUILD).configure.log 2>&1 || { cat $(ASAN_BUILD).configure.log; exit 1; }
	@cmake --build $(ASAN_BUILD) -j $(JOBS) --target shardlab_tests shardlab fuzz_scenario_replay fuzz_repro_replay
	@cd $(ASAN_BUILD) && ctest --output-on-failure -j $(JOBS)

# The regression gate, A/B: this checkout against BASE (default HEAD~1, built once in a
# worktree under .bench/), micro-benchmarks (9 rounds) and scenarios/ci (5) interleaved in
# one run, then both sides' instruction counts under callgrind -> results/<run>/ with
# gate.md, gate.json and the report. BASE=baseline compares
# with results/baseline/ instead (meaningful only on the machine that recorded it).
# Exit 0 no regression, 1 regression or verdict change, 2 usage error.
bench: build
	@BASE="$(BASE)" ci/bench

# The same comparison with fewer repetitions (and the same instruction counts), for pull requests.
bench-quick: build
	@SHARDLAB_BENCH_QUICK=1 BASE="$(BASE)" ci/bench

# Record the newest run (or RUN=results/<run>) as results/baseline/.
bench-baseline:
	@ci/record-baseline $(RUN)

# results/<run>/report/index.html for the newest run (or RUN=results/<run>).
report:
	@/usr/bin/python3 plot/report.py $${RUN:-$$(ls -d results/2*/ | sort | tail -1)}

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) $(BUILD).configure.log $(ASAN_BUILD).configure.log $(FUZZ_BUILD).configure.log

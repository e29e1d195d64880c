#pragma once
// Instruction counts for the micro-benchmarks: the `instructions` rows of make bench.
//
// Wall-clock time on a shared VM drifts by tens of percent; the number of instructions a
// loop executes does not. ci/instructions.py runs shardlab_micro under callgrind with
// collection off (--collect-atstart=no) and SHARDLAB_BENCH_INSTRUCTIONS=1, which fixes each
// counted benchmark's iteration count (SHARDLAB_COUNTED). SHARDLAB_BENCH_LOOP turns
// collection on for the timed loop only, so setup (creating shard files, recording a
// trace) is not counted; run/micro_main.cc dumps the counts of each benchmark under its
// name. Outside valgrind the client requests are a handful of no-op instructions, run
// once per benchmark run, outside the loop.
#include <benchmark/benchmark.h>
#include <valgrind/callgrind.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace shardlab::bench {

// True when ci/instructions.py asked for fixed iteration counts.
inline bool CountingInstructions() {
  const char* v = std::getenv("SHARDLAB_BENCH_INSTRUCTIONS");
  return v != nullptr && std::strcmp(v, "1") == 0;
}

// Benchmark::Apply target: N iterations when counting instructions (enough that one-off
// work in the loop is amortised, few enough that callgrind's ~50x slowdown stays in
// seconds), the usual timed run otherwise.
template <int64_t N>
void Counted(benchmark::internal::Benchmark* b) {
  if (CountingInstructions()) b->Iterations(N);
}

// Benchmark::Apply target for benchmarks whose cost is the kernel's (fork, SIGKILL) or whose
// count depends on thread scheduling (a worker pool's waits): under callgrind they run one
// iteration and report no count (CountedWindow skips a one-iteration run).
inline void NotCounted(benchmark::internal::Benchmark* b) {
  if (CountingInstructions()) b->Iterations(1);
}

// Counts zeroed at the start of the timed loop, dumped at its end. Zeroing and dumping
// cover every thread (a benchmark's worker pool included), so in a multi-threaded
// benchmark thread 0 alone does it: the loop's start and end barriers line the other
// threads up inside its window.
class CountedWindow {
 public:
  explicit CountedWindow(const benchmark::State& state)
      : lead_(state.thread_index() == 0 && state.max_iterations > 1) {
    if (lead_) CALLGRIND_ZERO_STATS;
  }
  // True once (run the loop), then closes the window.
  bool Once() {
    if (first_) {
      first_ = false;
      return true;
    }
    if (lead_) CALLGRIND_DUMP_STATS_AT("shardlab-bench-loop");
    return false;
  }

 private:
  bool lead_;
  bool first_ = true;
};

}  // namespace shardlab::bench

#define SHARDLAB_COUNTED(n) Apply(&::shardlab::bench::Counted<n>)
#define SHARDLAB_NOT_COUNTED() Apply(&::shardlab::bench::NotCounted)

// `SHARDLAB_BENCH_LOOP(state) { ... }` in place of `for (auto _ : state) { ... }`.
#define SHARDLAB_BENCH_LOOP(state)                                                               \
  for (::shardlab::bench::CountedWindow shardlab_counted_window_(state); shardlab_counted_window_.Once();) \
    for (auto _ : state)

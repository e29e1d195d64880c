// shardlab_micro's main: Google Benchmark's, plus one callgrind dump per benchmark after
// its loop's (core/bench_loop.h), so that ci/instructions.py can name each loop's
// instruction count. Outside valgrind the dump is a no-op.
#include <benchmark/benchmark.h>
#include <unistd.h>
#include <valgrind/callgrind.h>

#include <string>
#include <vector>

namespace {

// The console reporter, and after each benchmark a dump labelled
// "shardlab-bench <name> iterations=<n>": the name of the loop dump before it.
class CountingReporter : public benchmark::ConsoleReporter {
 public:
  using benchmark::ConsoleReporter::ConsoleReporter;
  void ReportRuns(const std::vector<Run>& runs) override {
    benchmark::IterationCount iterations = 0;
    std::string name;
    for (const Run& run : runs) {
      if (run.run_type != Run::RT_Iteration || run.error_occurred) continue;
      iterations += run.iterations;
      name = run.benchmark_name();
    }
    if (iterations > 0) {
      const std::string label = "shardlab-bench " + name + " iterations=" + std::to_string(iterations);
      CALLGRIND_DUMP_STATS_AT(label.c_str());
    }
    benchmark::ConsoleReporter::ReportRuns(runs);
  }
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  CountingReporter display(isatty(STDOUT_FILENO) ? benchmark::ConsoleReporter::OO_ColorTabular
                                                 : benchmark::ConsoleReporter::OO_Tabular);
  benchmark::RunSpecifiedBenchmarks(&display);
  benchmark::Shutdown();
  return 0;
}

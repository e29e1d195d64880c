#include "kinds/workload/walk_forms.h"

#include <chrono>
#include <cmath>

#include "core/elapsed.h"
#include "core/histogram.h"
#include "kinds/workload/workload_runner.h"
#include "kinds/workload/workload_spec.h"
#include "sqlite/io_counter.h"

namespace shardlab {

StatusOr<WalkFormResult> MeasureWalkForm(const LoadedWorkload& run, uint32_t k, const WalkAnswer& answer,
                                         Progress& progress) {
  OpExecutor chooser(run.Context(), 1);
  std::vector<OpExecutor::WalkStep> steps;
  Rng warm(DeriveSeed(run.s.seed, "walk-warmup", k));
  for (int i = 0; i < kWalkWarmPasses; ++i) {
    chooser.ChooseWalk(run.shards.count(), warm, steps);
    SHARDLAB_RETURN_IF_ERROR(answer(steps).status());
  }
  const int64_t iterations = run.s.Spec<WorkloadSpec>().walk.iterations;
  Rng rng(DeriveSeed(run.s.seed, "walk", k));
  LatencyHistogram latency;
  uint64_t rows = 0;
  const IoCounts io_before = IoCounts::Snapshot();
  for (int64_t it = 0; it < iterations; ++it) {
    chooser.ChooseWalk(k, rng, steps);
    const auto t0 = std::chrono::steady_clock::now();
    SHARDLAB_ASSIGN_OR_RETURN(uint64_t found, answer(steps));
    latency.Record(NanosSince(t0));
    rows += found;
    progress.Add(1);
  }
  const IoCounts io = IoCounts::Snapshot() - io_before;
  WalkFormResult r;
  r.json = {{"latency_us", latency.ToJsonMicros()},
            {"rows", rows},
            {"rows_per_walk", static_cast<double>(rows) / static_cast<double>(iterations)},
            {"io_per_walk", io.PerOp(iterations)}};
  r.p50_ns = latency.Percentile(50);
  return r;
}

double P50Ratio(uint64_t a_ns, uint64_t b_ns) {
  if (b_ns == 0) return 0;
  return std::round(static_cast<double>(a_ns) / static_cast<double>(b_ns) * 1000) / 1000;
}

}  // namespace shardlab

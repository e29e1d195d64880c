#include "kinds/workload/walk_forms.h"

#include <chrono>
#include <cmath>

#include "core/elapsed.h"
#include "core/histogram.h"
#include "kinds/workload/workload_runner.h"
#include "kinds/workload/workload_spec.h"
#include "sqlite/io_counter.h"

namespace shardlab {

StatusOr<WalkFormResult> MeasureWalkRounds(const LoadedWorkload& run, uint32_t k, const WalkChoose& choose,
                                           const WalkTimed& walk, Progress& progress) {
  const WalkSpec& spec = run.s.Spec<WorkloadSpec>().walk;
  LatencyHistogram latency;
  uint64_t rows = 0;
  WalkFormResult r;
  Json round_p50_us = Json::array();
  const IoCounts io_before = IoCounts::Snapshot();
  for (int64_t round = 0; round < spec.repetitions; ++round) {
    Rng rng(DeriveSeed(run.s.seed, "walk", k));  // the same walks in every round and form
    LatencyHistogram one;
    for (int64_t it = 0; it < spec.iterations; ++it) {
      if (choose) choose(rng);
      const auto t0 = std::chrono::steady_clock::now();
      SHARDLAB_ASSIGN_OR_RETURN(uint64_t found, walk(rng));
      one.Record(NanosSince(t0));
      rows += found;
      progress.Add(1);
    }
    r.round_p50_ns.push_back(one.Percentile(50));
    round_p50_us.push_back(one.ToJsonMicros()["p50"]);
    latency.Merge(one);
  }
  const IoCounts io = IoCounts::Snapshot() - io_before;
  const double walks = static_cast<double>(spec.iterations * spec.repetitions);
  r.json = {{"latency_us", latency.ToJsonMicros()},
            {"rows", rows},
            {"rows_per_walk", static_cast<double>(rows) / walks},
            {"io_per_walk", io.PerOp(spec.iterations * spec.repetitions)}};
  if (spec.repetitions > 1) {
    r.json["repetitions"] = spec.repetitions;
    r.json["samples"] = {{"latency_us.p50", round_p50_us}};
  }
  r.p50_ns = latency.Percentile(50);
  return r;
}

StatusOr<WalkFormResult> MeasureWalkForm(const LoadedWorkload& run, uint32_t k, const WalkAnswer& answer,
                                         Progress& progress) {
  OpExecutor chooser(run.Context(), 1);
  std::vector<OpExecutor::WalkStep> steps;
  Rng warm(DeriveSeed(run.s.seed, "walk-warmup", k));
  for (int i = 0; i < kWalkWarmPasses; ++i) {
    chooser.ChooseWalk(run.shards.count(), warm, steps);
    SHARDLAB_RETURN_IF_ERROR(answer(steps).status());
  }
  // The walk is chosen before its clock starts; only the answer is timed.
  return MeasureWalkRounds(
      run, k, [&](Rng& rng) { chooser.ChooseWalk(k, rng, steps); },
      [&](Rng&) { return answer(steps); }, progress);
}

double P50Ratio(uint64_t a_ns, uint64_t b_ns) {
  if (b_ns == 0) return 0;
  return std::round(static_cast<double>(a_ns) / static_cast<double>(b_ns) * 1000) / 1000;
}

Json P50RatioSamples(const std::vector<uint64_t>& a_ns, const std::vector<uint64_t>& b_ns) {
  Json out = Json::array();
  if (a_ns.size() < 2 || a_ns.size() != b_ns.size()) return out;
  for (size_t i = 0; i < a_ns.size(); ++i) out.push_back(P50Ratio(a_ns[i], b_ns[i]));
  return out;
}

}  // namespace shardlab

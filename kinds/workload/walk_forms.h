#pragma once
// The keys of a shard walk answered another way (one SQLite file, a PostgreSQL server):
// for each K, the very walks the sequential shard walk made (same seed, same choices),
// after the same warm-up, each timed as a whole.
#include <cstdint>
#include <functional>
#include <vector>

#include "core/json_fwd.h"
#include "core/progress.h"
#include "kinds/workload/op_executor.h"

namespace shardlab {

class LoadedWorkload;

constexpr int kWalkWarmPasses = 3;  // full passes over every shard before measuring

// Answers one walk (its steps name the items looked up); returns the rows found.
using WalkAnswer = std::function<StatusOr<uint64_t>(const std::vector<OpExecutor::WalkStep>& steps)>;

struct WalkFormResult {
  Json json;            // {latency_us, rows, rows_per_walk}, and samples with 2+ rounds
  uint64_t p50_ns = 0;  // for ratios, unrounded (over every round)
  std::vector<uint64_t> round_p50_ns;  // each round's, for the ratios' samples
};
// walk.repetitions rounds of walk.iterations walks: `choose` (untimed, may be empty), then
// `walk` timed; each round starts a fresh Rng of the same seed, so every round (and every
// form) makes the same walks. The latencies of every round together and each round's p50.
// `walk` returns the rows found.
using WalkChoose = std::function<void(Rng& rng)>;
using WalkTimed = std::function<StatusOr<uint64_t>(Rng& rng)>;
StatusOr<WalkFormResult> MeasureWalkRounds(const LoadedWorkload& run, uint32_t k, const WalkChoose& choose,
                                           const WalkTimed& walk, Progress& progress);
StatusOr<WalkFormResult> MeasureWalkForm(const LoadedWorkload& run, uint32_t k, const WalkAnswer& answer,
                                         Progress& progress);

// The p50s (ns) measured for one K, for the ratios of later forms; 0 = not measured.
struct WalkP50s {
  uint64_t walk = 0;  // the sequential shard walk (threads_1)
  uint64_t single_file = 0;
  uint64_t single_file_one_query = 0;
  // Each round's p50 (the same number of rounds for every form of a K).
  std::vector<uint64_t> walk_rounds, single_file_rounds, single_file_one_query_rounds;
};

// a / b of two p50s, rounded to 0.001 for the result.
double P50Ratio(uint64_t a_ns, uint64_t b_ns);
// a / b round by round (P50Ratio), the samples of a ratio; empty with fewer than 2 rounds.
Json P50RatioSamples(const std::vector<uint64_t>& a_ns, const std::vector<uint64_t>& b_ns);

}  // namespace shardlab

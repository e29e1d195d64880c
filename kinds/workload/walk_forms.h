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
  Json json;            // {latency_us, rows, rows_per_walk}
  uint64_t p50_ns = 0;  // for ratios, unrounded
};
StatusOr<WalkFormResult> MeasureWalkForm(const LoadedWorkload& run, uint32_t k, const WalkAnswer& answer,
                                         Progress& progress);

// The p50s (ns) measured for one K, for the ratios of later forms; 0 = not measured.
struct WalkP50s {
  uint64_t walk = 0;  // the sequential shard walk (threads_1)
  uint64_t single_file = 0;
  uint64_t single_file_one_query = 0;
};

// a / b of two p50s, rounded to 0.001 for the result.
double P50Ratio(uint64_t a_ns, uint64_t b_ns);

}  // namespace shardlab

#pragma once
// The `concurrency` block of kind = concurrency scenarios.
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "core/field_reader.h"
#include "core/json_fwd.h"
#include "scenario/scenario.h"

namespace shardlab {

// kind = concurrency: W writer (and R reader) threads over one file vs the shard files.
struct ConcurrencySpec {
  std::vector<int64_t> writers{1, 2, 4};
  int64_t readers = 0;
  std::vector<std::string> layouts{"one_file", "shards"};  // one_file: every thread on one file
  std::vector<std::string> journal_modes{"delete", "wal"};
  double duration_s = 1.0;   // timed phase per cell; the rows are the scenario's keys
  // Windows per cell: with 2 or more, each cell's rates and writer overlap are the median
  // window's and the windows' values its `samples` (expectations judge their interval);
  // the scaling ratios are then paired per repetition.
  int64_t repetitions = 1;
};

ConcurrencySpec ReadConcurrencySpec(FieldReader& root);
const std::set<std::string>& ConcurrencyMetricRoots();
// The metric paths a run of `s` has: cells.<journal mode>.<layout>.writers_<n>, scaling.<journal mode>.
Json ConcurrencyMetricShape(const Scenario& s);
// --quick: windows of at most 0.25 s, at most 3 repetitions.
void ApplyConcurrencyQuickMode(Scenario& s);

}  // namespace shardlab

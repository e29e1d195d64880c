#pragma once
// The `ids` block of kind = ids scenarios (claim C11), and its metric names.
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "core/field_reader.h"
#include "core/json_fwd.h"
#include "scenario/scenario.h"

namespace shardlab {

// kind = ids: the same rows inserted into every shard under several id schemes.
struct IdsSpec {
  std::vector<std::string> schemes{"autoincrement", "offsets", "uuid4", "uuid7", "snowflake"};
  int64_t batch_rows = 1000;  // rows per insert transaction
};

IdsSpec ReadIdsSpec(FieldReader& root, const Scenario& s);
const std::set<std::string>& IdsMetricRoots();
// The metric paths a run of `s` has: schemes.<scheme>.
Json IdsMetricShape(const Scenario& s);

}  // namespace shardlab

#pragma once
// The `crash` block of kind = crash scenarios: reading, cross-field checks, the metric
// names `expect` may use, and --quick.
#include <set>
#include <string>

#include "harness/field_reader.h"
#include "harness/scenario.h"

namespace shardlab {

void ReadCrashSpec(FieldReader& root, Scenario& s);
void CheckCrashSpec(const Scenario& s, Problems& problems);
// Metric roots of a crash result.
const std::set<std::string>& CrashMetricRoots();
// --quick: random campaigns run at most 20 trials per cell.
void ApplyCrashQuickMode(Scenario& s);

}  // namespace shardlab

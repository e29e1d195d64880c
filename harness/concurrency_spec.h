#pragma once
// The `concurrency` block of kind = concurrency scenarios.
#include <set>
#include <string>

#include "harness/field_reader.h"
#include "harness/scenario.h"

namespace shardlab {

void ReadConcurrencySpec(FieldReader& root, Scenario& s);
const std::set<std::string>& ConcurrencyMetricRoots();
// --quick: windows of at most 0.25 s.
void ApplyConcurrencyQuickMode(Scenario& s);

}  // namespace shardlab

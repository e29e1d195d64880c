#pragma once
// The `reshard` block of kind = reshard scenarios: reading, checks, metric roots.
#include <set>
#include <string>

#include "harness/field_reader.h"
#include "harness/scenario.h"

namespace shardlab {

void ReadReshardSpec(FieldReader& root, Scenario& s);
void CheckReshardSpec(const Scenario& s, Problems& problems);
const std::set<std::string>& ReshardMetricRoots();

}  // namespace shardlab

#pragma once
// The `tenants` block of kind = tenants scenarios (claims C15, C19, C20).
#include <set>
#include <string>

#include "harness/field_reader.h"
#include "harness/scenario.h"

namespace shardlab {

void ReadTenantsSpec(FieldReader& root, Scenario& s);
// Checks across blocks (the shard count against the packings, the cache bound).
void CheckTenantsSpec(const Scenario& s, Problems& problems);
const std::set<std::string>& TenantsMetricRoots();

}  // namespace shardlab

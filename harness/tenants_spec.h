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
// --quick: at most 10,000 requests and 2,000 bare-loop files, one pre-allocation round of
// at most 5,000 rows per file. The tenants provisioned are unchanged.
void ApplyTenantsQuickMode(Scenario& s);

}  // namespace shardlab

#pragma once
// Reads a `distribution` object (keys.distribution, tenants.distribution) with YCSB's
// parameter names; `default_type` when the object gives no type.
#include "harness/field_reader.h"
#include "workloads/distribution.h"

namespace shardlab {

void ReadDistribution(FieldReader r, DistributionSpec& out, const char* default_type);

}  // namespace shardlab

#pragma once
// The blocks every scenario has, whatever its kind: shards, keys (with their
// distribution), router and sqlite. Each reader reports every problem it finds.
#include <string>

#include "core/field_reader.h"
#include "scenario/scenario.h"
#include "workloads/distribution.h"
#include "workloads/key_space.h"

namespace shardlab {

void ReadShards(FieldReader r, ShardsSpec& out);
void ReadKeys(FieldReader r, KeySpec& keys, DistributionSpec& distribution);
// `scenario_file` anchors a directory router's relative `file`.
void ReadRouter(FieldReader r, const std::string& scenario_file, HashKind key_hash, RouterSpec& out);
void ReadSqlite(FieldReader r, SqliteSpec& out);
// A `distribution` object (keys.distribution, tenants.distribution) with YCSB's parameter
// names; `default_type` when the object gives no type.
void ReadDistribution(FieldReader r, DistributionSpec& out, const char* default_type);

// A numeric range router orders routing keys as integers: checks that they are (up to a
// million of them; a larger key space is checked as it loads).
void CheckNumericRouteKeys(const KeySpace& keys, Problems& problems);

}  // namespace shardlab

#pragma once
// kind = ids (claim C11): the scenario's keys, routed to the shards, are inserted with
// each id scheme — per-shard AUTOINCREMENT, per-shard offsets (id = shard + N * seq),
// random UUIDv4, time-ordered UUIDv7, snowflake 64-bit ids (41 bits of milliseconds,
// 10 of shard, 12 of sequence). Reports id collisions across shards, insert rate, bytes
// on disk and B-tree pages per table and index (the dbstat virtual table), and whether
// the shard can be read back from a snowflake id.
#include <set>
#include <string>

#include "core/field_reader.h"
#include "core/json_fwd.h"
#include "core/workspace.h"
#include "scenario/scenario.h"

namespace shardlab {

void ReadIdsSpec(FieldReader& root, Scenario& s);
const std::set<std::string>& IdsMetricRoots();
StatusOr<Json> RunIds(const Scenario& s, const std::string& data_dir, Workspace& workspace);

// Snowflake layout: | 41 bits ms since the epoch | 10 bits shard | 12 bits sequence |.
uint64_t SnowflakeId(uint64_t ms, uint32_t shard, uint32_t sequence);
uint32_t SnowflakeShard(uint64_t id);

}  // namespace shardlab

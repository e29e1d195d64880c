#pragma once
// kind = migrate (claim C18): a schema change (column + backfill + index + user_version)
// applied to every shard file. For each journal mode and strategy a fresh fleet is
// provisioned and migrated (timed: files/s, rows/s, per-file latency), verified and
// migrated again (a no-op); the floor (a version-only commit per file) and the bare
// statements give references within the run. Then, per (strategy, journal mode), the
// kill-and-rerun campaign of schema_migration_crash.h.
#include <string>

#include "core/json_fwd.h"
#include "core/workspace.h"
#include "scenario/scenario.h"

namespace shardlab {

StatusOr<Json> RunSchemaMigration(const Scenario& s, const std::string& data_dir, Workspace& workspace);

}  // namespace shardlab

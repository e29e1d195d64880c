#pragma once
// kind = backup (claim C17: "backup is copying each small file"; with WAL "it is not a
// single file any more"). Per journal mode: the shards are loaded (keys.count rows spread
// by the router), writer processes commit on them without pause, and every shard is
// backed up `rounds` times by each method (kinds/backup/backup_methods.h), methods interleaved
// within a round. Each backup is restored into a fresh directory and judged by
// kinds/backup/backup_checker.h against the commit acknowledged when it began. Reports the
// outcome counts and time per GB per journal mode × method.
#include <string>

#include "core/json_fwd.h"
#include "core/workspace.h"
#include "scenario/scenario.h"

namespace shardlab {

StatusOr<Json> RunBackup(const Scenario& s, const std::string& data_dir, Workspace& workspace);
// The console lines of a result's metrics: per journal mode, the writers and each method's
// outcome counts.
std::string SummarizeBackup(const Json& metrics, int64_t writers);

}  // namespace shardlab

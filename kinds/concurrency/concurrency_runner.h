#pragma once
// kind = concurrency (claim C16, "SQLite only blocks on reads anyway"): W writer threads
// and R reader threads, each with its own connections, update and read random rows for a
// fixed time, with every row in ONE file or spread over the shard files; per journal mode.
// Reports throughput, SQLITE_BUSY / SQLITE_LOCKED returns, how often and how long the
// busy handler waited, and latency percentiles.
#include <string>

#include "core/json_fwd.h"
#include "core/workspace.h"
#include "scenario/scenario.h"

namespace shardlab {

StatusOr<Json> RunConcurrency(const Scenario& s, const std::string& data_dir, Workspace& workspace);
// The console lines of a result's metrics: one per cell, then the scaling ratios.
std::string SummarizeConcurrency(const Json& metrics);

}  // namespace shardlab

#pragma once
// kind = tenants (claims C19, C15, C20): one SQLite file per tenant at scale.
//   provision  T files in the scenario's layout and roots (synchronous=off, one syncfs),
//              against the bare open+create+close loop in the same binary;
//   census     entries per directory (source 001 in scenarios/CLAIMS.md: at most 500), bytes on disk per tenant;
//   requests   a seeded stream (zipfian tenants by default) through an LRU connection
//              cache bounded by tenants.cache_files, under RLIMIT_NOFILE;
//   packings   the same users and requests in minishards and shards, plus the walk over
//              every file (C13's cross-user query);
//   preallocation  SQLITE_FCNTL_CHUNK_SIZE on or off for the same inserts (C20).
#include <string>

#include "core/json_fwd.h"
#include "core/workspace.h"
#include "scenario/scenario.h"

namespace shardlab {

StatusOr<Json> RunTenants(const Scenario& s, const std::string& data_dir, Workspace& workspace);
// The terminal summary of a tenants result's metrics.
std::string SummarizeTenants(const Json& metrics);

}  // namespace shardlab

#pragma once
// walk.postgres (claim C14 against a real server): seeds/000 compared the shard walk with
// InnoDB. This loads the very rows of the shards into one table of a throwaway
// PostgreSQL server (pg_server.h) and answers the walks' keys there through libpq, the
// way an application would: K lookups one by one through a prepared statement, and one
// `k = ANY($1)` query. The server is started after the SQLite walks (so it does not
// share the machine with them), loaded, measured and stopped, also on errors.
#include <cstdint>
#include <map>
#include <string>

#include "harness/json_file.h"
#include "harness/progress.h"
#include "harness/walk_forms.h"
#include "harness/workspace.h"

namespace shardlab {

class LoadedWorkload;

// Adds walk.shards_<K>.postgres to `walk` and metrics.postgres (the server's facts).
// Without libpq, server binaries or a user to run them as, both say why (`unavailable`,
// "peer not available (...)") and the run goes on; a server that fails is an error.
Status RunWalkPostgres(const LoadedWorkload& run, const std::string& data_dir, Workspace& workspace,
                       const std::map<int64_t, WalkP50s>& sqlite_p50s, Json& walk, Json& metrics, Progress& progress);

}  // namespace shardlab

#pragma once
// walk.postgres (claim C14 against a real server): source 000 (scenarios/CLAIMS.md) compared the shard walk with
// InnoDB. This loads the very rows of the shards into one table of a throwaway
// PostgreSQL server (pg_server.h) and answers the walks' keys there through libpq, the
// way an application would: K lookups one by one through a prepared statement, and one
// `k = ANY($1)` query. Each K is measured right after the SQLite forms of the same K, so
// that a change in the machine's load between them biases the ratios as little as it
// can; the server, loaded and checkpointed before the walks, idles in between.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/json_fwd.h"
#include "core/progress.h"
#include "core/workspace.h"
#include "kinds/workload/walk_forms.h"
#include "postgres/pg_client.h"
#include "postgres/pg_server.h"
#include "workloads/key_space.h"

namespace shardlab {

class LoadedWorkload;

class WalkPostgresPeer {
 public:
  // Starts the server and loads the rows. Without libpq, server binaries or a user to
  // run them as, a peer that only says why ("peer not available (...)"); a server that
  // exists but fails is an error.
  static StatusOr<std::unique_ptr<WalkPostgresPeer>> Start(const LoadedWorkload& run, const std::string& data_dir,
                                                           Workspace& workspace);
  WalkPostgresPeer(const WalkPostgresPeer&) = delete;
  WalkPostgresPeer& operator=(const WalkPostgresPeer&) = delete;
  ~WalkPostgresPeer();  // stops the server if Finish() did not

  // walk.shards_<K>.postgres: both forms for K and their ratios to the SQLite forms' p50s
  // ({"unavailable": reason} when the peer could not run).
  StatusOr<Json> Measure(uint32_t k, const WalkP50s& sqlite, Progress& progress);
  // Stops the server; metrics.postgres.
  StatusOr<Json> Finish();

  // Walks counted by Measure() for one K (for the progress total).
  static constexpr int kForms = 2;
  // Load()'s steps on the setup progress: COPY, INSERT + COMMIT, VACUUM, CHECKPOINT.
  static constexpr uint64_t kLoadSteps = 4;

 private:
  explicit WalkPostgresPeer(const LoadedWorkload& run) : run_(run) {}
  Status Load(Progress& steps);
  Status Prepare();

  const LoadedWorkload& run_;
  std::string unavailable_;  // the reason, when the peer could not run
  Json info_;
  std::unique_ptr<PgServer> server_;
  std::optional<PgConnection> conn_;  // declared after server_: closed before it stops
  KeyRef key_;
  std::string param_;
};

}  // namespace shardlab

#pragma once
// kind = migrate (claim C18): one schema change applied to every shard file.
//
// Version 1 of a file is kv(k PRIMARY KEY, v TEXT NOT NULL) with PRAGMA user_version = 1.
// Version 2 adds a column, backfills it from existing data and indexes it:
//   ALTER TABLE kv ADD COLUMN v_len INTEGER;
//   UPDATE kv SET v_len = coalesce(v_len, 0) + length(v);   -- not idempotent on purpose:
//   CREATE INDEX kv_v_len ON kv(v_len);                        -- a second run shows
//   PRAGMA user_version = 2;
// The backfill is applied once or it shows (v_len = 2 x length(v)), so the checker can
// tell "migrated exactly once" from "migrated twice".
//
// Strategies, i.e. where the version is recorded relative to the change:
//  - transactional: BEGIN IMMEDIATE, read user_version under the write lock, the three
//    statements and the user_version write, COMMIT. The version lives in the database
//    header (page 1), so it commits or rolls back with the schema: a crash leaves a file
//    at version 1 or version 2, never in between. A rerun skips files at version 2.
//  - separate_version: the change in one transaction, user_version in a second one (a
//    common mistake). A crash between the two leaves the new schema at version 1, and the
//    rerun fails on it ("duplicate column name").
//  - autocommit: every statement its own transaction (a script fed to the sqlite3 shell):
//    a crash can leave any prefix of the change.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/histogram.h"
#include "core/progress.h"
#include "scenario/scenario.h"

namespace shardlab {

enum class MigrationStrategy { kTransactional, kSeparateVersion, kAutocommit };
std::optional<MigrationStrategy> ParseMigrationStrategy(std::string_view name);
const char* MigrationStrategyName(MigrationStrategy s);

inline constexpr int64_t kSchemaVersionBefore = 1;
inline constexpr int64_t kSchemaVersionAfter = 2;
inline constexpr const char* kMigrationColumn = "v_len";
inline constexpr const char* kMigrationIndex = "kv_v_len";

// Version 1: the table and user_version = 1 (run inside the provisioning transaction).
std::string SchemaV1Sql(bool integer_keys);
// The change, in order: ADD COLUMN, backfill UPDATE, CREATE INDEX (without the version).
const std::vector<std::string>& SchemaChangeSteps();

// What happened to one file; crash trials log these to their parent.
enum class FileStep { kStart, kDone, kSkipped, kFailed };

struct FleetMigration {
  std::vector<std::string> files;
  MigrationStrategy strategy = MigrationStrategy::kTransactional;
  SqliteSpec sqlite;            // journal_mode, synchronous, busy timeout for every connection
  const char* vfs = nullptr;    // the crash shim in crash trials
  int workers = 1;              // 1: in this thread, files in order (crash trials need that)
  Progress* progress = nullptr;
  // Called around each file (from the worker thread); `detail` is the error of kFailed.
  std::function<void(size_t file, FileStep step, const std::string& detail)> on_step;
};

struct FleetMigrationStats {
  int64_t migrated = 0, skipped = 0, failed = 0;
  int64_t rows = 0;             // rows the backfill updated
  double seconds = 0;
  LatencyHistogram file_latency;  // open to close, per file migrated
  std::string first_error;        // "path: message" of the first failed file
};

// Migrates every file at version 1 and skips those at version 2. A failed file is
// counted and the others go on (one broken tenant must not stop the fleet).
FleetMigrationStats MigrateFleet(const FleetMigration& m);

// References on the same kind of fleet, same pragmas and workers:
//  floor - open, one commit that rewrites user_version (unchanged), close: the fixed
//          cost of touching a file at all;
//  bare  - the change and the version as one sqlite3_exec, no version check or hooks.
FleetMigrationStats TouchFleet(const FleetMigration& m);
FleetMigrationStats BareMigrateFleet(const FleetMigration& m);

}  // namespace shardlab

#pragma once
// The kill-and-rerun campaign of kind = migrate, for one (strategy, journal mode) cell.
// Each trial provisions a fresh fleet, runs the migrator in a forked child through the
// crash shim (faults/crash_vfs.h) and SIGKILLs it just before or after I/O event k (k
// from the seed, below the event count of a clean run) or right after the n-th file's
// migration; the child logs each file it starts and finishes to the parent over a pipe.
// The parent then reads every file (opening rolls back what was in flight) and counts
// what the crash left: files at version 1, at version 2, and at neither (stale_version,
// half_migrated) — and whether those were the file in flight. It reruns the migrator in
// a fresh process without the shim and verifies every file: version 2, the whole change,
// the backfill applied exactly once, rows and checksum unchanged, integrity_check ok.
// The child migrates with one worker, files in order, so the kill points reproduce.
#include <string>

#include "core/json_fwd.h"
#include "core/progress.h"
#include "kinds/migrate/schema_migration.h"
#include "kinds/migrate/schema_migration_fleet.h"
#include "scenario/scenario.h"

namespace shardlab {

struct MigrationCrashCell {
  MigrationStrategy strategy = MigrationStrategy::kTransactional;
  std::string journal_mode = "delete";
};

// Trials in a cell: migrate.crash_trials + (crash_every_file ? crash files : 0).
int64_t MigrationCrashTrials(const Scenario& s);
uint32_t MigrationCrashFiles(const Scenario& s);

StatusOr<Json> RunMigrationCrashCell(const Scenario& s, const FleetRows& rows, const MigrationCrashCell& cell,
                                     const std::string& data_dir, Progress* progress);

}  // namespace shardlab

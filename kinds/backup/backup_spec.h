#pragma once
// The `backup` block of kind = backup scenarios, and the metric names `expect` may use.
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "core/field_reader.h"
#include "core/json_fwd.h"
#include "scenario/scenario.h"

namespace shardlab {

// kind = backup: backups of live shards taken by several methods while writer processes
// commit (claim C17); each restored and checked against what was acknowledged.
struct BackupSpec {
  std::vector<std::string> methods{"copy_db", "copy_db_wal", "backup_api", "backup_api_paged", "vacuum_into"};
  std::vector<std::string> journal_modes{"delete", "wal"};
  int64_t rounds = 5;            // backups per shard, method and journal mode
  int64_t writers = 2;           // writer processes, each committing on random shards
  int64_t updates_per_txn = 4;
  int64_t inserts_per_txn = 1;
  int64_t row_bytes = 1000;      // payload per row (sets the file size with keys.count)
  int64_t writer_pause_us = 0;   // a writer's pause between its transactions
  int64_t commits_between = 5;   // commits a shard sees between two of its backups
  int64_t jitter_ms = 5;         // seeded random wait before each backup
  int64_t step_pages = 64;       // backup_api_paged: pages per sqlite3_backup_step
  int64_t step_sleep_ms = 10;    // and the sleep between steps
  int64_t max_restarts = 20;     // and the restarts after which it gives up
  double timeout_s = 60;         // waiting for writers' commits, and busy retries of a backup
};

BackupSpec ReadBackupSpec(FieldReader& root, const Scenario& s);
const std::set<std::string>& BackupMetricRoots();
// The metric paths a run of `s` has: backups.<journal mode>.<method>, and writers, speed, database_bytes per journal mode.
Json BackupMetricShape(const Scenario& s);
// --quick: at most 2 rounds (backups per shard, method and journal mode).
void ApplyBackupQuickMode(Scenario& s);

}  // namespace shardlab

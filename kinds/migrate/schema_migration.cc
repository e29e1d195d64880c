#include "kinds/migrate/schema_migration.h"

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "core/elapsed.h"
#include "core/enum_table.h"
#include "shards/shard_set.h"
#include "sqlite/sqlite_db.h"

namespace shardlab {
namespace {

using Clock = std::chrono::steady_clock;

struct FileOutcome {
  bool migrated = false;
  int64_t rows = 0;
};
using FileWork = std::function<Status(Db&, FileOutcome&)>;

const std::string& SetVersionSql() {
  static const std::string kSql = "PRAGMA user_version = " + std::to_string(kSchemaVersionAfter);
  return kSql;
}

// The version as the file has it now; kRuntime unless it is one this migration knows.
StatusOr<int64_t> KnownVersion(Db& db) {
  SHARDLAB_ASSIGN_OR_RETURN(int64_t v, db.QueryInt("PRAGMA user_version"));
  if (v != kSchemaVersionBefore && v != kSchemaVersionAfter) {
    return Status::Runtime("user_version is " + std::to_string(v) + "; this migration goes from " +
                           std::to_string(kSchemaVersionBefore) + " to " + std::to_string(kSchemaVersionAfter));
  }
  return v;
}

// The three statements; `rows` gets the backfill's change count.
Status ApplySteps(Db& db, int64_t* rows) {
  const std::vector<std::string>& steps = SchemaChangeSteps();
  for (size_t i = 0; i < steps.size(); ++i) {
    SHARDLAB_RETURN_IF_ERROR(db.Exec(steps[i]));
    if (i == 1) *rows = sqlite3_changes64(db.get());
  }
  return Status::Ok();
}

// A failed statement inside BEGIN: roll back (if SQLite has not already) and report it.
Status RollBackOn(Db& db, Status error) {
  if (!sqlite3_get_autocommit(db.get())) (void)db.Exec("ROLLBACK");
  return error;
}

Status MigrateTransactional(Db& db, FileOutcome& out) {
  SHARDLAB_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
  // Read under the write lock: no other migrator can change the file between the check
  // and the change.
  auto version = KnownVersion(db);
  if (!version.ok()) return RollBackOn(db, version.status());
  if (*version == kSchemaVersionAfter) return db.Exec("ROLLBACK");
  if (Status st = ApplySteps(db, &out.rows); !st.ok()) return RollBackOn(db, st);
  if (Status st = db.Exec(SetVersionSql()); !st.ok()) return RollBackOn(db, st);
  SHARDLAB_RETURN_IF_ERROR(db.Exec("COMMIT"));
  out.migrated = true;
  return Status::Ok();
}

Status MigrateSeparateVersion(Db& db, FileOutcome& out) {
  SHARDLAB_ASSIGN_OR_RETURN(int64_t version, KnownVersion(db));
  if (version == kSchemaVersionAfter) return Status::Ok();
  SHARDLAB_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
  if (Status st = ApplySteps(db, &out.rows); !st.ok()) return RollBackOn(db, st);
  SHARDLAB_RETURN_IF_ERROR(db.Exec("COMMIT"));
  // The mistake: the version in a transaction of its own.
  SHARDLAB_RETURN_IF_ERROR(db.Exec(SetVersionSql()));
  out.migrated = true;
  return Status::Ok();
}

Status MigrateAutocommit(Db& db, FileOutcome& out) {
  SHARDLAB_ASSIGN_OR_RETURN(int64_t version, KnownVersion(db));
  if (version == kSchemaVersionAfter) return Status::Ok();
  SHARDLAB_RETURN_IF_ERROR(ApplySteps(db, &out.rows));
  SHARDLAB_RETURN_IF_ERROR(db.Exec(SetVersionSql()));
  out.migrated = true;
  return Status::Ok();
}

Status Touch(Db& db, FileOutcome& out) {
  SHARDLAB_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
  SHARDLAB_ASSIGN_OR_RETURN(int64_t version, db.QueryInt("PRAGMA user_version"));
  SHARDLAB_RETURN_IF_ERROR(db.Exec("PRAGMA user_version = " + std::to_string(version) + "; COMMIT"));
  out.migrated = true;
  return Status::Ok();
}

Status Bare(Db& db, FileOutcome& out) {
  std::string sql = "BEGIN;";
  for (const std::string& step : SchemaChangeSteps()) sql += step + ";";
  SHARDLAB_RETURN_IF_ERROR(db.Exec(sql + SetVersionSql() + "; COMMIT"));
  out.migrated = true;
  return Status::Ok();
}

// Runs `work` on every file of `m` with m.workers threads (files handed out in order).
FleetMigrationStats RunFleet(const FleetMigration& m, const FileWork& work) {
  FleetMigrationStats total;
  std::mutex mu;
  std::atomic<size_t> next{0};
  auto worker = [&] {
    FleetMigrationStats mine;
    for (size_t i = next.fetch_add(1); i < m.files.size(); i = next.fetch_add(1)) {
      if (m.on_step) m.on_step(i, FileStep::kStart, "");
      const auto t0 = Clock::now();
      FileOutcome out;
      Status st = [&]() -> Status {
        SHARDLAB_ASSIGN_OR_RETURN(Db db, Db::Open(m.files[i], SQLITE_OPEN_READWRITE, m.vfs));
        SHARDLAB_RETURN_IF_ERROR(ApplyPragmas(db, m.sqlite));
        return work(db, out);
      }();
      const uint64_t ns = NanosSince(t0);
      if (!st.ok()) {
        ++mine.failed;
        if (mine.first_error.empty()) mine.first_error = m.files[i] + ": " + st.message();
        if (m.on_step) m.on_step(i, FileStep::kFailed, st.message());
      } else if (out.migrated) {
        ++mine.migrated;
        mine.rows += out.rows;
        mine.file_latency.Record(ns);
        if (m.on_step) m.on_step(i, FileStep::kDone, "");
      } else {
        ++mine.skipped;
        if (m.on_step) m.on_step(i, FileStep::kSkipped, "");
      }
      if (m.progress != nullptr) m.progress->Add(1);
    }
    std::lock_guard<std::mutex> lock(mu);
    total.migrated += mine.migrated;
    total.skipped += mine.skipped;
    total.failed += mine.failed;
    total.rows += mine.rows;
    total.file_latency.Merge(mine.file_latency);
    if (total.first_error.empty()) total.first_error = mine.first_error;
  };
  const auto t0 = Clock::now();
  if (m.workers <= 1) {
    worker();
  } else {
    std::vector<std::thread> threads;
    for (int w = 0; w < m.workers; ++w) threads.emplace_back(worker);
    for (std::thread& t : threads) t.join();
  }
  total.seconds = SecondsSince(t0);
  return total;
}

}  // namespace

constexpr EnumName<MigrationStrategy> kStrategyNames[] = {{MigrationStrategy::kTransactional, "transactional"},
                                                          {MigrationStrategy::kSeparateVersion, "separate_version"},
                                                          {MigrationStrategy::kAutocommit, "autocommit"}};

std::optional<MigrationStrategy> ParseMigrationStrategy(std::string_view name) { return ValueOf(kStrategyNames, name); }
const char* MigrationStrategyName(MigrationStrategy s) { return NameOf(kStrategyNames, s); }

std::string SchemaV1Sql(bool integer_keys) {
  return std::string(integer_keys ? "CREATE TABLE kv(k INTEGER PRIMARY KEY, v TEXT NOT NULL);"
                                  : "CREATE TABLE kv(k TEXT PRIMARY KEY, v TEXT NOT NULL);") +
         "PRAGMA user_version = " + std::to_string(kSchemaVersionBefore) + ";";
}

const std::vector<std::string>& SchemaChangeSteps() {
  static const std::vector<std::string> kSteps = {
      std::string("ALTER TABLE kv ADD COLUMN ") + kMigrationColumn + " INTEGER",
      std::string("UPDATE kv SET ") + kMigrationColumn + " = coalesce(" + kMigrationColumn + ", 0) + length(v)",
      std::string("CREATE INDEX ") + kMigrationIndex + " ON kv(" + kMigrationColumn + ")",
  };
  return kSteps;
}

FleetMigrationStats MigrateFleet(const FleetMigration& m) {
  switch (m.strategy) {
    case MigrationStrategy::kTransactional: return RunFleet(m, MigrateTransactional);
    case MigrationStrategy::kSeparateVersion: return RunFleet(m, MigrateSeparateVersion);
    case MigrationStrategy::kAutocommit: return RunFleet(m, MigrateAutocommit);
  }
  return {};
}

FleetMigrationStats TouchFleet(const FleetMigration& m) { return RunFleet(m, Touch); }
FleetMigrationStats BareMigrateFleet(const FleetMigration& m) { return RunFleet(m, Bare); }

}  // namespace shardlab

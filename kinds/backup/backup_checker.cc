#include "kinds/backup/backup_checker.h"

#include <vector>

#include "core/enum_table.h"

namespace shardlab {

constexpr EnumName<BackupOutcome> kOutcomeNames[] = {{BackupOutcome::kConsistent, "consistent"},
                                                     {BackupOutcome::kStale, "stale"},
                                                     {BackupOutcome::kMissingCommitted, "missing_committed"},
                                                     {BackupOutcome::kCorrupt, "corrupt"},
                                                     {BackupOutcome::kFailed, "failed"}};

const char* BackupOutcomeName(BackupOutcome outcome) { return NameOf(kOutcomeNames, outcome); }

namespace {

RestoreVerdict Corrupt(std::string detail) {
  RestoreVerdict v;
  v.outcome = BackupOutcome::kCorrupt;
  v.detail = std::move(detail);
  return v;
}

}  // namespace

RestoreVerdict CheckRestoredShard(const std::string& path, const BackupModel& m, uint64_t acked_at_start,
                                  uint64_t max_commit) {
  // No CREATE: a missing restore is corrupt, not an empty database.
  auto opened = Db::Open(path, SQLITE_OPEN_READWRITE);
  if (!opened.ok()) return Corrupt(opened.status().message());
  Db db = std::move(opened).value();
  auto integrity = db.QueryText("PRAGMA integrity_check");
  if (!integrity.ok()) return Corrupt("integrity_check: " + integrity.status().message());
  if (*integrity != "ok") return Corrupt("integrity_check: " + integrity->substr(0, 200));
  auto counter = db.Prepare("SELECT c FROM counter WHERE id = 1");
  if (!counter.ok()) return Corrupt("counter: " + counter.status().message());
  const int counter_rc = counter->Step();
  if (counter_rc == SQLITE_DONE) return Corrupt("counter: no row");
  if (counter_rc != SQLITE_ROW) return Corrupt("counter: " + db.Error("read").message());
  if (counter->ColumnInt(0) < 0) return Corrupt("counter: negative");

  RestoreVerdict v;
  v.counter_read = true;
  v.counter = static_cast<uint64_t>(counter->ColumnInt(0));
  *counter = Stmt();
  if (v.counter > max_commit) {
    v.outcome = BackupOutcome::kMissingCommitted;
    v.detail = "counter says commit " + std::to_string(v.counter) + ", beyond any commit made (" +
               std::to_string(max_commit) + ")";
    return v;
  }
  const std::vector<uint64_t> expected = m.StateAfter(v.counter);
  std::vector<bool> seen(expected.size(), false);
  auto rows = db.Prepare("SELECT k, v FROM rows ORDER BY k");
  if (!rows.ok()) return Corrupt("rows: " + rows.status().message());
  int rc;
  while ((rc = rows->Step()) == SQLITE_ROW) {
    const int64_t k = rows->ColumnInt(0);
    const uint64_t value = static_cast<uint64_t>(rows->ColumnInt(1));
    if (k < 0 || k >= static_cast<int64_t>(expected.size())) {
      ++v.rows_ahead;  // a row inserted by a later commit
      continue;
    }
    const size_t i = static_cast<size_t>(k);
    seen[i] = true;
    if (value < expected[i]) ++v.rows_behind;
    if (value > expected[i]) ++v.rows_ahead;
  }
  if (rc != SQLITE_DONE) return Corrupt("rows: " + db.Error("read").message());
  for (bool s : seen) v.rows_behind += s ? 0 : 1;

  if (v.rows_behind > 0 || v.rows_ahead > 0) {
    v.outcome = BackupOutcome::kMissingCommitted;
    v.detail = "counter says commit " + std::to_string(v.counter) + " but " + std::to_string(v.rows_behind) +
               " row(s) lack committed changes and " + std::to_string(v.rows_ahead) + " carry later ones";
  } else if (v.counter < acked_at_start) {
    v.outcome = BackupOutcome::kStale;
    v.stale_commits = acked_at_start - v.counter;
    v.detail = "the state after commit " + std::to_string(v.counter) + "; commit " + std::to_string(acked_at_start) +
               " was acknowledged before the backup began";
  } else {
    v.outcome = BackupOutcome::kConsistent;
  }
  return v;
}

}  // namespace shardlab

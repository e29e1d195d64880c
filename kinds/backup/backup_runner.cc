#include "kinds/backup/backup_runner.h"

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>
#include <thread>

#include "core/progress.h"
#include "core/round.h"
#include "core/workspace.h"
#include "kinds/backup/backup_checker.h"
#include "kinds/backup/backup_methods.h"
#include "kinds/backup/backup_spec.h"
#include "kinds/backup/backup_writers.h"
#include "shards/layout.h"
#include "shards/shard_set.h"
#include "sqlite/io_counter.h"
#include "workloads/rng.h"

namespace shardlab {
namespace {

constexpr const char* kSidecars[] = {"-wal", "-journal"};

// Removes a database file this run wrote, with what SQLite or the copy put beside it.
void RemoveDatabaseFiles(const std::string& path) {
  ::unlink(path.c_str());
  for (const char* suffix : {"-wal", "-journal", "-shm"}) ::unlink((path + suffix).c_str());
}

// Rows each shard starts with: the scenario's keys, routed.
StatusOr<std::vector<int64_t>> InitialRows(const Scenario& s) {
  SHARDLAB_ASSIGN_OR_RETURN(KeySpace keys, KeySpace::Make(s.keys));
  SHARDLAB_ASSIGN_OR_RETURN(std::unique_ptr<Router> router, MakeRouter(s.router, s.shards.count));
  std::vector<int64_t> rows(s.shards.count, 0);
  KeyRef ref;
  for (uint64_t i = 0; i < keys.count(); ++i) {
    keys.Fill(i, router->UsesHash(), ref);
    ++rows[router->Route(ref.hash, ref.route)];
  }
  return rows;
}

// The restore: the backup's files copied to `target` (claimed, its directory made: a
// path of its own in the shard's layout and root), opened there, judged, and removed
// again (the backup itself stays untouched).
StatusOr<RestoreVerdict> RestoreAndCheck(const std::string& backup_db, const std::string& target, const BackupModel& m,
                                         uint64_t acked_at_start, uint64_t max_commit) {
  Status copied = CopyFileRaw(backup_db, target, false, nullptr, nullptr);
  for (const char* suffix : kSidecars) {
    bool missing = false;
    if (copied.ok()) copied = CopyFileRaw(backup_db + suffix, target + suffix, false, nullptr, &missing);
  }
  RestoreVerdict verdict;
  if (copied.ok()) verdict = CheckRestoredShard(target, m, acked_at_start, max_commit);
  RemoveDatabaseFiles(target);
  SHARDLAB_RETURN_IF_ERROR(copied);
  return verdict;
}

struct Record {
  uint32_t shard = 0;
  int64_t round = 0;
  uint64_t acked_start = 0, acked_finish = 0;
  BackupTaken taken;
  IoCounts io;  // SQLite's I/O while the backup was taken (a raw file copy does none)
  RestoreVerdict verdict;
};

Json CellJson(const std::vector<Record>& records) {
  std::map<BackupOutcome, int64_t> counts;
  uint64_t source = 0, written = 0, commits_during = 0, stale_max = 0;
  double seconds = 0;
  int64_t completed = 0, steps = 0, restarts = 0, busy = 0, behind = 0, ahead = 0, sidecars = 0;
  Json examples = Json::array();
  IoCounts io;
  for (const Record& r : records) {
    io += r.io;
    ++counts[r.verdict.outcome];
    steps += r.taken.steps;
    restarts += r.taken.restarts;
    busy += r.taken.busy_retries;
    behind += r.verdict.rows_behind;
    ahead += r.verdict.rows_ahead;
    sidecars += r.taken.sidecar.empty() ? 0 : 1;
    stale_max = std::max(stale_max, r.verdict.stale_commits);
    if (r.taken.completed) {
      ++completed;
      source += r.taken.source_bytes;
      written += r.taken.bytes_written;
      seconds += r.taken.seconds;
      commits_during += r.acked_finish - r.acked_start;
    }
    if (r.verdict.outcome != BackupOutcome::kConsistent && examples.size() < 3) {
      examples.push_back("round " + std::to_string(r.round) + " shard " + std::to_string(r.shard) + ": " +
                         BackupOutcomeName(r.verdict.outcome) + ": " + r.verdict.detail);
    }
  }
  Json cell = {{"backups", records.size()}, {"completed", completed}};
  for (BackupOutcome o : kAllBackupOutcomes) cell[BackupOutcomeName(o)] = counts[o];
  cell["not_consistent"] = static_cast<int64_t>(records.size()) - counts[BackupOutcome::kConsistent];
  cell["stale_commits_max"] = stale_max;
  cell["rows_behind"] = behind;
  cell["rows_ahead"] = ahead;
  cell["source_bytes"] = source;
  cell["bytes_written"] = written;
  cell["seconds"] = RoundDigits(seconds, 4);
  // Times only over completed backups; null when none completed.
  const bool timed = source > 0 && seconds > 0;
  cell["s_per_gb"] = timed ? Json(RoundDigits(seconds / (static_cast<double>(source) / 1e9), 3)) : Json();
  cell["mb_per_s"] = timed ? Json(RoundDigits(static_cast<double>(source) / 1e6 / seconds, 1)) : Json();
  cell["steps"] = steps;
  cell["restarts"] = restarts;
  cell["busy_retries"] = busy;
  cell["sidecars_copied"] = sidecars;
  cell["writer_commits_during"] = commits_during;
  cell["writer_commits_per_s_during"] = timed ? Json(RoundDigits(static_cast<double>(commits_during) / seconds, 1)) : Json();
  cell["io_per_backup"] = io.PerOp(static_cast<int64_t>(records.size()));
  cell["examples"] = examples;
  return cell;
}

struct ModeResult {
  Json cells = Json::object();
  Json writers;
  uint64_t database_bytes = 0;
};

StatusOr<ModeResult> RunMode(const Scenario& s, const std::string& mode, const std::vector<int64_t>& initial_rows,
                             const std::string& data_dir, Workspace& workspace) {
  const BackupSpec& b = s.Spec<BackupSpec>();
  SqliteSpec sqlite = s.sqlite;
  sqlite.journal_mode = mode;
  // The live shards are the set `<mode>` in each root; each backup goes beside its shard,
  // as the set `<mode>/backups/<method>/r<round>` (same layout, same root).
  SHARDLAB_ASSIGN_OR_RETURN(ShardSet set,
                            ShardSet::Create(s.shards, sqlite, data_dir, BackupSchemaSql(), workspace, mode));
  std::vector<BackupModel> models;
  for (uint32_t shard = 0; shard < set.count(); ++shard) {
    BackupModel m;
    m.seed = s.seed;
    m.shard = shard;
    m.initial_rows = initial_rows[shard];
    m.updates = b.updates_per_txn;
    m.inserts = b.inserts_per_txn;
    m.row_bytes = b.row_bytes;
    SHARDLAB_ASSIGN_OR_RETURN(Db db, set.Connect(shard));
    SHARDLAB_RETURN_IF_ERROR(LoadBackupShard(db, m).Wrap(set.path(shard)));
    // Commit 0 goes into the .db itself, so that every legitimate state is a commit >= 0.
    if (mode == "wal") SHARDLAB_RETURN_IF_ERROR(db.Exec("PRAGMA wal_checkpoint(TRUNCATE)"));
    models.push_back(m);
  }

  // No connection of this process is open here: the writers are forked from it.
  SHARDLAB_ASSIGN_OR_RETURN(std::unique_ptr<WriterGroup> writers,
                            WriterGroup::Start(set.paths(), models, sqlite, b.writers, b.writer_pause_us,
                                               DeriveSeed(s.seed, "backup/writers/" + mode)));
  BackupMethodOptions options;
  options.step_pages = b.step_pages;
  options.step_sleep_ms = b.step_sleep_ms;
  options.max_restarts = b.max_restarts;
  options.busy_timeout_ms = s.sqlite.busy_timeout_ms;
  options.give_up_s = b.timeout_s;
  Rng schedule(DeriveSeed(s.seed, "backup/schedule/" + mode));
  std::vector<uint64_t> due(set.count(), static_cast<uint64_t>(b.commits_between));
  std::map<std::string, std::vector<Record>> records;
  Progress progress("backup " + mode, static_cast<uint64_t>(b.rounds) * b.methods.size() * set.count());

  auto take_all = [&]() -> Status {
    for (int64_t round = 0; round < b.rounds; ++round) {
      for (const std::string& method : b.methods) {
        for (uint32_t shard = 0; shard < set.count(); ++shard) {
          SHARDLAB_RETURN_IF_ERROR(writers->WaitForCommit(shard, due[shard], b.timeout_s));
          if (b.jitter_ms > 0) {
            std::this_thread::sleep_for(std::chrono::microseconds(schedule.Below(static_cast<uint64_t>(b.jitter_ms) * 1000 + 1)));
          }
          const std::string dest =
              ShardPath(s.shards, data_dir, shard, mode + "/backups/" + method + "/r" + std::to_string(round));
          SHARDLAB_RETURN_IF_ERROR(workspace.MakeDirs(ShardParentDir(dest)));
          SHARDLAB_RETURN_IF_ERROR(workspace.ClaimNewDatabase(dest));
          Record r;
          r.shard = shard;
          r.round = round;
          r.acked_start = writers->Acked(shard);
          const IoCounts io_before = IoCounts::Snapshot();
          SHARDLAB_ASSIGN_OR_RETURN(r.taken, TakeBackup(method, set.path(shard), dest, options));
          r.io = IoCounts::Snapshot() - io_before;
          r.acked_finish = writers->Acked(shard);
          if (r.taken.completed) {
            // The restore goes beside its shard too, as the set `<mode>/restore/<method>/r<round>`.
            const std::string restored =
                ShardPath(s.shards, data_dir, shard, mode + "/restore/" + method + "/r" + std::to_string(round));
            SHARDLAB_RETURN_IF_ERROR(workspace.MakeDirs(ShardParentDir(restored)));
            SHARDLAB_RETURN_IF_ERROR(workspace.ClaimNewDatabase(restored));
            // A copy may hold a commit whose COMMIT has not returned yet: one past the acknowledged.
            SHARDLAB_ASSIGN_OR_RETURN(r.verdict, RestoreAndCheck(dest, restored, models[shard], r.acked_start,
                                                                 writers->Acked(shard) + 1));
          } else {
            r.verdict.outcome = BackupOutcome::kFailed;
            r.verdict.detail = r.taken.failure;
          }
          // Good backups go at once (disk space); the others stay as evidence until the run ends.
          if (r.verdict.outcome == BackupOutcome::kConsistent) RemoveDatabaseFiles(dest);
          due[shard] = r.acked_finish + static_cast<uint64_t>(b.commits_between);
          records[method].push_back(std::move(r));
          progress.Add(1);
        }
      }
    }
    return Status::Ok();
  };
  const Status taken = take_all();
  progress.Finish();
  auto stats = writers->Stop();  // a writer's own error explains a stall better than the wait's
  if (!stats.ok()) return stats.status().Wrap(mode);
  SHARDLAB_RETURN_IF_ERROR(taken.Wrap(mode));

  ModeResult out;
  for (const std::string& method : b.methods) {
    for (Record& r : records[method]) {
      // A state no writer ever acknowledged (all have stopped now) is not a committed one.
      const uint64_t final_acked = writers->Acked(r.shard);
      if (r.verdict.counter_read && r.verdict.counter > final_acked &&
          (r.verdict.outcome == BackupOutcome::kConsistent || r.verdict.outcome == BackupOutcome::kStale)) {
        r.verdict.outcome = BackupOutcome::kMissingCommitted;
        r.verdict.detail = "commit " + std::to_string(r.verdict.counter) + " was never acknowledged";
      }
    }
    out.cells[method] = CellJson(records[method]);
  }
  out.writers = {{"processes", b.writers},
                 {"commits", stats->commits},
                 {"commits_per_s", RoundDigits(static_cast<double>(stats->commits) / std::max(stats->seconds, 1e-9), 1)},
                 {"busy", stats->busy},
                 {"seconds", RoundDigits(stats->seconds, 3)}};
  for (const std::string& path : set.paths()) out.database_bytes += FileSize(path);
  return out;
}

}  // namespace

StatusOr<Json> RunBackup(const Scenario& s, const std::string& data_dir, Workspace& workspace) {
  const BackupSpec& backup = s.Spec<BackupSpec>();
  SHARDLAB_ASSIGN_OR_RETURN(std::vector<int64_t> initial_rows, InitialRows(s));
  Json backups = Json::object(), writers = Json::object(), speed = Json::object(), bytes = Json::object();
  for (const std::string& mode : backup.journal_modes) {
    SHARDLAB_ASSIGN_OR_RETURN(ModeResult r, RunMode(s, mode, initial_rows, data_dir, workspace));
    backups[mode] = r.cells;
    writers[mode] = r.writers;
    bytes[mode] = r.database_bytes;
    // Time per GB relative to the plain copy of the same files in the same run.
    if (r.cells.contains("copy_db") && r.cells["copy_db"]["s_per_gb"].is_number()) {
      const double base = r.cells["copy_db"]["s_per_gb"].get<double>();
      for (auto it = r.cells.begin(); it != r.cells.end(); ++it) {
        if (it.key() != "copy_db" && (*it)["s_per_gb"].is_number()) {
          speed[mode][it.key() + "_over_copy_db"] = RoundDigits((*it)["s_per_gb"].get<double>() / base, 3);
        }
      }
    }
  }
  int64_t rows = 0;
  for (int64_t n : initial_rows) rows += n;
  return Json{{"backups", backups}, {"writers", writers},    {"speed", speed},
              {"database_bytes", bytes}, {"shards", s.shards.count}, {"rows", rows}};
}


}  // namespace shardlab

// kind = backup: the Kind interface over this folder's spec, runner and summary.
#include "kinds/backup/backup_kind.h"

#include <algorithm>

#include "kinds/backup/backup_runner.h"
#include "kinds/backup/backup_spec.h"
#include "kinds/backup/backup_summary.h"
#include "scenario/kind.h"

namespace shardlab {
namespace {

// For each journal mode a directory with the shard files: their rows (payload row_bytes,
// INTEGER keys) and the rows the writers insert meanwhile; the backups that are not
// consistent stay until the run ends (a raw copy of a live file, mostly: estimated as two
// methods' worth per round), one restore at a time. Writers are processes of their own.
Footprint EstimateBackupFootprint(const Scenario& s) {
  const BackupSpec& b = s.Spec<BackupSpec>();
  const uint64_t shards = s.shards.count;
  const uint64_t methods = b.methods.size(), rounds = static_cast<uint64_t>(b.rounds);
  const uint64_t commits = rounds * methods * static_cast<uint64_t>(b.commits_between + 1);
  const uint64_t rows = s.keys.count / shards + (s.keys.count % shards != 0) +
                        commits * static_cast<uint64_t>(b.inserts_per_txn);
  const uint64_t row = static_cast<uint64_t>(b.row_bytes) + 18 + kRowOverhead;
  Footprint f;
  for (const std::string& mode : b.journal_modes) {
    SqliteSpec sqlite = s.sqlite;
    sqlite.journal_mode = mode;
    const uint64_t file = SqliteFileBytes(rows, row, 0, 1, sqlite);
    // The writers keep every shard open and commit without pause: each WAL reaches its checkpoint.
    Footprint part = ShardFilesFootprint(s.shards, shards, file + SidecarBytes(sqlite, UINT64_MAX), mode);
    part.dirs += 3;
    const uint64_t kept = rounds * shards * std::min<uint64_t>(methods, 2) + 1;
    Footprint backups = FlatFilesFootprint(kept, file);
    backups.files_per_dir_max = shards * (mode == "wal" ? 2 : 1);
    backups.dirs = methods * rounds + methods;
    part.Add(backups);
    part.fds = shards * FdsPerConnection(mode) + 16;
    f.Add(part);
  }
  return f;
}

class BackupKindImpl final : public Kind {
 public:
  const char* name() const override { return "backup"; }
  std::any Read(FieldReader& root, const Scenario& s) const override {
    return ReadBackupSpec(root, s);
  }
  const std::set<std::string>& MetricRoots() const override { return BackupMetricRoots(); }
  Json MetricShape(const Scenario& s) const override { return BackupMetricShape(s); }
  void ApplyQuick(Scenario& s) const override { ApplyBackupQuickMode(s); }
  Footprint Estimate(const Scenario& s) const override { return EstimateBackupFootprint(s); }
  StatusOr<Json> Run(const Scenario& s, RunContext& context) const override {
    return RunBackup(s, context.data_dir, context.workspace);
  }
  std::string Summarize(const Json& result) const override { return SummarizeBackup(result); }
};

}  // namespace

const Kind& BackupKind() {
  static const BackupKindImpl kKind;
  return kKind;
}

}  // namespace shardlab

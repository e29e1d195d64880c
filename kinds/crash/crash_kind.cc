// kind = crash: the Kind interface over this folder's spec, runner and summary.
#include "kinds/crash/crash_kind.h"

#include <unistd.h>
#include <algorithm>

#include "kinds/crash/crash_runner.h"
#include "kinds/crash/crash_spec.h"
#include "kinds/crash/crash_summary.h"
#include "scenario/kind.h"

namespace shardlab {
namespace {

// The accounts (a WITHOUT ROWID table: key + balance) and the transfer log on each
// shard; a template per journal family, then per worker a trial directory with every
// shard and its journal or WAL. Replayed states go to /dev/shm when it is a tmpfs (not
// counted: another filesystem). Worker children hold their own descriptors.
Footprint EstimateCrashFootprint(const Scenario& s) {
  const CrashSpec& c = s.Spec<CrashSpec>();
  const uint64_t shards = s.shards.count;
  const uint64_t accounts = s.keys.count / shards + (s.keys.count % shards != 0);
  const uint64_t key = KeyBytes(s.keys);
  const uint64_t log_rows = static_cast<uint64_t>(c.transfers) * 2;
  SqliteSpec sqlite = s.sqlite;
  sqlite.journal_mode = "delete";
  const uint64_t file = SqliteFileBytes(accounts, key + 9 + kRowOverhead, 0, 0, sqlite) +
                        SqliteFileBytes(log_rows, key + 24 + kRowOverhead, key + 20, 2, sqlite);
  bool wal = false, rollback = false;
  for (const std::string& m : c.journal_modes) (m == "wal" ? wal : rollback) = true;
  const uint64_t templates = (wal ? 1 : 0) + (rollback ? 1 : 0);
  const uint64_t workers = c.workers > 0 ? static_cast<uint64_t>(c.workers)
                                         : static_cast<uint64_t>(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN)));
  // A trial's shards with a journal or WAL as large as the file, and the -shm.
  const uint64_t trial_bytes = shards * (2 * file + (wal ? 32768 : 0));
  const uint64_t copies = c.relocate ? 2 : 1;  // the trial (and its relocated copy)
  Footprint f = FlatFilesFootprint(templates * shards, file);
  f.dirs = templates + 2;
  Footprint trials;
  trials.bytes = workers * copies * trial_bytes;
  trials.files = workers * copies * shards * (wal ? 3 : 2);
  trials.files_per_dir_max = shards * (wal ? 3 : 2) + 1;
  trials.dirs = workers * copies * 2;
  f.Add(trials);
  f.files += 1;  // scenario.json for trial children
  f.fds = shards * 3 * 2 + 16;
  if (HasTwoPhase(c)) {
    // Each 2pc cell's servers, kept until the run's cleanup: an initdb'd PostgreSQL 15
    // cluster is ~40 MB in ~1,000 files and ~30 directories (base/<db> holds ~300), plus
    // the cell's coordinator log. The servers' own descriptors are theirs, not ours.
    uint64_t servers = 0, cells = 0;
    for (const std::string& fault : c.faults) {
      if (!IsTwoPhaseFault(fault)) continue;
      for (int64_t n : TwoPhaseParticipants(s)) {
        servers += static_cast<uint64_t>(n);
        ++cells;
      }
    }
    Footprint pg;
    pg.bytes = servers * (40u << 20) + cells * (64u << 10);
    pg.files = servers * 1000 + cells;
    pg.files_per_dir_max = 310;
    pg.dirs = servers * 30 + cells;
    pg.fds = 8 + 2 * 4;  // the coordinator log and the parent's two sessions per server
    f.Add(pg);
  }
  return f;
}

class CrashKindImpl final : public Kind {
 public:
  const char* name() const override { return "crash"; }
  // Crash scenarios name accounts rather than keys: a default account set.
  void PrepareRaw(Json& raw) const override {
    if (!raw.contains("keys")) raw["keys"] = {{"count", 64}, {"format", "acct:{i}"}};
  }
  std::any Read(FieldReader& root, const Scenario& /*s*/) const override {
    return ReadCrashSpec(root);
  }
  void Check(const Scenario& s, Problems& problems) const override { CheckCrashSpec(s, problems); }
  const std::set<std::string>& MetricRoots() const override { return CrashMetricRoots(); }
  Json MetricShape(const Scenario& s) const override { return CrashMetricShape(s); }
  void ApplyQuick(Scenario& s) const override { ApplyCrashQuickMode(s); }
  Footprint Estimate(const Scenario& s) const override { return EstimateCrashFootprint(s); }
  StatusOr<Json> Run(const Scenario& s, RunContext& context) const override {
    return RunCrash(s, context);
  }
  std::string Summarize(const Json& result) const override { return SummarizeCrash(result); }
};

}  // namespace

const Kind& CrashKind() {
  static const CrashKindImpl kKind;
  return kKind;
}

}  // namespace shardlab

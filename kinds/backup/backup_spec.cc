#include "kinds/backup/backup_spec.h"

#include <algorithm>

#include "core/json.h"
#include "kinds/backup/backup_methods.h"
#include "scenario/metric_shape.h"

namespace shardlab {
namespace {

constexpr int64_t kMaxShards = 256;  // every writer process holds a connection to every shard

void CheckList(FieldReader& r, const char* key, const std::vector<std::string>& values,
               const std::vector<std::string>& allowed) {
  std::string allowed_text;
  for (const std::string& a : allowed) allowed_text += (allowed_text.empty() ? "" : ", ") + a;
  if (values.empty()) r.Problem(key, "found an empty array; expected some of " + allowed_text);
  for (size_t i = 0; i < values.size(); ++i) {
    if (std::find(allowed.begin(), allowed.end(), values[i]) == allowed.end()) {
      r.Problem(key, "found \"" + values[i] + "\"; expected one of " + allowed_text);
    } else if (std::find(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(i), values[i]) !=
               values.begin() + static_cast<std::ptrdiff_t>(i)) {
      r.Problem(key, "found \"" + values[i] + "\" twice; expected each at most once");
    }
  }
}

}  // namespace

BackupSpec ReadBackupSpec(FieldReader& root, const Scenario& s) {
  FieldReader r = root.Object("backup");
  BackupSpec b;
  b.methods = r.StringList("methods", b.methods);
  CheckList(r, "methods", b.methods, BackupMethodNames());
  b.journal_modes = r.StringList("journal_modes", b.journal_modes);
  CheckList(r, "journal_modes", b.journal_modes, {"delete", "truncate", "persist", "wal"});
  b.rounds = r.Int("rounds", b.rounds, 1, 100'000);
  b.writers = r.Int("writers", b.writers, 1, 64);
  b.updates_per_txn = r.Int("updates_per_txn", b.updates_per_txn, 0, 10'000);
  b.inserts_per_txn = r.Int("inserts_per_txn", b.inserts_per_txn, 0, 10'000);
  if (b.updates_per_txn == 0 && b.inserts_per_txn == 0) {
    r.Problem("inserts_per_txn", "found 0 with updates_per_txn 0; expected a transaction to change at least one row");
  }
  b.row_bytes = r.Int("row_bytes", b.row_bytes, 0, 1'000'000);
  b.writer_pause_us = r.Int("writer_pause_us", b.writer_pause_us, 0, 10'000'000);
  b.commits_between = r.Int("commits_between", b.commits_between, 1, 1'000'000);
  b.jitter_ms = r.Int("jitter_ms", b.jitter_ms, 0, 60'000);
  b.step_pages = r.Int("step_pages", b.step_pages, 1, 1'000'000'000);
  b.step_sleep_ms = r.Int("step_sleep_ms", b.step_sleep_ms, 0, 60'000);
  b.max_restarts = r.Int("max_restarts", b.max_restarts, 0, 1'000'000);
  b.timeout_s = r.Number("timeout_s", b.timeout_s, 0, 3600, /*min_exclusive=*/true);
  r.Finish();
  if (s.shards.count > kMaxShards) {
    root.Problem("shards", "found " + std::to_string(s.shards.count) + " shards; a backup scenario takes at most " +
                               std::to_string(kMaxShards) + " (every writer process connects to every shard)");
  }
  return b;
}

void ApplyBackupQuickMode(Scenario& s) {
  BackupSpec& b = s.MutableSpec<BackupSpec>();
  b.rounds = std::min<int64_t>(b.rounds, 2);
  s.resolved["backup"]["rounds"] = b.rounds;
}

const std::set<std::string>& BackupMetricRoots() {
  static const std::set<std::string> kRoots = {"backups", "writers", "speed", "database_bytes", "shards", "rows"};
  return kRoots;
}

// backups.<journal mode>.<method>, and writers, speed, database_bytes per journal mode: the names from the spec (scenario/metric_shape.h).
Json BackupMetricShape(const Scenario& s) {
  const BackupSpec& b = s.Spec<BackupSpec>();
  Json shape = OpenShape(BackupMetricRoots());
  shape["backups"] = ProductShape({b.journal_modes, b.methods});
  for (const char* per_mode : {"writers", "speed", "database_bytes"}) shape[per_mode] = ProductShape({b.journal_modes});
  return shape;
}

}  // namespace shardlab

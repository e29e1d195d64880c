#include "kinds/migrate/schema_migration_spec.h"

#include <algorithm>

#include "core/json.h"
#include "kinds/migrate/schema_migration.h"
#include "scenario/metric_shape.h"

namespace shardlab {

SchemaMigrationSpec ReadSchemaMigrationSpec(FieldReader& root, const Scenario& s) {
  FieldReader r = root.Object("migrate");
  SchemaMigrationSpec m;
  m.strategies = r.StringList("strategies", m.strategies);
  for (const std::string& name : m.strategies) {
    if (!ParseMigrationStrategy(name).has_value()) {
      r.Problem("strategies", "found \"" + name + "\"; expected transactional, separate_version or autocommit");
    }
  }
  if (m.strategies.empty()) r.Problem("strategies", "found an empty array; expected at least one strategy");
  m.journal_modes = r.StringList("journal_modes", m.journal_modes);
  for (const std::string& j : m.journal_modes) {
    if (j != "delete" && j != "truncate" && j != "persist" && j != "wal") {
      r.Problem("journal_modes", "found \"" + j + "\"; expected delete, truncate, persist or wal");
    }
  }
  if (m.journal_modes.empty()) r.Problem("journal_modes", "found an empty array; expected at least one journal mode");
  m.value_bytes = r.Int("value_bytes", m.value_bytes, 1, 1'000'000);
  m.workers = r.Int("workers", m.workers, 1, 64);
  m.floor = r.Bool("floor", m.floor);
  m.bare = r.Bool("bare", m.bare);
  m.crash_trials = r.Int("crash_trials", m.crash_trials, 0, 100'000);
  m.crash_every_file = r.Bool("crash_every_file", m.crash_every_file);
  m.crash_files = r.Int("crash_files", m.crash_files, 0, 1'000'000);
  m.timeout_s = r.Number("timeout_s", m.timeout_s, 0, 86'400, /*min_exclusive=*/true);
  if (m.crash_files > static_cast<int64_t>(s.shards.count) && s.shards.count > 0) {
    r.Problem("crash_files", "found " + std::to_string(m.crash_files) + "; expected at most shards.count (" +
                                 std::to_string(s.shards.count) + "), or 0 for all of them");
  }
  r.Finish();
  return m;
}

void ApplySchemaMigrationQuickMode(Scenario& s) {
  SchemaMigrationSpec& m = s.MutableSpec<SchemaMigrationSpec>();
  m.crash_trials = std::min<int64_t>(m.crash_trials, 2);
  m.crash_every_file = false;
  const int64_t files = m.crash_files > 0 ? m.crash_files : static_cast<int64_t>(s.shards.count);
  m.crash_files = std::min<int64_t>(files, 3);
  Json& r = s.resolved["migrate"];
  r["crash_trials"] = m.crash_trials;
  r["crash_every_file"] = m.crash_every_file;
  r["crash_files"] = m.crash_files;
}

const std::set<std::string>& SchemaMigrationMetricRoots() {
  static const std::set<std::string> kRoots = {"files", "rows", "rows_per_file", "synchronous", "change", "provision",
                                               "floor", "bare", "strategies"};
  return kRoots;
}

// strategies.<strategy>.<journal mode>: the names from the spec (scenario/metric_shape.h).
Json SchemaMigrationMetricShape(const Scenario& s) {
  const SchemaMigrationSpec& m = s.Spec<SchemaMigrationSpec>();
  Json shape = OpenShape(SchemaMigrationMetricRoots());
  shape["strategies"] = ProductShape({m.strategies, m.journal_modes});
  return shape;
}

}  // namespace shardlab

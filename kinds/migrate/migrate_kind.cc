// kind = migrate: the Kind interface over this folder's spec, runner and summary.
#include "kinds/migrate/migrate_kind.h"

#include "kinds/migrate/schema_migration_runner.h"
#include "kinds/migrate/schema_migration_spec.h"
#include "kinds/migrate/schema_migration_summary.h"
#include "scenario/kind.h"

namespace shardlab {
namespace {

// One fleet at a time (each is removed before the next is built): every shard file with
// its rows (values of 1 to 2 x value_bytes: 1.5 on average) at version 2 (a v_len column and its index),
// or a crash trial's smaller fleet. A migrator thread holds one file open.
Footprint EstimateMigrateFootprint(const Scenario& s) {
  const SchemaMigrationSpec& m = s.Spec<SchemaMigrationSpec>();
  const uint64_t shards = s.shards.count;
  const uint64_t rows = s.keys.count / shards + (s.keys.count % shards != 0);
  const uint64_t key = KeyBytes(s.keys);
  const uint64_t value = 3 * static_cast<uint64_t>(m.value_bytes) / 2;  // 1 to 2 x value_bytes
  const uint64_t row = key + value + 9 + kRowOverhead;
  const uint64_t index = (s.keys.integer_keys ? 0 : key + kIndexOverhead) + 9 + kIndexOverhead;
  const int indexes = s.keys.integer_keys ? 1 : 2;
  Footprint f;
  for (const std::string& mode : m.journal_modes) {
    SqliteSpec sqlite = s.sqlite;
    sqlite.journal_mode = mode;
    const uint64_t file = SqliteFileBytes(rows, row, index, indexes, sqlite);
    Footprint fleet = ShardFilesFootprint(s.shards, shards, file, mode);
    // Each migrator has one file open: its WAL holds the rewritten table and the new index.
    fleet.bytes += static_cast<uint64_t>(m.workers) * SidecarBytes(sqlite, 2 * file / static_cast<uint64_t>(sqlite.page_size));
    fleet.fds = static_cast<uint64_t>(m.workers) * FdsPerConnection(mode) + 16;
    f.Peak(fleet);
  }
  return f;
}

class MigrateKindImpl final : public Kind {
 public:
  const char* name() const override { return "migrate"; }
  std::any Read(FieldReader& root, const Scenario& s) const override {
    return ReadSchemaMigrationSpec(root, s);
  }
  const std::set<std::string>& MetricRoots() const override { return SchemaMigrationMetricRoots(); }
  Json MetricShape(const Scenario& s) const override { return SchemaMigrationMetricShape(s); }
  void ApplyQuick(Scenario& s) const override { ApplySchemaMigrationQuickMode(s); }
  Footprint Estimate(const Scenario& s) const override { return EstimateMigrateFootprint(s); }
  StatusOr<Json> Run(const Scenario& s, RunContext& context) const override {
    return RunSchemaMigration(s, context.data_dir, context.workspace);
  }
  std::string Summarize(const Json& result) const override { return SummarizeSchemaMigration(result); }
};

}  // namespace

const Kind& MigrateKind() {
  static const MigrateKindImpl kKind;
  return kKind;
}

}  // namespace shardlab

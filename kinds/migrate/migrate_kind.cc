// kind = migrate: the Kind interface over this folder's spec, runner and summary.
#include "kinds/migrate/migrate_kind.h"

#include "kinds/migrate/schema_migration_runner.h"
#include "kinds/migrate/schema_migration_spec.h"
#include "kinds/migrate/schema_migration_summary.h"
#include "scenario/kind.h"

namespace shardlab {
namespace {

class MigrateKindImpl final : public Kind {
 public:
  const char* name() const override { return "migrate"; }
  std::any Read(FieldReader& root, const Scenario& s) const override {
    return ReadSchemaMigrationSpec(root, s);
  }
  const std::set<std::string>& MetricRoots() const override { return SchemaMigrationMetricRoots(); }
  void ApplyQuick(Scenario& s) const override { ApplySchemaMigrationQuickMode(s); }
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

// kind = backup: the Kind interface over this folder's spec, runner and summary.
#include "kinds/backup/backup_kind.h"

#include "kinds/backup/backup_runner.h"
#include "kinds/backup/backup_spec.h"
#include "kinds/backup/backup_summary.h"
#include "scenario/kind.h"

namespace shardlab {
namespace {

class BackupKindImpl final : public Kind {
 public:
  const char* name() const override { return "backup"; }
  std::any Read(FieldReader& root, const Scenario& s) const override {
    return ReadBackupSpec(root, s);
  }
  const std::set<std::string>& MetricRoots() const override { return BackupMetricRoots(); }
  void ApplyQuick(Scenario& s) const override { ApplyBackupQuickMode(s); }
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

// kind = workload: the Kind interface over this folder's spec, runner and summary.
#include "kinds/workload/workload_kind.h"

#include "kinds/workload/workload_runner.h"
#include "kinds/workload/workload_spec.h"
#include "kinds/workload/workload_summary.h"
#include "scenario/kind.h"

namespace shardlab {
namespace {

class WorkloadKindImpl final : public Kind {
 public:
  const char* name() const override { return "workload"; }
  std::any Read(FieldReader& root, const Scenario& /*s*/) const override {
    return ReadWorkloadSpec(root);
  }
  void Check(const Scenario& s, Problems& problems) const override { CheckWorkloadSpec(s, problems); }
  const std::set<std::string>& MetricRoots() const override { return WorkloadMetricRoots(); }
  void CheckMetric(const Scenario& s, const std::string& metric, const std::string& path,
                   Problems& problems) const override {
    CheckWorkloadMetric(s, metric, path, problems);
  }
  void ApplyQuick(Scenario& s) const override { ApplyWorkloadQuickMode(s); }
  StatusOr<Json> Run(const Scenario& s, RunContext& context) const override {
    return RunWorkload(s, context.data_dir, context.workspace);
  }
  std::string Summarize(const Json& result) const override { return SummarizeWorkload(result); }
};

}  // namespace

const Kind& WorkloadKind() {
  static const WorkloadKindImpl kKind;
  return kKind;
}

}  // namespace shardlab

// kind = tenants: the Kind interface over this folder's spec, runner and summary.
#include "kinds/tenants/tenants_kind.h"

#include "kinds/tenants/tenants_runner.h"
#include "kinds/tenants/tenants_spec.h"
#include "kinds/tenants/tenants_summary.h"
#include "scenario/kind.h"

namespace shardlab {
namespace {

class TenantsKindImpl final : public Kind {
 public:
  const char* name() const override { return "tenants"; }
  std::any Read(FieldReader& root, const Scenario& /*s*/) const override {
    return ReadTenantsSpec(root);
  }
  void Check(const Scenario& s, Problems& problems) const override { CheckTenantsSpec(s, problems); }
  const std::set<std::string>& MetricRoots() const override { return TenantsMetricRoots(); }
  void ApplyQuick(Scenario& s) const override { ApplyTenantsQuickMode(s); }
  StatusOr<Json> Run(const Scenario& s, RunContext& context) const override {
    return RunTenants(s, context.data_dir, context.workspace);
  }
  std::string Summarize(const Json& result) const override { return SummarizeTenants(result); }
};

}  // namespace

const Kind& TenantsKind() {
  static const TenantsKindImpl kKind;
  return kKind;
}

}  // namespace shardlab

// kind = concurrency: the Kind interface over this folder's spec, runner and summary.
#include "kinds/concurrency/concurrency_kind.h"

#include "kinds/concurrency/concurrency_runner.h"
#include "kinds/concurrency/concurrency_spec.h"
#include "kinds/concurrency/concurrency_summary.h"
#include "scenario/kind.h"

namespace shardlab {
namespace {

class ConcurrencyKindImpl final : public Kind {
 public:
  const char* name() const override { return "concurrency"; }
  std::any Read(FieldReader& root, const Scenario& /*s*/) const override {
    return ReadConcurrencySpec(root);
  }
  const std::set<std::string>& MetricRoots() const override { return ConcurrencyMetricRoots(); }
  void ApplyQuick(Scenario& s) const override { ApplyConcurrencyQuickMode(s); }
  StatusOr<Json> Run(const Scenario& s, RunContext& context) const override {
    return RunConcurrency(s, context.data_dir, context.workspace);
  }
  std::string Summarize(const Json& result) const override { return SummarizeConcurrency(result); }
};

}  // namespace

const Kind& ConcurrencyKind() {
  static const ConcurrencyKindImpl kKind;
  return kKind;
}

}  // namespace shardlab

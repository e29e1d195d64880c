// kind = reshard: the Kind interface over this folder's spec, runner and summary.
#include "kinds/reshard/reshard_kind.h"

#include "kinds/reshard/reshard_runner.h"
#include "kinds/reshard/reshard_spec.h"
#include "kinds/reshard/reshard_summary.h"
#include "scenario/kind.h"

namespace shardlab {
namespace {

class ReshardKindImpl final : public Kind {
 public:
  const char* name() const override { return "reshard"; }
  std::any Read(FieldReader& root, const Scenario& s) const override {
    return ReadReshardSpec(root, s);
  }
  void Check(const Scenario& s, Problems& problems) const override { CheckReshardSpec(s, problems); }
  const std::set<std::string>& MetricRoots() const override { return ReshardMetricRoots(); }
  StatusOr<Json> Run(const Scenario& s, RunContext& context) const override {
    return RunReshard(s, context.data_dir, context.workspace);
  }
  std::string Summarize(const Json& result) const override { return SummarizeReshard(result); }
};

}  // namespace

const Kind& ReshardKind() {
  static const ReshardKindImpl kKind;
  return kKind;
}

}  // namespace shardlab

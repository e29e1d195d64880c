// kind = ids: the Kind interface over this folder's spec, runner and summary.
#include "kinds/ids/ids_kind.h"

#include "kinds/ids/ids_runner.h"
#include "kinds/ids/ids_spec.h"
#include "kinds/ids/ids_summary.h"
#include "scenario/kind.h"

namespace shardlab {
namespace {

class IdsKindImpl final : public Kind {
 public:
  const char* name() const override { return "ids"; }
  std::any Read(FieldReader& root, const Scenario& s) const override {
    return ReadIdsSpec(root, s);
  }
  const std::set<std::string>& MetricRoots() const override { return IdsMetricRoots(); }
  StatusOr<Json> Run(const Scenario& s, RunContext& context) const override {
    return RunIds(s, context.data_dir, context.workspace);
  }
  std::string Summarize(const Json& result) const override { return SummarizeIds(result); }
};

}  // namespace

const Kind& IdsKind() {
  static const IdsKindImpl kKind;
  return kKind;
}

}  // namespace shardlab

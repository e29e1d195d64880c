// kind = crash: the Kind interface over this folder's spec, runner and summary.
#include "kinds/crash/crash_kind.h"

#include "kinds/crash/crash_runner.h"
#include "kinds/crash/crash_spec.h"
#include "kinds/crash/crash_summary.h"
#include "scenario/kind.h"

namespace shardlab {
namespace {

class CrashKindImpl final : public Kind {
 public:
  const char* name() const override { return "crash"; }
  // Crash scenarios name accounts rather than keys: a default account set.
  void PrepareRaw(Json& raw) const override {
    if (!raw.contains("keys")) raw["keys"] = {{"count", 64}, {"format", "acct:{i}"}};
  }
  std::any Read(FieldReader& root, const Scenario& /*s*/) const override {
    return ReadCrashSpec(root);
  }
  void Check(const Scenario& s, Problems& problems) const override { CheckCrashSpec(s, problems); }
  const std::set<std::string>& MetricRoots() const override { return CrashMetricRoots(); }
  void ApplyQuick(Scenario& s) const override { ApplyCrashQuickMode(s); }
  StatusOr<Json> Run(const Scenario& s, RunContext& context) const override {
    return RunCrash(s, context);
  }
  std::string Summarize(const Json& result) const override { return SummarizeCrash(result); }
};

}  // namespace

const Kind& CrashKind() {
  static const CrashKindImpl kKind;
  return kKind;
}

}  // namespace shardlab

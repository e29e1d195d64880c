#include "kinds/ids/ids_spec.h"

#include <algorithm>

#include "core/json.h"
#include "scenario/metric_shape.h"

namespace shardlab {
namespace {

const std::vector<std::string>& Schemes() {
  static const std::vector<std::string> kSchemes = {"autoincrement", "offsets", "uuid4", "uuid7", "snowflake"};
  return kSchemes;
}

}  // namespace

IdsSpec ReadIdsSpec(FieldReader& root, const Scenario& s) {
  FieldReader r = root.Object("ids");
  IdsSpec ids;
  ids.schemes = r.StringList("schemes", ids.schemes);
  for (const std::string& scheme : ids.schemes) {
    if (std::find(Schemes().begin(), Schemes().end(), scheme) == Schemes().end()) {
      r.Problem("schemes", "found \"" + scheme + "\"; expected autoincrement, offsets, uuid4, uuid7 or snowflake");
    }
  }
  if (ids.schemes.empty()) r.Problem("schemes", "found an empty array; expected at least one id scheme");
  ids.batch_rows = r.Int("batch_rows", 1000, 1, 1'000'000);
  r.Finish();
  if (s.shards.count > 1024 && std::find(ids.schemes.begin(), ids.schemes.end(), "snowflake") != ids.schemes.end()) {
    root.Problem("shards", "snowflake ids hold the shard in 10 bits: at most 1024 shards");
  }
  return ids;
}

const std::set<std::string>& IdsMetricRoots() {
  static const std::set<std::string> kRoots = {"schemes", "rows", "shards"};
  return kRoots;
}

// schemes.<scheme>: the names from the spec (scenario/metric_shape.h).
Json IdsMetricShape(const Scenario& s) {
  const IdsSpec& i = s.Spec<IdsSpec>();
  Json shape = OpenShape(IdsMetricRoots());
  shape["schemes"] = ProductShape({i.schemes});
  return shape;
}

}  // namespace shardlab

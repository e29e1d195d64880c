// kind = ids: the Kind interface over this folder's spec, runner and summary.
#include "kinds/ids/ids_kind.h"

#include "kinds/ids/ids_runner.h"
#include "kinds/ids/ids_spec.h"
#include "kinds/ids/ids_summary.h"
#include "scenario/kind.h"

namespace shardlab {
namespace {

// Per id scheme a directory with every shard file: all rows of the scenario, each with
// its key text and an id (a 16-byte BLOB primary key, an index of its own, for uuids).
Footprint EstimateIdsFootprint(const Scenario& s) {
  const IdsSpec& ids = s.Spec<IdsSpec>();
  const uint64_t shards = s.shards.count;
  const uint64_t rows = s.keys.count / shards + (s.keys.count % shards != 0);
  const uint64_t key = KeyBytes(s.keys);
  Footprint f;
  for (const std::string& scheme : ids.schemes) {
    const bool uuid = scheme == "uuid4" || scheme == "uuid7";
    const uint64_t file = SqliteFileBytes(rows, key + (uuid ? 17 : 9) + kRowOverhead, uuid ? 17 + kIndexOverhead : 0,
                                          uuid ? 1 : 0, s.sqlite);
    Footprint part = FlatFilesFootprint(shards, file + SidecarBytes(s.sqlite, file / static_cast<uint64_t>(s.sqlite.page_size)));
    part.fds = shards * FdsPerConnection(s.sqlite.journal_mode) + 16;
    f.Add(part);
  }
  return f;
}

class IdsKindImpl final : public Kind {
 public:
  const char* name() const override { return "ids"; }
  std::any Read(FieldReader& root, const Scenario& s) const override {
    return ReadIdsSpec(root, s);
  }
  const std::set<std::string>& MetricRoots() const override { return IdsMetricRoots(); }
  Json MetricShape(const Scenario& s) const override { return IdsMetricShape(s); }
  Footprint Estimate(const Scenario& s) const override { return EstimateIdsFootprint(s); }
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
